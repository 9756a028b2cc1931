"""Progress amounts past the one bound of money are refused on the report forms and the API, field named.

Forms take 万元: the bound of 10^14 yuan is 10,000,000,000 万元.
"""

import datetime as dt

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.supervision.models import ProgressReport
from investledger.supervision.tests.helpers import signed_project
from investledger.supervision.tests.test_reports import batch_post

pytestmark = pytest.mark.django_db

FEB_5 = dt.date(2024, 2, 5)

TYPED_BAD = [
    ("1e26", "1E+26 万元 is more than the largest amount the ledger holds, 10,000,000,000 万元."),
    ("1e400", "1E+400 万元 is more than the largest amount the ledger holds, 10,000,000,000 万元."),
    ("10000000001", "10000000001 万元 is more than the largest amount the ledger holds, 10,000,000,000 万元."),
    ("Infinity", "Type a number, in 10k CNY (万元), such as 1250.5."),
    ("NaN", "Type a number, in 10k CNY (万元), such as 1250.5."),
    ("-1", "An amount cannot be negative."),
    ("1.234", "Type at most 2 decimals (the amount is in 10k CNY, 万元)."),
]


@pytest.fixture
def north(reference_data):
    return signed_project(reference_data, name="North battery plant")


@pytest.mark.parametrize("field", ["funds_in_place", "investment_completed"])
@pytest.mark.parametrize(("typed", "message"), TYPED_BAD)
def test_the_project_report_form_refuses_an_amount_past_the_bound(north, personas, login, field, typed, message):
    client = login(personas.officer_north)
    values = {"funds_in_place": "10", "investment_completed": "10", field: typed}
    with clock.frozen_at(FEB_5):
        response = client.post(
            reverse("supervision:project_report", args=[north.pk]), {"project": north.pk, "version": 0, **values}
        )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(("typed", "message"), TYPED_BAD)
def test_the_batch_report_page_refuses_an_amount_past_the_bound_naming_row_and_field(
    north, personas, login, typed, message
):
    client = login(personas.officer_north)
    with clock.frozen_at(FEB_5):
        page = client.get(reverse("supervision:report_batch_period", args=["2024-01"]))
        response = batch_post(client, page, {north.pk: {"funds_in_place": typed, "investment_completed": "10"}})
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    failures = html[html.index('id="report-failures"') :]
    failures = failures[: failures.index("</div>")]
    assert north.reference in failures and "Funds in place (10k CNY)" in failures and message in failures
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("field", ["funds_in_place_cny", "investment_completed_cny"])
@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("1e26", "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        (1e26, "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        ("1e400", "1E+400 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        ("Infinity", "A valid number is required."),
        ("NaN", "A valid number is required."),
        ("-1", "An amount cannot be negative."),
        ("1.234", "1.234 has more than 2 decimal places: give the amount to the cent."),
    ],
)
def test_the_api_refuses_an_amount_past_the_bound(north, personas, login, field, sent, message):
    body = {"project": north.pk, "period": "2024-01-01", "funds_in_place_cny": "0", "investment_completed_cny": "0"}
    body[field] = sent
    with clock.frozen_at(FEB_5):
        response = login(personas.officer_north).post("/api/progress-reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)
    assert not ProgressReport.objects.exists()
