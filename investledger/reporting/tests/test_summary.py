"""The dashboard summary cells: the same figures as the live computation, and never read once stale."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects.choices import Stage
from investledger.ledger.projects.services import project_set_stage
from investledger.reporting import summary
from investledger.reporting.cohort import Cohort
from investledger.reporting.models import CohortCell, EventCell, SummaryStamp
from investledger.reporting.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def same_figures(a: summary.Figures, b: summary.Figures) -> None:
    assert a.totals() == b.totals()
    assert a.areas() == b.areas()
    assert a.funds_total() == b.funds_total()
    assert [(r["sector_id"], int(r["projects"]), Decimal(r["value"])) for r in a.by_sector()] == [
        (r["sector_id"], int(r["projects"]), Decimal(r["value"])) for r in b.by_sector()
    ]
    assert [(r["first_event_id"], int(r["projects"]), Decimal(r["value"])) for r in a.by_event(15)] == [
        (r["first_event_id"], int(r["projects"]), Decimal(r["value"])) for r in b.by_event(15)
    ]

    def months(rows):
        return [(r["month"].date() if hasattr(r["month"], "date") else r["month"], int(r["projects"])) for r in rows]

    assert months(a.by_month(24)) == months(b.by_month(24))


class TestSummaryCells:
    def test_summary_figures_equal_live_figures_for_every_cohort(self, big_ledger, personas, reference_data, today):
        summary.refresh()
        live = summary.LiveFigures(personas.leader, Cohort(), TODAY)
        assert live.funds_total() > 0  # the comparison covers funds in place and lights too
        assert sum(sum(row["lights"][k] for k in ("green", "yellow", "red")) for row in live.areas().values()) > 0
        ref = reference_data
        cohorts = [
            Cohort(),
            Cohort(area=ref.north),
            Cohort(sector=ref.ev),
            Cohort(area=ref.north, sector=ref.food),
            Cohort(signed_from=dt.date(2023, 1, 1), signed_to=dt.date(2023, 12, 31)),
            Cohort(sector=ref.bio, signed_from=dt.date(2023, 4, 1)),
        ]
        for user in (personas.leader, personas.admin, personas.officer_north, personas.officer_park):
            for cohort in cohorts:
                cells = summary.figures_for(user, cohort, TODAY)
                assert cells.source == "summary", (user, cohort)
                same_figures(cells, summary.LiveFigures(user, cohort, TODAY))

    def test_the_dashboard_reads_the_same_page_from_cells_and_from_the_ledger(
        self, client, big_ledger, personas, today
    ):
        client.force_login(personas.leader)
        live = client.get(reverse("reporting:dashboard")).context["board"]
        summary.refresh()
        cells = client.get(reverse("reporting:dashboard")).context["board"]
        assert (live.source, cells.source) == ("live", "summary")
        assert {k: r.as_dict() for k, r in live.kpis.items()} == {k: r.as_dict() for k, r in cells.kpis.items()}
        assert [(c.id, c.spec(), c.rows) for c in live.charts] == [(c.id, c.spec(), c.rows) for c in cells.charts]
        api = {e["key"]: e["value"] for e in client.get(reverse("metrics-list")).json()["results"]}
        # Every figure the dashboard shows is in the API with the same value (the API has more: leads,
        # opportunities, which the dashboard does not show).
        assert set(cells.kpis) <= set(api)
        assert {k: api[k] for k in cells.kpis} == {k: r.as_dict()["value"] for k, r in cells.kpis.items()}

    def test_a_recorded_change_keeps_the_summary_current(self, client, big_ledger, ledger, personas, today):
        summary.refresh()
        with audit_context(actor=None, source="test"):
            project_set_stage(project=ledger.s2, stage=Stage.STARTED)
        assert summary.is_fresh()
        figures = summary.figures_for(personas.leader, Cohort(), TODAY)
        assert figures.source == "summary"
        client.force_login(personas.leader)
        board = client.get(reverse("reporting:dashboard")).context["board"]
        assert board.source == "summary"
        assert board.kpis["start_rate_signed"].numerator == figures.totals()["started"]
        assert figures.totals() == summary.LiveFigures(personas.leader, Cohort(), TODAY).totals()

    def test_a_change_recorded_while_the_summary_is_stale_leaves_it_stale(self, big_ledger, ledger, personas, today):
        summary.refresh()
        SummaryStamp.objects.filter(pk=1).update(chain_tail=-5)  # as if a change had not reached the cells
        before = cell_rows()
        with audit_context(actor=None, source="test"):
            project_set_stage(project=ledger.s2, stage=Stage.STARTED)
        assert not summary.is_fresh()
        assert cell_rows() == before
        assert summary.figures_for(personas.leader, Cohort(), TODAY).source == "live"

    def test_a_new_day_makes_the_summary_stale(self, big_ledger, personas, today):
        summary.refresh()
        with clock.frozen_at(TODAY + dt.timedelta(days=1)):
            assert not summary.is_fresh()
            tomorrow = TODAY + dt.timedelta(days=1)
            assert summary.figures_for(personas.leader, Cohort(), tomorrow).source == "live"

    def test_it_computes_live_what_cells_cannot_answer(self, big_ledger, ledger, personas, today):
        summary.refresh()
        live = [
            (personas.unit_power, Cohort(), TODAY),  # scoped through a unit
            (personas.contact_a, Cohort(), TODAY),  # scoped through contacts
            (personas.leader, Cohort(event=ledger.event), TODAY),  # an event cohort
            (personas.leader, Cohort(signed_from=dt.date(2023, 1, 15)), TODAY),  # not whole months
            (personas.leader, Cohort(), dt.date(2023, 12, 31)),  # a past day
        ]
        for user, cohort, as_of in live:
            assert summary.figures_for(user, cohort, as_of).source == "live", (user, cohort, as_of)

    def test_a_district_officer_reads_only_their_areas_from_the_cells(
        self, big_ledger, personas, reference_data, today
    ):
        summary.refresh()
        north = summary.figures_for(personas.officer_north, Cohort(), TODAY)
        assert north.source == "summary"
        areas = {a.pk for a in (reference_data.north, reference_data.north_park)}
        assert set(north.areas()) <= areas
        assert reference_data.south.pk not in north.areas()
        same_figures(north, summary.LiveFigures(personas.officer_north, Cohort(), TODAY))

    def test_a_stale_dashboard_queues_one_refresh(
        self, client, big_ledger, personas, today, django_capture_on_commit_callbacks
    ):
        from django.core.cache import cache
        from django_tasks_db.models import DBTaskResult

        cache.clear()
        client.force_login(personas.leader)
        before = DBTaskResult.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            client.get(reverse("reporting:dashboard"))
            client.get(reverse("reporting:dashboard"))
        assert DBTaskResult.objects.count() == before + 1
        assert DBTaskResult.objects.order_by("-enqueued_at").first().task_path.endswith("refresh_summary_task")

    def test_the_refresh_task_and_command_rebuild_the_cells(self, big_ledger, today):
        from django.core.management import call_command

        from investledger.reporting.tasks import refresh_summary_task

        refresh_summary_task.call()
        assert summary.is_fresh()
        assert refresh_summary_task.call() == {"skipped": True}
        call_command("refresh_dashboard_summary", "--if-stale")
        assert summary.current_stamp().cells > 0


def cell_rows() -> list[tuple]:
    cohort = sorted(CohortCell.objects.values_list(*(f.attname for f in CohortCell._meta.concrete_fields[1:])))
    event = sorted(EventCell.objects.values_list(*(f.attname for f in EventCell._meta.concrete_fields[1:])), key=str)
    return [*cohort, *event]
