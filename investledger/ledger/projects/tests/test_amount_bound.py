"""Amounts past the one bound of money (core.money) are refused on every project page and API, field named.

On pages amounts are typed in RMB bn (English) or 亿元; the bound is 10^14 yuan = RMB 100,000 bn. Each
refusal answers the form (HTTP 200 with the field's error) or the API (HTTP 400 keyed by the field),
never a server error, and nothing is saved.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core.money import AMOUNT_MAX
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.ledger.projects.tests.test_api import new_project_body
from investledger.ledger.projects.tests.test_ceremony import grid, row
from investledger.ledger.projects.tests.test_views import form_data
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")

# (typed in RMB bn, or bn in the contract's currency: {unit}; the start of the message the field answers)
TYPED_BAD = [
    ("1e26", "1e26 {unit} is more than the largest amount the ledger holds, 100,000 {unit}."),
    ("1e400", "1e400 {unit} is more than the largest amount the ledger holds, 100,000 {unit}."),
    ("100001", "100001 {unit} is more than the largest amount the ledger holds, 100,000 {unit}."),
    ("Infinity", "Enter the amount as a number in {unit}"),
    ("NaN", "Enter the amount as a number in {unit}"),
    ("-1", "An amount cannot be negative."),
    ("1.000000000001", "Give the amount to the cent at most: 1.000000000001 {unit} has too many decimal places."),
]

# (sent to the API in yuan, the start of the message the field answers)
SENT_BAD = [
    ("1e26", "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
    ("1e400", "1E+400 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
    (1e26, "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
    ("100000000000000.01", "100000000000000.01 is more than the largest amount the ledger holds"),
    ("Infinity", "A valid number is required."),
    ("NaN", "A valid number is required."),
    ("-1", "An amount cannot be negative."),
    ("1.234", "1.234 has more than 2 decimal places: give the amount to the cent."),
]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


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


def test_the_bound_is_far_above_any_real_project_and_fits_the_fields_with_room_for_totals():
    assert AMOUNT_MAX == Decimal("1e14")  # 1,000,000 亿元; the largest real projects are a few hundred 亿元
    field = Project._meta.get_field("contract_value_cny")
    assert len(str(AMOUNT_MAX * 9_999)) <= field.max_digits - field.decimal_places


class TestTheProjectForm:
    @pytest.mark.parametrize("field", ["contract_value", "outside_value_cny", "fixed_asset_value_cny"])
    @pytest.mark.parametrize(("typed", "message"), TYPED_BAD)
    def test_it_refuses_an_amount_past_the_bound_naming_the_field(
        self, client, personas, reference_data, field, typed, message
    ):
        client.force_login(personas.officer_north)
        data = form_data(reference_data, make_investor(), **{field: typed})
        response = client.post(reverse("projects:project_create"), data)
        assert response.status_code == 200
        errors = response.context["form"].errors
        unit = "bn" if field == "contract_value" else "RMB bn"  # the contract's currency is chosen beside it
        assert errors[field] and errors[field][0].startswith(message.format(unit=unit)), errors
        assert not Project.objects.exists()

    def test_it_accepts_an_amount_at_the_bound(self, client, personas, reference_data):
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("projects:project_create"), form_data(reference_data, make_investor(), contract_value="100000")
        )
        assert response.status_code == 302
        assert Project.objects.get().contract_value_cny == AMOUNT_MAX

    @pytest.mark.parametrize(
        ("rate", "message"),
        [
            ("1e26", "1E+26 is more than the largest exchange rate the ledger holds, 10,000 CNY per unit."),
            ("Infinity", "Enter the rate as a number, such as 7.1234."),
            ("NaN", "Enter the rate as a number, such as 7.1234."),
            ("-1", "An exchange rate cannot be negative."),
            ("7.1234567", "7.1234567 has more than 6 decimal places: give the rate to 6 decimals at most."),
        ],
    )
    def test_it_refuses_an_exchange_rate_past_the_bound(self, client, personas, reference_data, rate, message):
        client.force_login(personas.officer_north)
        data = form_data(reference_data, make_investor(), currency="USD", fx_rate=rate, fx_date="2025-01-02")
        response = client.post(reverse("projects:project_create"), data)
        assert response.status_code == 200
        assert response.context["form"].errors["fx_rate"] == [message]
        assert not Project.objects.exists()

    def test_a_foreign_amount_past_the_bound_once_converted_is_refused_on_the_amount(
        self, client, personas, reference_data
    ):
        client.force_login(personas.officer_north)
        data = form_data(
            reference_data, make_investor(), currency="USD", contract_value="20000", fx_rate="7.1", fx_date="2025-01-02"
        )
        response = client.post(reverse("projects:project_create"), data)
        assert response.status_code == 200
        [message] = response.context["form"].errors["contract_value"]
        assert "is 142,000,000,000,000 yuan: more than the largest amount the ledger holds" in message
        assert not Project.objects.exists()


class TestTheCeremonyGrid:
    @pytest.mark.parametrize(("typed", "message"), TYPED_BAD)
    def test_it_refuses_an_amount_past_the_bound_naming_row_and_field(
        self, client, personas, reference_data, typed, message
    ):
        ref = reference_data
        known = make_investor("甲公司")
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("projects:ceremony_entry", args=[ref.event.pk]),
            grid(row("项目一", known, ref.north, ref.ev, "2"), row("项目二", known, ref.north, ref.bio, typed)),
        )
        assert response.status_code == 200
        errors = response.context["errors"]
        assert any(e.startswith("Row 2, Contract investment: " + message.format(unit="RMB bn")) for e in errors), errors
        assert not Project.objects.exists()


class TestTheCapitalIncrease:
    @pytest.mark.parametrize(("typed", "message"), TYPED_BAD)
    def test_the_page_refuses_an_increment_past_the_bound(self, client, personas, project, later, typed, message):
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("projects:signing_add", args=[project.pk]),
            {"event": later.pk, "kind": SigningKind.CAPITAL_INCREASE, "stated_value_cny": typed},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert errors["stated_value_cny"][0].startswith(message.format(unit="RMB bn")), errors
        assert project.signings.count() == 1
        project.refresh_from_db()
        assert project.contract_value_cny == 3 * BN

    def test_an_increment_taking_the_project_past_the_bound_is_refused_on_the_increment(
        self, client, personas, project, later
    ):
        client.force_login(personas.officer_north)
        response = client.post(
            reverse("projects:signing_add", args=[project.pk]),
            {
                "event": later.pk,
                "kind": SigningKind.CAPITAL_INCREASE,
                "stated_value_cny": "99999",  # RMB bn: within the bound alone, past it added to 3 bn
                "confirm_increment": "on",
            },
        )
        assert response.status_code == 200
        [message] = response.context["form"].errors["stated_value_cny"]
        assert message.startswith("With this increment the project's amount would be 100,002,000,000,000 yuan")
        assert project.signings.count() == 1
        project.refresh_from_db()
        assert project.contract_value_cny == 3 * BN

    def test_the_api_refuses_an_increment_taking_the_project_past_the_bound(self, personas, project, later):
        response = api(personas.officer_north).post(
            f"/api/projects/{project.pk}/signings/",
            {
                "event": later.pk,
                "signed_on": "2023-05-01",
                "kind": "capital_increase",
                "stated_value_cny": "99999000000000",
                "confirm_increment": True,
            },
            format="json",
        )
        assert response.status_code == 400, response.content
        assert "would be 100,002,000,000,000 yuan" in response.json()["stated_value_cny"][0]
        assert Signing.objects.filter(project=project).count() == 1

    @pytest.mark.parametrize(("sent", "message"), SENT_BAD)
    def test_the_api_refuses_a_stated_amount_past_the_bound(self, personas, project, later, sent, message):
        response = api(personas.officer_north).post(
            f"/api/projects/{project.pk}/signings/",
            {"event": later.pk, "signed_on": "2023-05-01", "kind": "resigning", "stated_value_cny": sent},
            format="json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["stated_value_cny"][0].startswith(message)
        assert Signing.objects.filter(project=project).count() == 1


class TestTheProjectApi:
    @pytest.mark.parametrize("field", ["contract_value", "outside_value_cny", "fixed_asset_value_cny"])
    @pytest.mark.parametrize(("sent", "message"), SENT_BAD)
    def test_it_refuses_an_amount_past_the_bound_naming_the_field(self, reference_data, personas, field, sent, message):
        body = new_project_body(reference_data, **{field: sent})
        response = api(personas.admin).post("/api/projects/", body, format="json")
        assert response.status_code == 400
        assert response.json()[field][0].startswith(message), response.json()
        assert not Project.objects.exists()

    @pytest.mark.parametrize(
        ("rate", "message"),
        [
            ("1e26", "1E+26 is more than the largest exchange rate the ledger holds, 10,000 CNY per unit."),
            ("1e400", "1E+400 is more than the largest exchange rate the ledger holds, 10,000 CNY per unit."),
            ("Infinity", "A valid number is required."),
            ("NaN", "A valid number is required."),
            ("-1", "An exchange rate cannot be negative."),
            ("7.1234567", "7.1234567 has more than 6 decimal places: give the rate to 6 decimals at most."),
        ],
    )
    def test_it_refuses_an_exchange_rate_past_the_bound(self, reference_data, personas, rate, message):
        body = new_project_body(reference_data, currency="USD", fx_rate=rate, fx_date="2025-01-02")
        response = api(personas.admin).post("/api/projects/", body, format="json")
        assert response.status_code == 400
        assert response.json()["fx_rate"] == [message]
        assert not Project.objects.exists()

    def test_it_refuses_a_foreign_amount_past_the_bound_once_converted(self, reference_data, personas):
        # 99,999,999,999,999 US$ at 9,999 CNY: each within its own bound, the product not (a 500 before).
        body = new_project_body(
            reference_data, currency="USD", fx_rate="9999", fx_date="2025-01-02", contract_value="99999999999999"
        )
        response = api(personas.admin).post("/api/projects/", body, format="json")
        assert response.status_code == 400
        assert "more than the largest amount the ledger holds" in response.json()["contract_value"][0]
        assert not Project.objects.exists()

    def test_an_edit_past_the_bound_is_refused_and_the_project_kept(self, personas, project):
        response = api(personas.officer_north).patch(
            f"/api/projects/{project.pk}/", {"contract_value": "1e26", "version": project.version}, format="json"
        )
        assert response.status_code == 400
        assert "contract_value" in response.json()
        project.refresh_from_db()
        assert project.contract_value_cny == 3 * BN
