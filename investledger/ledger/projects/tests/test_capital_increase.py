"""A capital increase is entered as its increment, grows the project's amount, and keeps totals adding up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def project(reference_data):
    return make_project(
        name="北区电池工厂",
        area=reference_data.north,
        sector=reference_data.ev,
        value=3 * BN,
        event=reference_data.event,
    )


@pytest.fixture
def later():
    return SigningEvent.objects.create(
        name="增资签约", name_en="Capital increase ceremony", kind="ceremony", date=dt.date(2023, 5, 1)
    )


def post_increase(client, project, event, amount, **extra):
    return client.post(
        reverse("projects:signing_add", args=[project.pk]),
        {"event": event.pk, "kind": SigningKind.CAPITAL_INCREASE, "stated_value_cny": amount, **extra},
    )


def ledger_total() -> Decimal:
    return Project.objects.filter(signings__isnull=False).distinct().aggregate(v=Sum("contract_value_cny"))["v"]


def counted_total() -> Decimal:
    return Signing.objects.aggregate(v=Sum("counted_value_cny"))["v"]


class TestTheForm:
    def test_a_capital_increase_starts_at_zero_not_at_the_whole_amount(self, client, personas, project):
        client.force_login(personas.officer_north)
        response = client.get(reverse("projects:signing_add", args=[project.pk]) + "?kind=capital_increase")
        form = response.context["form"]
        assert form["kind"].value() == SigningKind.CAPITAL_INCREASE
        assert form["stated_value_cny"].value() == 0
        assert 'value="0"' in response.content.decode()
        assert str(form.fields["stated_value_cny"].label) == "Increment"

    def test_the_project_page_offers_a_capital_increase(self, client, personas, project):
        client.force_login(personas.officer_north)
        body = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
        assert "?kind=capital_increase" in body

    def test_it_adds_the_increment_to_the_projects_amount(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        response = post_increase(client, project, later, "0.5")
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.contract_value_cny == Decimal("3500000000.00")
        assert project.version == 2
        signing = Signing.objects.get(event=later)
        assert (signing.counted_project, signing.counted_value_cny) == (False, Decimal("500000000.00"))
        entry = AuditEntry.objects.filter(content_type__model="project", object_id=str(project.pk)).latest("id")
        assert entry.changes["contract_value_cny"] == ["3000000000.00", "3500000000.00"]

    def test_an_increment_as_large_as_the_project_asks_for_confirmation(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        response = post_increase(client, project, later, "3.5")  # the new total, typed as the increment
        assert response.status_code == 200
        form = response.context["form"]
        assert "confirm_increment" in form.errors
        assert "is the new total, the increment is RMB 0.50 bn" in " ".join(form.increment_warnings)
        assert not Signing.objects.filter(event=later).exists()
        project.refresh_from_db()
        assert project.contract_value_cny == 3 * BN
        response = post_increase(client, project, later, "3.5", confirm_increment="on")
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.contract_value_cny == Decimal("6500000000.00")

    def test_an_increment_equal_to_the_project_asks_whether_it_is_the_new_total(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        response = post_increase(client, project, later, "3")
        assert "did you type the new total" in " ".join(response.context["form"].increment_warnings)

    def test_a_zero_increment_is_refused(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        response = post_increase(client, project, later, "0")
        assert "Give the increment" in " ".join(response.context["form"].errors["stated_value_cny"])


class TestTotalsAddUp:
    def test_event_totals_add_up_to_the_ledger_after_a_capital_increase(self, reference_data, personas, project, later):
        with audit_context(source="test"):
            services.signing_add(
                project=project,
                event=later,
                signed_on=later.date,
                kind=SigningKind.CAPITAL_INCREASE,
                stated_value_cny=BN,
            )
        first = event_totals(reference_data.event, personas.admin).value_cny
        second = event_totals(later, personas.admin).value_cny
        assert (first, second) == (3 * BN, BN)
        assert first + second == ledger_total() == counted_total() == 4 * BN

    def test_editing_the_amount_after_an_increase_keeps_the_increment_apart(self, reference_data, project, later):
        with audit_context(source="test"):
            services.signing_add(
                project=project,
                event=later,
                signed_on=later.date,
                kind=SigningKind.CAPITAL_INCREASE,
                stated_value_cny=BN,
            )
            services.project_update(project=project, fields={"contract_value": Decimal("4200000000")})
        first = Signing.objects.get(event=reference_data.event)
        assert first.counted_value_cny == Decimal("3200000000.00")
        assert counted_total() == ledger_total() == Decimal("4200000000.00")

    def test_a_foreign_currency_project_grows_by_the_increment_to_the_cent(self, reference_data, later):
        project = make_project(
            area=reference_data.north,
            sector=reference_data.ev,
            value="100000000",
            currency="USD",
            fx_rate=Decimal("7.1"),
            fx_date=dt.date(2022, 8, 1),
            event=reference_data.event,
        )
        with audit_context(source="test"):
            services.signing_add(
                project=project,
                event=later,
                signed_on=later.date,
                kind=SigningKind.CAPITAL_INCREASE,
                stated_value_cny=Decimal("100000000"),
            )
        project.refresh_from_db()
        assert counted_total() == ledger_total() == project.contract_value_cny


class TestAmountUnits:
    def test_english_forms_take_amounts_in_rmb_bn_with_the_unit_shown(self, client, personas, project):
        client.force_login(personas.officer_north)
        response = client.get(reverse("projects:project_edit", args=[project.pk]))
        body = response.content.decode()
        assert 'name="contract_value" value="3"' in body
        assert ">bn</span>" in body and ">RMB bn</span>" in body

    def test_chinese_forms_take_amounts_in_yi_yuan(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        body = client.get(reverse("projects:project_edit", args=[project.pk])).content.decode()
        assert 'name="contract_value" value="30"' in body
        assert ">亿元</span>" in body
        response = post_increase(client, project, later, "2.5")
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.contract_value_cny == Decimal("3250000000.00")

    def test_an_amount_finer_than_a_cent_is_refused_not_rounded(self, client, personas, project, later):
        client.force_login(personas.officer_north)
        response = post_increase(client, project, later, "0.000000000001")  # a tenth of a fen
        assert "too many decimal places" in " ".join(response.context["form"].errors["stated_value_cny"])


class TestTheApi:
    def post(self, user, project, event, amount, **extra):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(user)
        return client.post(
            f"/api/projects/{project.pk}/signings/",
            {
                "event": event.pk,
                "signed_on": "2023-05-01",
                "kind": "capital_increase",
                "stated_value_cny": amount,
                **extra,
            },
            format="json",
        )

    def test_an_increment_as_large_as_the_project_needs_confirming_through_the_api_too(self, personas, project, later):
        response = self.post(personas.officer_north, project, later, "3500000000")
        assert response.status_code == 400
        assert "is the new total" in response.json()["confirm_increment"][0]
        assert not Signing.objects.filter(event=later).exists()
        response = self.post(personas.officer_north, project, later, "3500000000", confirm_increment=True)
        assert response.status_code == 201, response.content
        project.refresh_from_db()
        assert project.contract_value_cny == Decimal("6500000000.00")

    def test_the_api_adds_a_small_increment_without_asking(self, personas, project, later):
        response = self.post(personas.officer_north, project, later, "500000000")
        assert response.status_code == 201
        assert response.json()["counted_value_cny"] == "500000000.00"
        project.refresh_from_db()
        assert project.contract_value_cny == Decimal("3500000000.00")
