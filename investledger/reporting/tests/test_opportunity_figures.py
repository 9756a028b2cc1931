"""The figures of opportunity lists are registry figures: the lists' pages, the registry page, /api/metrics/
and the opportunity list API give one number each, within each reader's scope, as of a date, and an
amount resting on undisclosed amounts reads "undisclosed", never 0."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all, opportunity_figures
from investledger.reporting.pipeline_figures import OPPORTUNITY_KEYS
from investledger.reporting.templatetags.reporting import figure
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")
LOADED = dt.date(2023, 12, 1)


def make_list(area, *, title, published=True):
    return services.list_create(
        fields={
            "title": title,
            "title_en": f"{title} (en)",
            "publishing_area": area,
            "released_on": dt.date(2023, 4, 12),
            "published": published,
        }
    )


def add(opportunity_list, title, area, value, code="land"):
    return services.opportunity_create(
        opportunity_list=opportunity_list,
        fields={
            "title": title,
            "title_en": f"{title} (en)",
            "category": OpportunityCategory.objects.get(code=code),
            "host_area": area,
            "estimated_value": value,
        },
    )


@pytest.fixture
def ledger(reference_data):
    """North's published list: A signed as a RMB 2 bn project on 10 Jan 2024, B (in the park) signed as a
    project whose amount is undisclosed on 1 Mar 2024, C with no published amount in talks from 1 Feb
    2024. South's unpublished list: D signed as a RMB 5 bn project. Loaded on 1 Dec 2023."""
    ref = reference_data
    with clock.frozen_at(LOADED), audit_context(actor=None, source="test"):
        north = make_list(ref.north, title="北区清单")
        a = add(north, "北区A", ref.north, BN, code="industrial-carriers")
        b = add(north, "园区B", ref.north_park, BN / 4, code="franchising")
        c = add(north, "北区C", ref.north, None)
        south = make_list(ref.south, title="南区清单", published=False)
        d = add(south, "南区D", ref.south, 3 * BN)
        pa = make_project(name="A项目", area=ref.north, sector=ref.ev, value=2 * BN, event=ref.event)
        pb = make_project(
            name="B项目", area=ref.north_park, sector=ref.ev, value=0, value_undisclosed=True, event=ref.event
        )
        pd = make_project(name="D项目", area=ref.south, sector=ref.ev, value=5 * BN, event=ref.event)
        for opportunity, project, on in ((a, pa, dt.date(2024, 1, 10)), (b, pb, dt.date(2024, 3, 1))):
            services.opportunity_set_status(
                opportunity=opportunity, status="signed", reason="signed", project=project, on=on
            )
        services.opportunity_set_status(opportunity=d, status="signed", reason="signed", project=pd, on=LOADED)
        services.opportunity_set_status(opportunity=c, status="in_talks", reason="visit", on=dt.date(2024, 2, 1))
    return {"north": north, "south": south, "a": a, "b": b, "c": c, "d": d}


def values(user, cohort=None, as_of=None, opportunities=None):
    found = opportunity_figures(user, cohort or Cohort(), as_of or clock.today(), opportunities)
    return {key: found[key].value for key in OPPORTUNITY_KEYS}


def cards(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', html))


class RegistryTests:
    def test_it_counts_what_became_of_the_listed_opportunities_within_each_scope(self, personas, ledger):
        assert values(personas.admin) == {
            "opportunities_listed": 4,
            "opportunity_estimated_value": Decimal("4250000000.00"),
            "opportunities_published": 3,
            "opportunities_taken_up": 4,
            "opportunities_signed": 3,
            "opportunity_signed_value": 7 * BN,
        }
        north = values(personas.officer_north)
        assert (north["opportunities_listed"], north["opportunities_signed"]) == (3, 2)
        assert north["opportunity_signed_value"] == 2 * BN
        south = values(personas.officer_south)
        assert (south["opportunities_listed"], south["opportunities_published"]) == (1, 0)
        assert south["opportunity_signed_value"] == 5 * BN

    def test_the_value_signed_leaves_out_an_undisclosed_amount_and_says_so(self, personas, reference_data, ledger):
        result = opportunity_figures(personas.admin, Cohort(area=reference_data.north), clock.today())
        signed = result["opportunity_signed_value"]
        assert signed.value == 2 * BN
        assert signed.note == "1 signed project with an undisclosed amount is not included."

    def test_a_value_resting_only_on_undisclosed_amounts_reads_undisclosed_never_0(
        self, client, personas, reference_data, ledger
    ):
        park = opportunity_figures(personas.admin, Cohort(area=reference_data.north_park), clock.today())
        assert park["opportunity_signed_value"].value is None
        assert figure(park["opportunity_signed_value"]) == "undisclosed"
        client.force_login(personas.officer_north)
        html = client.get(reverse("opportunities:opportunity_detail", args=[ledger["b"].pk])).content.decode()
        signed = html.split('id="signed-project"', 1)[1].split("</div>", 1)[0]
        assert "undisclosed" in signed and "0.00" not in signed

    def test_a_list_with_no_published_amount_says_undisclosed(self, client, personas, reference_data):
        with audit_context(actor=None, source="test"):
            quiet = make_list(reference_data.north, title="未披露清单")
            add(quiet, "甲", reference_data.north, None)
        client.force_login(personas.officer_north)
        html = client.get(reverse("opportunities:list_detail", args=[quiet.pk])).content.decode()
        assert "1 opportunity in 1 category, amount undisclosed" in html
        assert "RMB 0.0 bn" not in html
        answer = APIClient()
        answer.force_authenticate(personas.officer_north)
        totals = answer.get(f"/api/opportunity-lists/{quiet.pk}/").json()["totals"]
        assert totals["value_cny"] is None and totals["text"] == "1 opportunity in 1 category, amount undisclosed"

    def test_a_project_the_ledger_does_not_count_as_signed_is_said_to_be_left_out(
        self, personas, reference_data, ledger
    ):
        with audit_context(actor=None, source="test"):
            undated = make_project(name="C项目", area=reference_data.north, sector=reference_data.ev, value=BN)
            services.opportunity_set_status(opportunity=ledger["c"], status="signed", reason="signed", project=undated)
        result = opportunity_figures(personas.officer_north, Cohort(), clock.today())
        assert result["opportunities_signed"].value == 3
        assert result["opportunity_signed_value"].value == 2 * BN
        assert "1 opportunity signed as a project the ledger does not count as signed" in (
            result["opportunity_signed_value"].note
        )

    def test_it_reads_each_opportunity_as_it_stood_on_a_past_day(self, personas, ledger):
        january = values(personas.admin, as_of=dt.date(2024, 1, 31))
        assert (january["opportunities_signed"], january["opportunities_taken_up"]) == (2, 2)
        assert january["opportunity_signed_value"] == 7 * BN
        march = values(personas.admin, as_of=dt.date(2024, 3, 31))
        assert (march["opportunities_signed"], march["opportunities_taken_up"]) == (3, 4)
        before = values(personas.admin, as_of=dt.date(2023, 4, 1))
        assert before["opportunities_listed"] == 0 and before["opportunity_signed_value"] == 0


class AgreementTests:
    @pytest.mark.parametrize("who", ["admin", "officer_north", "officer_south"])
    def test_the_lists_pages_the_registry_page_and_the_api_agree(self, client, personas, ledger, who):
        user = getattr(personas, who)
        client.force_login(user)
        registry = compute_all(user, Cohort(), clock.today(), keys=list(OPPORTUNITY_KEYS))
        index = cards(client.get(reverse("opportunities:list_index")).content.decode())
        assert index and all(index[key] == figure(registry[key]) for key in index)
        shown = client.get(reverse("reporting:metric_list")).content.decode()
        for key in OPPORTUNITY_KEYS:
            row = shown.split(f'id="metric-{key}"', 1)[1].split("</tr>", 1)[0]
            assert f'<td class="num">{figure(registry[key])}<br>' in row, key
        api = APIClient()
        api.force_authenticate(user)
        answer = api.get("/api/metrics/", {"metric": list(OPPORTUNITY_KEYS)}).json()["results"]
        for entry in answer:
            expected = registry[entry["key"]].value
            assert entry["value"] == (
                None if expected is None else str(expected) if isinstance(expected, Decimal) else expected
            )

        for opportunity_list in (ledger["north"], ledger["south"]):
            response = client.get(reverse("opportunities:list_detail", args=[opportunity_list.pk]))
            if response.status_code == 404:
                continue
            mine = Opportunity.objects.visible_to(user).filter(list=opportunity_list)
            on_list = opportunity_figures(user, Cohort(), clock.today(), mine)
            page = response.content.decode()
            assert cards(page) == {key: figure(on_list[key]) for key in cards(page)}
            totals = api.get(f"/api/opportunity-lists/{opportunity_list.pk}/").json()["totals"]
            assert f'<p class="lead" id="list-totals">{totals["text"]}</p>' in page
            assert totals["count"] == on_list["opportunities_listed"].value
            expected_value = on_list["opportunity_estimated_value"].value
            assert totals["value_cny"] == (None if expected_value is None else str(expected_value))
