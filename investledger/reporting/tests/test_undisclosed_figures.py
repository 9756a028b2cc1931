"""Projects whose amount was not made public count as projects and stay out of every value figure.

The hand-computed ledger (conftest.py) plus two projects signed without a public amount:

| project | area  | sector  | value        | signed     | funds in place (report of 2024-05) |
|---------|-------|---------|--------------|------------|------------------------------------|
| U1      | North | EV (SE) | undisclosed  | 2023-01-10 | 0.2 bn                             |
| U2      | South | Food    | undisclosed, | 2023-02-01 | —                                  |
|         |       |         | 1.5 bn from 2024-03-01 |  |                                    |

N1 (2.0 bn) reports 0.5 bn in place. As of 2024-06-30 (TODAY): 7 projects, 6 with a known amount
(U1 is undisclosed), large ones N1, N3, S1, U2: 4 / 6. As of 2023-12-31: 7 projects, 5 with a known
amount (U2 was still undisclosed that day), large ones N1, N3, S1: 3 / 5.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects.services import project_update
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all
from investledger.reporting.tests.conftest import BN, TODAY
from investledger.reporting.tests.pages import kpis
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

YEAR_END = dt.date(2023, 12, 31)


@pytest.fixture
def undisclosed(ledger, reference_data):
    ref, event = reference_data, ledger.event2
    u1_day, u2_day = dt.date(2023, 1, 10), dt.date(2023, 2, 1)
    with clock.frozen_at(u1_day):
        u1 = make_project(
            area=ref.north,
            sector=ref.ev,
            name="North undisclosed",
            value=0,
            value_undisclosed=True,
            event=event,
            signed_on=u1_day,
        )
    with clock.frozen_at(u2_day):
        u2 = make_project(
            area=ref.south,
            sector=ref.food,
            name="South undisclosed",
            value=0,
            value_undisclosed=True,
            event=event,
            signed_on=u2_day,
        )
    with clock.frozen_at(dt.date(2024, 3, 1)), audit_context(actor=None, source="test"):
        project_update(project=u2, fields={"value_undisclosed": False, "contract_value": Decimal("1.5") * BN})
    from investledger.supervision.services import report_submit

    with clock.frozen_at(TODAY), audit_context(actor=None, source="test"):
        for project, funds in ((ledger.n1, BN / 2), (u1, BN / 5)):
            report_submit(
                project=project,
                period=dt.date(2024, 5, 1),
                funds_in_place_cny=funds,
                investment_completed_cny=funds,
                confirm_funds_excess=True,
            )
    return {"u1": u1, "u2": u2}


def test_the_large_project_share_by_count_divides_by_the_projects_with_a_known_amount(undisclosed, personas):
    with clock.frozen_at(TODAY):
        now = compute_all(personas.admin, Cohort(), TODAY)
        then = compute_all(personas.admin, Cohort(), YEAR_END)
    assert now["signed_count"].value == 7
    assert (now["large_share_count"].numerator, now["large_share_count"].denominator) == (4, 6)
    assert now["large_share_count"].value == Decimal("0.6667")
    assert then["signed_count"].value == 7
    assert (then["large_share_count"].numerator, then["large_share_count"].denominator) == (3, 5)
    assert then["large_share_count"].value == Decimal("0.6000")


def test_undisclosed_projects_still_count_in_every_count_based_rate(undisclosed, personas):
    with clock.frozen_at(TODAY):
        figures = compute_all(personas.admin, Cohort(), TODAY)
    for key in ("fulfilment_rate", "landing_rate", "start_rate_signed", "production_rate", "emerging_share_count"):
        assert figures[key].denominator == 7, key
    assert figures["signed_value"].value == Decimal("8.3") * BN  # 6.8 bn + U2's 1.5 bn; U1 adds nothing


def test_the_funds_in_place_rate_leaves_out_the_funds_of_undisclosed_projects(undisclosed, personas):
    with clock.frozen_at(TODAY):
        figures = compute_all(personas.admin, Cohort(), TODAY)
    rate = figures["funds_in_place_rate"]
    assert (rate.numerator, rate.denominator) == (BN / 2, Decimal("8.3") * BN)
    assert rate.value == Decimal("0.0602")


def test_the_dashboard_the_api_and_the_event_report_show_the_same_large_share(undisclosed, personas, reference_data):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.admin)
    api = APIClient()
    api.force_authenticate(personas.admin)
    with clock.frozen_at(TODAY):
        board = kpis(client.get(reverse("reporting:dashboard")).content.decode())
        answer = {e["key"]: e for e in api.get("/api/metrics/").json()["results"]}
        event = compute_all(personas.admin, Cohort(event=reference_data.event), TODAY)
        report = client.get(reverse("reporting:event_report", args=[reference_data.event.pk])).content.decode()
    assert board["large_share_count"] == "0.6667"
    assert (answer["large_share_count"]["value"], answer["large_share_count"]["denominator"]) == ("0.6667", 6)
    assert answer["funds_in_place_rate"]["value"] == "0.0602"
    # U1 and U2 were not signed at the ledger's first event: its share stays 3 of 4.
    assert event["large_share_count"].value == Decimal("0.7500")
    assert "75.0%" in report or "75%" in report
