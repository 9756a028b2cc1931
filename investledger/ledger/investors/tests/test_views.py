"""Investor pages: investors are seen through the projects the reader may see."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import services
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def investors(reference_data):
    ref = reference_data
    byd = make_investor("比亚迪", name_en="BYD", origin=Investor.Origin.OTHER_PROVINCE, fortune_global_500=True)
    local = make_investor("本地食品", origin=Investor.Origin.LOCAL)
    make_project(name="北区电池", area=ref.north, sector=ref.ev, value=3 * BN, investor=byd)
    make_project(name="园区电驱", area=ref.north_park, sector=ref.ev, value=BN, investor=byd)
    south = make_project(name="南区整车", area=ref.south, sector=ref.ev, value=5 * BN, investor=byd)
    make_project(name="南区食品", area=ref.south, sector=ref.food, value=BN / 2, investor=local)
    with audit_context(source="test"):
        services.project_update(project=south, fields={}, m2m={"co_investors": [local.pk]})
    return {"byd": byd, "local": local}


def login(client, user):
    client.force_login(user)
    return client


def row(response, investor):
    return next(i for i in response.context["object_list"] if i.pk == investor.pk)


class TestInvestorList:
    def test_it_totals_the_projects_an_investor_leads(self, client, personas, investors):
        response = login(client, personas.admin).get(reverse("investors:investor_list"))
        byd = row(response, investors["byd"])
        assert (byd.project_count, byd.project_value) == (3, 9 * BN)

    def test_a_district_officer_sees_only_investors_and_value_of_their_projects(self, client, personas, investors):
        response = login(client, personas.officer_north).get(reverse("investors:investor_list"))
        assert {i.pk for i in response.context["object_list"]} == {investors["byd"].pk}
        byd = row(response, investors["byd"])
        assert (byd.project_count, byd.project_value) == (2, 4 * BN)

    def test_it_filters_by_origin_and_distinction(self, client, personas, investors):
        login(client, personas.admin)
        response = client.get(reverse("investors:investor_list"), {"origin": "local"})
        assert {i.pk for i in response.context["object_list"]} == {investors["local"].pk}
        response = client.get(reverse("investors:investor_list"), {"fortune_global_500": "true"})
        assert {i.pk for i in response.context["object_list"]} == {investors["byd"].pk}


class TestInvestorDetail:
    def test_it_lists_only_visible_projects(self, client, personas, investors):
        response = login(client, personas.officer_north).get(
            reverse("investors:investor_detail", args=[investors["byd"].pk])
        )
        names = {p.name for p in response.context["projects"]}
        assert names == {"北区电池", "园区电驱"}
        assert "南区整车" not in response.content.decode()

    def test_it_shows_co_invested_projects_with_their_role(self, client, personas, investors):
        response = login(client, personas.admin).get(reverse("investors:investor_detail", args=[investors["local"].pk]))
        assert {p.name for p in response.context["projects"]} == {"南区食品", "南区整车"}
        assert response.context["totals"]["count"] == 1
        assert "co-investor" in response.content.decode()

    def test_it_answers_404_for_an_investor_with_no_visible_project(self, client, personas, investors):
        response = login(client, personas.officer_north).get(
            reverse("investors:investor_detail", args=[investors["local"].pk])
        )
        assert response.status_code == 404


class TestInvestorEdit:
    def data(self, **overrides):
        data = {"name": "宁德时代", "name_en": "CATL", "origin": "other_province", "ownership": "private"}
        data.update(overrides)
        return data

    def test_an_administrator_creates_and_edits_an_investor_with_audit(self, client, personas):
        login(client, personas.admin)
        response = client.post(reverse("investors:investor_create"), self.data(listed="on"))
        investor = Investor.objects.get(name="宁德时代")
        assert response.status_code == 302 and investor.listed
        response = client.post(
            reverse("investors:investor_edit", args=[investor.pk]), self.data(country="中国", version=1)
        )
        assert response.status_code == 302
        investor.refresh_from_db()
        assert investor.country == "中国"
        kinds = list(AuditEntry.objects.filter(object_id=str(investor.pk)).values_list("kind", flat=True))
        assert AuditEntry.Kind.CREATE in kinds and AuditEntry.Kind.UPDATE in kinds

    def test_it_refuses_a_duplicate_name_on_the_name_field(self, client, personas, investors):
        login(client, personas.admin)
        response = client.post(reverse("investors:investor_create"), self.data(name="比亚迪"))
        assert "name" in response.context["form"].errors or response.context["form"].non_field_errors()
        assert Investor.objects.filter(name="比亚迪").count() == 1

    def test_a_district_officer_may_read_and_enter_but_not_edit_an_investor(self, client, personas, investors):
        login(client, personas.officer_north)
        assert client.get(reverse("investors:investor_detail", args=[investors["byd"].pk])).status_code == 200
        assert client.get(reverse("investors:investor_edit", args=[investors["byd"].pk])).status_code == 403
        response = client.post(reverse("investors:investor_create"), self.data(name="新投资方"))
        assert response.status_code == 302
        assert Investor.objects.filter(name="新投资方").exists()
        assert client.get(reverse("investors:investor_edit", args=[investors["local"].pk])).status_code == 404

    def test_a_leader_may_not_enter_an_investor(self, client, personas):
        login(client, personas.leader)
        assert client.get(reverse("investors:investor_create")).status_code == 403
