"""The opportunity pages, tried by every persona: who sees what, who may change what, and how forms answer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.ledger.opportunities import selectors, services
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityList
from investledger.testing import make_project

from .conftest import add_opportunity, category

pytestmark = pytest.mark.django_db


def pages(north_list, opportunity):
    """Every page of one list and one of its opportunities, with the method it answers."""
    return [
        ("get", reverse("opportunities:list_detail", args=[north_list.pk])),
        ("get", reverse("opportunities:list_edit", args=[north_list.pk])),
        ("post", reverse("opportunities:list_edit", args=[north_list.pk])),
        ("get", reverse("opportunities:opportunity_create", args=[north_list.pk])),
        ("post", reverse("opportunities:opportunity_create", args=[north_list.pk])),
        ("get", reverse("opportunities:opportunity_detail", args=[opportunity.pk])),
        ("get", reverse("opportunities:opportunity_edit", args=[opportunity.pk])),
        ("post", reverse("opportunities:opportunity_edit", args=[opportunity.pk])),
        ("get", reverse("opportunities:opportunity_status", args=[opportunity.pk])),
        ("post", reverse("opportunities:opportunity_status", args=[opportunity.pk])),
    ]


def opportunity_data(reference_data, **overrides):
    data = {
        "title": "北区冷链物流中心",
        "title_en": "North cold-chain logistics centre",
        "category": category("industrial-carriers").pk,
        "host_area": reference_data.north.pk,
        "location": "北区物流大道",
        "land_area": "120",
        "land_area_unit": "mu",
        "currency": "CNY",
        "estimated_value": "1.5",  # RMB bn, the unit shown beside the field
        "fx_rate": "",
        "value_approximate": "on",
        "cooperation_mode": "joint",
        "sectors": [reference_data.food.pk],
        "incentives": "",
        "contact_name": "王先生",
        "contact_phone": "028-0000000",
        "contact_email": "invest@example.org",
        "description": "",
        "description_en": "",
    }
    data.update(overrides)
    return data


class AccessTests:
    def test_it_answers_not_found_to_another_district_on_every_page(
        self, client, personas, north_list, north_opportunities
    ):
        client.force_login(personas.officer_south)
        for method, url in pages(north_list, north_opportunities[0]):
            assert getattr(client, method)(url).status_code == 404, (method, url)

    def test_it_forbids_changes_to_a_read_only_role(self, client, personas, north_list, north_opportunities):
        client.force_login(personas.leader)
        for method, url in pages(north_list, north_opportunities[0]):
            expected = 200 if method == "get" and url.rstrip("/").split("/")[-1].isdigit() else 403
            assert getattr(client, method)(url).status_code == expected, (method, url)
        assert client.get(reverse("opportunities:list_create")).status_code == 403

    def test_it_lists_only_the_lists_in_scope(self, client, personas, north_list, north_opportunities):
        client.force_login(personas.officer_south)
        response = client.get(reverse("opportunities:list_index"))
        assert response.status_code == 200
        assert north_list.title_en not in response.content.decode()


class WriteTests:
    def test_an_officer_creates_a_list_and_adds_an_opportunity(self, client, personas, reference_data):
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("opportunities:list_create"),
            {
                "title": "北区第二批机会清单",
                "title_en": "North District, second batch",
                "publishing_area": reference_data.north.pk,
                "publishing_unit": reference_data.bureau.pk,
                "released_on": "2023-09-01",
                "event": "",
                "published": "on",
                "notes": "",
            },
        )
        created = OpportunityList.objects.get(title="北区第二批机会清单")
        assert response.status_code == 302 and response.url == reverse("opportunities:list_detail", args=[created.pk])
        response = client.post(
            reverse("opportunities:opportunity_create", args=[created.pk]), opportunity_data(reference_data)
        )
        opportunity = Opportunity.objects.get(list=created)
        assert response.url == reverse("opportunities:opportunity_detail", args=[opportunity.pk])
        assert opportunity.estimated_value_cny == Decimal("1500000000.00")
        assert list(opportunity.sectors.all()) == [reference_data.food]
        entry = AuditEntry.objects.filter(object_id=str(opportunity.pk), content_type__model="opportunity").get()
        assert entry.actor == personas.officer_north

    def test_it_refuses_a_host_area_outside_the_officers_areas(self, client, personas, reference_data, north_list):
        client.force_login(personas.officer_park)  # North Park only, on North's list
        response = client.post(
            reverse("opportunities:opportunity_create", args=[north_list.pk]),
            opportunity_data(reference_data, host_area=reference_data.north.pk),
        )
        assert response.status_code in (403, 404)
        assert not Opportunity.objects.filter(list=north_list).exists()

    def test_it_says_so_when_someone_saved_the_opportunity_meanwhile(
        self, client, personas, reference_data, north_opportunities
    ):
        opportunity = north_opportunities[0]
        services.opportunity_update(opportunity=opportunity, fields={"location": "东路1号"})
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("opportunities:opportunity_edit", args=[opportunity.pk]),
            opportunity_data(reference_data, version="1", location="西路2号"),
        )
        assert response.status_code == 200
        assert "saved this record meanwhile" in response.content.decode()
        opportunity.refresh_from_db()
        assert opportunity.location == "东路1号"

    def test_it_names_the_field_of_a_bad_amount(self, client, personas, reference_data, north_list):
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("opportunities:opportunity_create", args=[north_list.pk]),
            opportunity_data(reference_data, estimated_value="12abc"),
        )
        assert response.status_code == 200
        assert 'data-error-for="estimated_value"' in response.content.decode()
        assert not Opportunity.objects.filter(list=north_list).exists()

    def test_it_marks_an_opportunity_signed_with_its_project(
        self, client, personas, reference_data, north_opportunities
    ):
        opportunity = north_opportunities[0]
        project = make_project(area=reference_data.north, sector=reference_data.food, value="800000000")
        client.force_login(personas.officer_north)
        url = reverse("opportunities:opportunity_status", args=[opportunity.pk])
        refused = client.post(url, {"status": "signed", "reason": "签约", "version": "1", "project": "", "on": ""})
        assert 'data-error-for="project"' in refused.content.decode()
        response = client.post(
            url, {"status": "signed", "reason": "签约", "version": "1", "project": project.pk, "on": ""}
        )
        assert response.status_code == 302
        opportunity.refresh_from_db()
        assert opportunity.status == Status.SIGNED and opportunity.project == project
        page = client.get(reverse("opportunities:opportunity_detail", args=[opportunity.pk])).content.decode()
        assert project.reference in page and "签约" in page


class TotalsTests:
    def test_the_list_page_and_the_index_show_the_totals_the_selector_computes(
        self, client, personas, reference_data, north_list, north_opportunities
    ):
        add_opportunity(
            north_list,
            title="估算项目",
            area=reference_data.north,
            value="50000000",
            value_approximate=True,
            code="franchising",
        )
        totals = selectors.list_totals(Opportunity.objects.filter(list=north_list))
        assert (totals.count, totals.categories, totals.value_cny) == (3, 2, Decimal("1300000000.00"))
        assert totals.approximate
        client.force_login(personas.officer_north)
        detail = client.get(reverse("opportunities:list_detail", args=[north_list.pk])).content.decode()
        index = client.get(reverse("opportunities:list_index")).content.decode()
        assert "3 opportunities in 2 categories, about RMB 1.3 bn" in detail
        assert "3 opportunities in 2 categories, about RMB 1.3 bn" in index

    def test_it_shows_the_totals_in_chinese_units(self, client, personas, north_list, north_opportunities):
        client.force_login(personas.officer_north)
        page = client.get(
            reverse("opportunities:list_detail", args=[north_list.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "2 个机会，2 个类别，12.5亿元" in page
        assert "北区2023年第一批机会清单" in page
