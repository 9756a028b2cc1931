"""Where the ledger list's count and investment come from: the summary cells when they can answer, an
exact count when the matches are few, an estimate (said to be one) when they are many."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from investledger.ledger.projects import totals
from investledger.ledger.projects.models import Project
from investledger.reporting import summary
from investledger.reporting.models import SummaryStamp
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def ledger(reference_data):
    ref = reference_data
    return [
        make_project(area=ref.north, sector=ref.ev, value=3 * BN, event=ref.event),
        make_project(area=ref.north_park, sector=ref.bio, value=BN / 2, event=ref.event),
        make_project(area=ref.south, sector=ref.food, value=2 * BN, event=ref.event),
        # Not signed yet (no event, no date): in the list, left out of the dashboard's cells.
        make_project(area=ref.north, sector=ref.ev, value=BN / 4),
    ]


def ledger_totals(client, user, **params):
    client.force_login(user)
    return client.get(reverse("projects:project_list"), params).context["totals"]


def counted(user, **filters):
    found = Project.objects.visible_to(user).filter(**filters).aggregate(n=Count("pk"), v=Sum("contract_value_cny"))
    return found["n"], found["v"]


class TestCountSource:
    def test_it_counts_from_the_summary_cells_when_no_filter_needs_rows(self, client, personas, ledger):
        summary.refresh()
        shown = ledger_totals(client, personas.admin)
        assert shown.source == "summary"
        assert (shown.count, shown.value) == counted(personas.admin)

    def test_the_cells_answer_area_and_sector_filters_with_the_unsigned_projects_added(
        self, client, personas, ledger, reference_data
    ):
        summary.refresh()
        ref = reference_data
        shown = ledger_totals(client, personas.admin, area=ref.north.pk, sector=ref.ev.pk)
        assert shown.source == "summary"
        assert (shown.count, shown.value) == counted(
            personas.admin, host_area__path__startswith=ref.north.path, sector=ref.ev
        )

    def test_a_district_officer_gets_only_their_district_from_the_cells(self, client, personas, ledger):
        summary.refresh()
        shown = ledger_totals(client, personas.officer_south)
        assert shown.source == "summary"
        assert (shown.count, shown.value) == counted(personas.officer_south)
        assert shown.count < Project.objects.count()

    def test_it_counts_the_rows_when_a_filter_the_cells_cannot_answer_is_set(self, client, personas, ledger):
        summary.refresh()
        shown = ledger_totals(client, personas.admin, stage="signed")
        assert shown.source == "exact"
        assert (shown.count, shown.value) == counted(personas.admin, stage="signed")

    def test_after_a_change_the_cells_kept_current_still_count(self, client, personas, ledger, reference_data):
        summary.refresh()
        make_project(area=reference_data.south, sector=reference_data.food, event=reference_data.event)
        shown = ledger_totals(client, personas.admin)
        assert shown.source == "summary"
        assert (shown.count, shown.value) == counted(personas.admin)

    def test_it_counts_the_rows_while_the_cells_are_stale(self, client, personas, ledger, reference_data):
        summary.refresh()
        SummaryStamp.objects.filter(pk=1).update(chain_tail=-5)  # a change the cells did not follow
        make_project(area=reference_data.south, sector=reference_data.food, event=reference_data.event)
        shown = ledger_totals(client, personas.admin)
        assert shown.source == "exact"
        assert (shown.count, shown.value) == counted(personas.admin)

    def test_many_matches_are_estimated_without_adding_up_the_investment(self, client, personas, ledger, monkeypatch):
        monkeypatch.setattr(totals, "EXACT_LIMIT", 2)
        shown = ledger_totals(client, personas.admin, stage="signed")
        assert shown.source == "estimate"
        assert shown.value is None
        assert shown.count > 2

    def test_a_planner_estimate_far_above_the_limit_is_taken_without_counting(
        self, client, personas, ledger, monkeypatch
    ):
        monkeypatch.setattr(totals, "planner_estimate", lambda queryset: 10 * totals.EXACT_LIMIT)
        shown = ledger_totals(client, personas.admin, stage="signed")
        assert (shown.source, shown.count, shown.value) == ("estimate", 10 * totals.EXACT_LIMIT, None)

    def test_a_planner_estimate_near_the_limit_is_checked_by_counting(self, client, personas, ledger, monkeypatch):
        monkeypatch.setattr(totals, "planner_estimate", lambda queryset: totals.EXACT_LIMIT)
        shown = ledger_totals(client, personas.admin, stage="signed")
        assert shown.source == "exact"
        assert (shown.count, shown.value) == counted(personas.admin, stage="signed")


class TestEstimateLabel:
    @pytest.mark.parametrize(
        ("language", "about", "more_than"),
        [
            ("en", "About <strong>41,000</strong> projects", "More than <strong>2</strong> projects"),
            ("zh-hans", "约 <strong>41,000</strong> 个项目", "超过 <strong>2</strong> 个项目"),
        ],
    )
    def test_an_estimate_says_so_in_both_languages(
        self, client, personas, ledger, monkeypatch, language, about, more_than
    ):
        monkeypatch.setattr(totals, "EXACT_LIMIT", 2)
        client.force_login(personas.admin)
        url = reverse("projects:project_list")
        client.post(reverse("set_language"), {"language": language, "next": url})
        monkeypatch.setattr(totals, "planner_estimate", lambda queryset: None)
        assert more_than in client.get(url, {"stage": "signed"}).content.decode()
        monkeypatch.setattr(totals, "planner_estimate", lambda queryset: 41_234)
        assert about in client.get(url, {"stage": "signed"}).content.decode()
