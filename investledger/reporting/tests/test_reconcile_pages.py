"""Every figure a reader is shown agrees with the metric registry, and figures that should add up do.

For each scope (the bureau's administrator, a district officer, a park officer) and as-of date (today
and the end of last month), over a generated ledger and over the demo: the dashboard's key figures,
charts and tables, the monthly report, the API and the exports are read as a reader gets them
(rendered HTML, the charts' JSON, CSV/XLSX files, API answers) and compared with the registry's figure
for the same scope and day. By-area bars add up to the headline, event totals add up to the ledger,
and the overdue issues agree between the issue register, the monthly report, the dashboard and the API.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.accounts.models import RoleAssignment
from investledger.core import clock
from investledger.core.access import Role
from investledger.core.money import YI
from investledger.escalation.tests.helpers import raise_issue
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import SigningKind, Stage
from investledger.ledger.projects.models import Project, Signing
from investledger.reference.models import Area
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all
from investledger.reporting.tests import pages
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TODAY = dt.date(2026, 5, 20)
LAST_MONTH_END = dt.date(2026, 4, 30)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS = 0
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.LANGUAGE_CODE = "en"


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- What each page says, read back --------------------------------------------------------------


def check_dashboard(user, as_of: dt.date) -> dict:
    """The dashboard's figures equal the registry's; its by-area, sector and light tables add up."""
    registry = compute_all(user, Cohort(), as_of)
    html = browser(user).get(reverse("reporting:dashboard"), {"as_of": as_of.isoformat()}).content.decode()
    shown = pages.kpis(html)
    assert shown, "no key figures on the dashboard"
    for key, value in shown.items():
        expected = registry[key].value
        assert value == ("" if expected is None else str(expected)), (key, value, expected)
    count, value = registry["signed_count"].value, registry["signed_value"].value
    specs = pages.chart_specs(html)
    for chart in ("by-area", "by-sector"):
        spec = specs[chart]
        assert sum(spec["series"][1]["data"]) == count, (chart, spec["categories"], spec["series"][1]["data"])
        shown_yi = sum(Decimal(str(v)) for v in spec["series"][0]["data"])
        assert abs(shown_yi - value / YI) <= Decimal("0.005") * len(spec["categories"]) + Decimal("0.001"), chart
        rows = pages.table(html, data_table=chart).rows
        assert sum(int(row[1]) for row in rows) == count, chart
    lights = pages.table(html, data_table="lights").rows
    assert sum(int(cell) for row in lights for cell in row[1:]) == count
    return {"html": html, "registry": registry, "by_area": pages.table(html, data_table="by-area")}


def check_api(user, as_of: dt.date) -> dict:
    registry = compute_all(user, Cohort(), as_of)
    answer = api(user).get("/api/metrics/", {"as_of": as_of.isoformat()}).json()
    assert answer["count"] == len(registry)
    for entry in answer["results"]:
        expected = registry[entry["key"]].value
        assert entry["value"] == (
            None if expected is None else (str(expected) if isinstance(expected, Decimal) else expected)
        ), entry
    return {entry["key"]: entry for entry in answer["results"]}


def check_monthly_report(user, period: dt.date, as_of: dt.date) -> int:
    """The monthly report's key figures are the registry's; returns the overdue issues it lists."""
    registry = compute_all(user, Cohort(), as_of)
    html = browser(user).get(reverse("reporting:monthly_report"), {"period": f"{period:%Y-%m}"}).content.decode()
    figures = {row[0]: row[1] for row in pages.section(html, "Key figures").rows}
    assert figures["Signed projects"] == str(registry["signed_count"].value)
    assert pages.money_bn(figures["Signed value"]) == (registry["signed_value"].value / Decimal(10**9)).quantize(
        Decimal("0.01")
    )
    assert figures["Overdue issues"] == str(registry["overdue_issues"].value)
    if registry["overdue_issues"].value:
        listed = len(pages.section(html, "Overdue issues").rows)
    else:
        assert "None." in html[html.index(">Overdue issues</h2>") :]
        listed = 0
    assert listed == registry["overdue_issues"].value
    return listed


def overdue_on_the_register(user) -> int:
    html = browser(user).get(reverse("escalation:issue_list")).content.decode()
    summary = int(pages.stat(html, "Overdue"))
    listed = api(user).get("/api/issues/", {"overdue": "true"}).json()["count"]
    assert summary == listed
    return summary


def check_area_links_and_exports(user, by_area: pages.Table) -> None:
    """Each by-area bar opens a ledger whose export holds the bar's projects and value."""
    client = browser(user)
    for row, link in zip(by_area.rows, by_area.links, strict=True):
        query = link.split("?", 1)[1]
        exported = pages.csv_rows(pages.content(client.get(reverse("reporting:export_csv") + "?" + query)))
        assert len(exported) == int(row[1]), (row, link)
        for r in exported:  # an undisclosed amount is an empty cell, never a 0
            assert (r["Amount undisclosed"] == "yes") == (r["Contract investment (CNY)"] == ""), r
        total = sum((Decimal(r["Contract investment (CNY)"] or 0) for r in exported), Decimal("0"))
        assert pages.money_bn(row[2]) == (total / Decimal(10**9)).quantize(Decimal("0.01")), row


def check_event_pages(user, as_of: dt.date) -> None:
    """The event pages' totals add up to the ledger's signed projects and value: each project counts
    once, under its first event; beyond that an event adds only what the counting rule says a later
    signing adds (an upgrade a project without amount, a capital increase its increment), which the
    signings themselves record."""
    client = browser(user)
    count, value = 0, Decimal("0")
    for event in SigningEvent.objects.all():
        html = client.get(reverse("reporting:event_report", args=[event.pk])).content.decode()
        totals = {row[0]: row for row in pages.table(html, id="announced-vs-counted").rows}
        count += int(totals["Projects"][2])
        value += pages.money_bn(totals["Signed value"][2])
    visible = Signing.objects.filter(project__in=Project.objects.visible_to(user).values("pk"))
    counted_per_project = visible.filter(counted_project=True).values("project").annotate(n=Count("pk"))
    later_projects = sum(row["n"] - 1 for row in counted_per_project)
    increments = visible.filter(kind=SigningKind.CAPITAL_INCREASE).aggregate(v=Sum("counted_value_cny"))["v"] or 0
    registry = compute_all(user, Cohort(), as_of)
    assert count == registry["signed_count"].value + later_projects
    tolerance = Decimal("0.005") * SigningEvent.objects.count()
    assert abs(value - (registry["signed_value"].value + increments) / Decimal(10**9)) <= tolerance


def check_xlsx_export(user) -> None:
    registry = compute_all(user, Cohort(), clock.today())
    body = pages.content(browser(user).get(reverse("reporting:export_xlsx")))
    rows = pages.xlsx_rows(body)
    heading, data = rows[0], rows[1:]
    column = heading.index("Contract investment (CNY)")
    signed = heading.index("Signing date") if "Signing date" in heading else None
    data = [r for r in data if signed is None or r[signed]]
    assert len(data) == registry["signed_count"].value
    assert sum((Decimal(str(r[column] or 0)) for r in data), Decimal("0")) == registry["signed_value"].value
    undisclosed = heading.index("Amount undisclosed")
    assert sum(1 for r in data if r[undisclosed] == "yes") == registry["signed_count"].value - (
        registry["large_share_count"].denominator
    )


def check_undisclosed_stay_out_of_value_figures(user, as_of: dt.date) -> None:
    """Projects with an undisclosed amount count as projects and stay out of the value-based shares."""
    registry = compute_all(user, Cohort(), as_of)
    projects = Project.objects.visible_to(user).filter(signed_on__lte=as_of).exclude(stage=Stage.NEGOTIATING)
    undisclosed = projects.filter(value_undisclosed=True).count()
    assert registry["signed_count"].value == projects.count()
    assert registry["large_share_count"].denominator == projects.count() - undisclosed
    for key in ("fulfilment_rate", "landing_rate", "start_rate_signed", "production_rate", "emerging_share_count"):
        assert registry[key].denominator == registry["signed_count"].value, key


def check_scope(user, *, with_exports: bool = True) -> None:
    with clock.frozen_at(TODAY):
        board = check_dashboard(user, TODAY)
        check_dashboard(user, LAST_MONTH_END)
        entries = check_api(user, TODAY)
        check_api(user, LAST_MONTH_END)
        listed_now = check_monthly_report(user, TODAY.replace(day=1), TODAY)
        check_monthly_report(user, LAST_MONTH_END.replace(day=1), LAST_MONTH_END)
        on_register = overdue_on_the_register(user)
        assert listed_now == on_register == entries["overdue_issues"]["value"]
        assert pages.kpis(board["html"])["overdue_issues"] == str(on_register)
        if with_exports:
            check_area_links_and_exports(user, board["by_area"])
            check_xlsx_export(user)
        check_event_pages(user, TODAY)
        check_undisclosed_stay_out_of_value_figures(user, TODAY)


# --- A generated ledger --------------------------------------------------------------------------


@pytest.fixture
def generated(reference_data, personas):
    """Projects anywhere in the tree (the city and North District host some themselves), signed at two
    events over three years (every seventh without a public amount), lights from their first day,
    issues raised over the months."""
    ref = reference_data
    east = Area.objects.create(code="east", name="东区", name_en="East District", kind="district", parent=ref.city)
    places = [ref.city, ref.north, ref.north_park, ref.south, east]
    later = SigningEvent.objects.create(
        name="2025签约会", name_en="Signing 2025", kind="ceremony", date=dt.date(2025, 3, 1)
    )
    rng = random.Random(11)
    projects = []
    for i in range(30):
        event = ref.event if i % 3 else later
        with clock.frozen_at(event.date):
            projects.append(
                make_project(
                    area=rng.choice(places),
                    sector=rng.choice([ref.ev, ref.bio, ref.food]),
                    name=f"Generated {i}",
                    value=0 if i % 7 == 3 else Decimal(rng.randint(1, 400)) * Decimal("10000000"),
                    value_undisclosed=i % 7 == 3,
                    event=event,
                )
            )
    # Issues raised over the last weeks: the newest are late only for a response, older ones for more.
    for i, project in enumerate(projects[::3]):
        raise_issue(project, ref.power, on=TODAY - dt.timedelta(days=2 + 5 * i), title=f"Issue {i}")
    with clock.frozen_at(TODAY):
        call_command("daily", stdout=StringIO())
    return projects


@pytest.mark.parametrize("persona", ["admin", "officer_north", "officer_park"])
def test_every_page_agrees_with_the_registry_on_a_generated_ledger(generated, personas, persona):
    check_scope(getattr(personas, persona))


def test_a_district_officers_area_chart_adds_up_to_the_headline(generated, personas, reference_data):
    north = reference_data.north
    assert Project.objects.filter(host_area=north).exists(), "the ledger must hold projects hosted by the district"
    with clock.frozen_at(TODAY):
        board = check_dashboard(personas.officer_north, TODAY)
    labels = [row[0] for row in board["by_area"].rows]
    assert labels[0] == "North District (itself)"
    assert int(board["by_area"].rows[0][1]) == Project.objects.filter(host_area=north).count()


def test_the_monthly_report_and_the_issue_register_count_the_same_overdue_issues(generated, personas):
    with clock.frozen_at(TODAY):
        on_register = overdue_on_the_register(personas.admin)
        listed = check_monthly_report(personas.admin, TODAY.replace(day=1), TODAY)
    assert on_register == listed > 0


# --- The demo ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module (rolled back at the end), with a park officer added."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        with clock.frozen_at(TODAY):
            call_command("demo", stdout=StringIO())
        User = get_user_model()
        parks = Area.objects.filter(kind="park", projects__isnull=False).distinct().order_by("path")
        park = parks.first()
        officer = User.objects.create_user("officer_park_demo", password="x")
        RoleAssignment.objects.create(user=officer, role=Role.DISTRICT_OFFICER, area=park)
        yield {
            "admin": User.objects.get(username="admin"),
            "district": User.objects.get(username="officer_liangjiang"),
            "park": officer,
        }
        transaction.set_rollback(True)


@pytest.mark.parametrize("scope", ["admin", "district", "park"])
def test_every_page_agrees_with_the_registry_on_the_demo(demo, db, scope):
    check_scope(demo[scope])
