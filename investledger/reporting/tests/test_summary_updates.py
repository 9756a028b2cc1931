"""The summary cells follow each recorded change in its own transaction: after any kind of change
every figure read from the cells equals the live one, and the cells stay current."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from investledger.core import audit, clock
from investledger.core.audit import audit_context
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.projects.choices import Light, SigningKind, Stage
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import (
    project_delete,
    project_set_light,
    project_set_stage,
    project_update,
    signing_add,
)
from investledger.reporting import summary
from investledger.reporting.cohort import Cohort
from investledger.reporting.tests.conftest import TODAY
from investledger.reporting.tests.test_summary import cell_rows, same_figures
from investledger.supervision.services import report_submit
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def cells_equal_live(personas, ref) -> None:
    assert summary.is_fresh()
    cohorts = [
        Cohort(),
        Cohort(sector=ref.ev),
        Cohort(area=ref.south),
        Cohort(signed_from=dt.date(2023, 1, 1), signed_to=dt.date(2024, 6, 30)),
    ]
    for user in (personas.leader, personas.officer_north):
        for cohort in cohorts:
            cells = summary.figures_for(user, cohort, TODAY)
            assert cells.source == "summary", (user, cohort)
            same_figures(cells, summary.LiveFigures(user, cohort, TODAY))


def create(ledger, ref):
    make_project(area=ref.south, sector=ref.bio, value="1234567.89", event=ledger.event2, signed_on=TODAY)


def edit_value(ledger, ref):
    project_update(project=ledger.n1, fields={"contract_value": Decimal("777000000.15")})


def edit_area(ledger, ref):
    project_update(project=ledger.n3, fields={"host_area": ref.south})


def edit_sector(ledger, ref):
    project_update(project=ledger.s1, fields={"sector": ref.bio})


def edit_stage(ledger, ref):
    project_set_stage(project=ledger.s2, stage=Stage.STARTED)


def delete(ledger, ref):
    project_delete(project=ledger.n2, reason="entered twice")


def add_signing(ledger, ref):
    # An earlier signing: the project's first event and signing month move.
    signing_add(
        project=ledger.s2,
        event=ledger.event,
        signed_on=ledger.event.date,
        kind=SigningKind.RESIGNING,
        stated_value_cny=Decimal("0"),
    )


def change_light(ledger, ref):
    project_set_light(project=ledger.n1, light=Light.RED, assessed_on=TODAY, reason="stalled")


def report_funds(ledger, ref):
    report_submit(
        project=ledger.n3,
        period=dt.date(2024, 6, 1),
        funds_in_place_cny=Decimal("123456.78"),
        investment_completed_cny=Decimal("123456.78"),
        confirm_funds_excess=True,
    )


CHANGES = [create, edit_value, edit_area, edit_sector, edit_stage, delete, add_signing, change_light, report_funds]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_cells_equal_the_live_figures_after_each_kind_of_change(
    change, big_ledger, ledger, personas, reference_data, today
):
    summary.refresh()
    with audit_context(actor=None, source="test"):
        change(ledger, reference_data)
    cells_equal_live(personas, reference_data)


def test_an_edit_recomputes_only_the_cells_it_touches(big_ledger, ledger, personas, reference_data, today):
    summary.refresh()
    untouched = [row for row in cell_rows() if reference_data.south.pk not in row[:5]]
    with audit_context(actor=None, source="test"):
        project_set_stage(project=ledger.s2, stage=Stage.STARTED)  # a project of the south
    assert [row for row in cell_rows() if reference_data.south.pk not in row[:5]] == untouched
    cells_equal_live(personas, reference_data)


def test_a_rolled_back_change_leaves_the_cells_untouched(big_ledger, ledger, personas, reference_data, today):
    summary.refresh()
    before, stamp = cell_rows(), summary.current_stamp().chain_tail
    with pytest.raises(RuntimeError), transaction.atomic(), audit_context(actor=None, source="test"):
        project_update(project=ledger.n1, fields={"host_area": reference_data.south})
        project_set_stage(project=ledger.s2, stage=Stage.STARTED)
        raise RuntimeError("the form failed after the writes")
    assert cell_rows() == before
    assert summary.current_stamp().chain_tail == stamp
    cells_equal_live(personas, reference_data)


def test_an_import_recomputes_the_cells_once(
    big_ledger, ledger, personas, reference_data, today, tmp_path, settings, monkeypatch
):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    summary.refresh()
    calls = []
    update = summary.update_cells
    monkeypatch.setattr(summary, "update_cells", lambda keys, day: calls.append(len(keys)) or update(keys, day))
    rows = [CHINESE_HEADER, *signing_rows(12), *signing_rows(3, area="北区园区", sector="食品加工", start=20)]
    batch = import_file(write_xlsx(tmp_path / "list.xlsx", rows), personas.officer_north, event=ledger.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert batch.new_count == 15
    assert len(calls) == 1
    cells_equal_live(personas, reference_data)


def test_many_keys_are_recomputed_by_their_values(big_ledger, personas, reference_data, today, monkeypatch):
    summary.refresh()
    monkeypatch.setattr(summary, "EXACT_KEYS", 1)  # any change of more than one cell takes the superset
    with audit_context(actor=None, source="test"), audit.collected():
        for project in [p for p in big_ledger if not p.value_undisclosed][:10]:
            project_update(project=project, fields={"contract_value": project.contract_value + 1})
    cells_equal_live(personas, reference_data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need a server database")
def test_two_writers_changing_the_same_cells_at_once_leave_them_equal_to_the_ledger(
    big_ledger, ledger, personas, reference_data
):
    with clock.frozen_at(TODAY):
        summary.refresh()
    north = list(
        Project.objects.filter(host_area=reference_data.north, signed_on__isnull=False, value_undisclosed=False)
    )[:2]
    assert len(north) == 2
    start = threading.Barrier(2)
    errors = []

    def edit(project, value):
        try:
            with clock.frozen_at(TODAY), audit_context(actor=None, source="test"), transaction.atomic():
                locked = Project.objects.select_for_update().get(pk=project.pk)
                start.wait(5)  # both transactions are open before either records
                project_update(project=locked, fields={"contract_value": value, "sector": reference_data.food})
        except Exception as exc:  # reported below: an assertion in a thread would be lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(p, Decimal("4321000.0") * (i + 1))) for i, p in enumerate(north)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with clock.frozen_at(TODAY):
        cells_equal_live(personas, reference_data)


def test_an_edit_that_records_several_entries_updates_the_cells_once(
    big_ledger, ledger, personas, reference_data, today, monkeypatch
):
    summary.refresh()
    calls = []
    update = summary.update_cells
    monkeypatch.setattr(summary, "update_cells", lambda keys, day: calls.append(len(keys)) or update(keys, day))
    with audit_context(actor=None, source="test"):
        # The amount changes the project and its first signing, then the signings are recounted.
        project_update(project=ledger.n1, fields={"contract_value": Decimal("777000000.15")})
    assert len(calls) == 1
    cells_equal_live(personas, reference_data)
