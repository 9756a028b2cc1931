"""Imports stuck in the background are failed by the sweep with the reason, and can be run again."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services, stale, tasks
from investledger.intake.kinds import signing_write
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LATER = dt.timedelta(minutes=31)


@pytest.fixture
def queued(tmp_path, personas, reference_data, settings):
    """A north officer's batch of 5 rows whose check is queued for the worker (which is not running)."""
    settings.TASKS = QUEUED
    settings.INTAKE_BACKGROUND_ROWS = 1
    path = write_xlsx(tmp_path / "queued.xlsx", [CHINESE_HEADER, *signing_rows(5)])
    batch = import_file(path, personas.officer_north, event=reference_data.event, commit=False, queued=True)
    assert batch.status == ImportBatch.Status.VALIDATING and batch.task_id
    return batch


def _run_queued_task(batch):
    """What the worker does with the batch's queued task."""
    result = DBTaskResult.objects.get(pk=batch.task_id)
    result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def test_a_batch_whose_task_vanished_from_the_queue_is_swept_to_failed_with_the_reason(queued):
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    swept = stale.sweep()
    queued.refresh_from_db()
    assert [b.pk for b in swept] == [queued.pk]
    assert queued.status == ImportBatch.Status.FAILED
    assert queued.message.startswith("Checking this import stopped. Its background task disappeared from the queue")
    assert "Nothing was written to the ledger" in queued.message and "Run it again" in queued.message
    entry = AuditEntry.objects.get(object_id=str(queued.pk), content_type__model="importbatch")
    assert entry.source == stale.SWEEP_SOURCE and entry.message.startswith("stuck import failed")


def test_a_batch_whose_task_failed_is_swept_at_once_naming_the_error(queued):
    result = DBTaskResult.objects.get(pk=queued.task_id)
    result.status, result.exception_class_path, result.traceback = "FAILED", "builtins.MemoryError", "…"
    result.save()
    stale.sweep()
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.FAILED
    assert "Its background task failed (MemoryError" in queued.message


def test_a_batch_whose_worker_died_is_swept_once_it_made_no_progress_for_the_setting(queued, settings):
    DBTaskResult.objects.filter(pk=queued.task_id).update(status="RUNNING", started_at=clock.now())
    settings.INTAKE_STALE_AFTER = 30 * 60
    assert stale.sweep(now=clock.now() + dt.timedelta(minutes=29)) == []
    stale.sweep(now=clock.now() + LATER)
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.FAILED
    assert "It made no progress for 31 minutes" in queued.message and "INTAKE_STALE_AFTER" in queued.message


def test_a_task_never_started_is_swept_asking_whether_the_worker_runs(queued):
    stale.sweep(now=clock.now() + LATER)
    queued.refresh_from_db()
    assert "waited 31 minutes without being started" in queued.message and "investledger worker" in queued.message


def test_a_healthy_running_batch_is_not_swept(queued):
    DBTaskResult.objects.filter(pk=queued.task_id).update(status="RUNNING", started_at=clock.now())
    assert stale.sweep() == []
    # Progress keeps it alive: the check writes its counters every chunk.
    ImportBatch.objects.filter(pk=queued.pk).update(updated=clock.now() + dt.timedelta(minutes=20))
    assert stale.sweep(now=clock.now() + LATER) == []
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.VALIDATING and queued.message == ""


def test_a_swept_batchs_late_task_leaves_it_failed(queued):
    DBTaskResult.objects.filter(pk=queued.task_id).update(status="RUNNING")
    stale.sweep(now=clock.now() + LATER)
    _run_queued_task(queued)
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.FAILED and queued.rows_validated == 0


def test_a_swept_batch_runs_again_and_commits(queued, personas):
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    stale.sweep()
    user = personas.officer_north
    with audit_context(actor=user, source="test"):
        batch = stale.batch_rerun(batch=queued, user=user)
    assert batch.status == ImportBatch.Status.VALIDATING and batch.task_id and batch.message == ""
    _run_queued_task(batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED, batch.message
    with override_settings(INTAKE_BACKGROUND_ROWS=100), audit_context(actor=user, source="test"):
        batch = services.batch_start_commit(batch=batch, user=user)
    assert batch.status == ImportBatch.Status.COMMITTED and Project.objects.count() == 5
    rerun = AuditEntry.objects.filter(content_type__model="importbatch", object_id=str(batch.pk)).order_by("id").last()
    assert rerun.actor == user and rerun.message == f"import run again by {user}"
    assert rerun.changes["status"] == ["failed", "validating"]


def test_only_a_failed_batch_runs_again(queued, personas):
    with pytest.raises(services.ImportRefused, match="Only an import that failed"):
        stale.batch_rerun(batch=queued, user=personas.officer_north)


class Killed(BaseException):
    """What a killed worker leaves: the commit stops mid-way, no handler of the service runs."""


def test_a_killed_commit_leaves_nothing_in_the_ledger_and_is_swept_saying_so(
    tmp_path, personas, reference_data, monkeypatch
):
    path = write_xlsx(tmp_path / "killed.xlsx", [CHINESE_HEADER, *signing_rows(4)])
    user = personas.officer_north
    batch = import_file(path, user, event=reference_data.event, commit=False)
    entries = AuditEntry.objects.count()
    written = signing_write._NewProjects.write

    def write_then_die(self, then=None):
        written(self, then)
        assert Project.objects.count() == 4  # in the commit's transaction
        raise Killed

    monkeypatch.setattr(signing_write._NewProjects, "write", write_then_die)
    with pytest.raises(Killed), audit_context(actor=user, source="test"):
        services.batch_start_commit(batch=batch, user=user)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING
    assert Project.objects.count() == 0 and AuditEntry.objects.count() == entries
    assert stale.sweep() == []  # the progress of a moment ago
    stale.sweep(now=clock.now() + LATER)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message.startswith("Writing this import to the ledger stopped. It made no progress for 31 minutes")
    assert batch.message.endswith(
        "Nothing was written to the ledger (an import writes all its rows or none). Run it again."
    )
    monkeypatch.undo()
    with audit_context(actor=user, source="test"):
        stale.batch_rerun(batch=batch, user=user)
        batch = services.batch_start_commit(batch=batch, user=user)
    assert batch.status == ImportBatch.Status.COMMITTED and Project.objects.count() == 4


def test_a_commit_failed_by_the_sweep_while_writing_rolls_back(tmp_path, personas, reference_data, monkeypatch):
    path = write_xlsx(tmp_path / "late.xlsx", [CHINESE_HEADER, *signing_rows(2)])
    user = personas.officer_north
    batch = import_file(path, user, event=reference_data.event, commit=False)
    written = signing_write._NewProjects.write

    def write_while_swept(self, then=None):
        count = written(self, then)
        # The sweep's own transaction: here inside the commit's, so rolled back with it in this test.
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, message="swept")
        return count

    monkeypatch.setattr(signing_write._NewProjects, "write", write_while_swept)
    with audit_context(actor=user, source="test"):
        result = services.batch_start_commit(batch=batch, user=user)
    assert result.status != ImportBatch.Status.COMMITTED and result.committed_at is None
    assert Project.objects.count() == 0


def test_the_sweep_runs_as_a_command_and_with_the_days_scans(queued):
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "» sweep_imports" in out.getvalue()
    assert f"import {queued.pk} queued.xlsx: Checking this import stopped." in out.getvalue()
    out = io.StringIO()
    call_command("sweep_imports", stdout=out)
    assert out.getvalue().strip() == "0 stuck imports failed"


def test_the_import_page_offers_to_run_a_failed_batch_again_to_whoever_may_import_it(client, queued, personas):
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    stale.sweep()
    url = reverse("intake:batch_rerun", args=[queued.pk])
    client.force_login(personas.officer_north)
    page = client.get(reverse("intake:batch_detail", args=[queued.pk])).content.decode()
    assert url in page and "Run this import again" in page
    client.force_login(personas.leader)  # sees the batch, may not import
    assert url not in client.get(reverse("intake:batch_detail", args=[queued.pk])).content.decode()
    assert client.post(url).status_code == 403
    client.force_login(personas.officer_south)  # another district's batch
    assert client.post(url).status_code == 404
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.FAILED
    client.force_login(personas.officer_north)
    assert client.post(url).url == reverse("intake:batch_detail", args=[queued.pk])
    queued.refresh_from_db()
    assert queued.status == ImportBatch.Status.VALIDATING


def test_the_api_runs_a_failed_batch_again_for_whoever_may_import_it(queued, personas):
    api = APIClient()
    url = f"/api/imports/{queued.pk}/rerun/"
    api.force_authenticate(personas.officer_north)
    assert api.post(url).status_code == 409  # still checking
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    stale.sweep()
    api.force_authenticate(personas.officer_south)
    assert api.post(url).status_code == 404
    api.force_authenticate(personas.officer_north)
    response = api.post(url)
    assert response.status_code == 200 and response.json()["status"] == "validating"
    _run_queued_task(ImportBatch.objects.get(pk=queued.pk))
    assert api.get(f"/api/imports/{queued.pk}/").json()["status"] == "validated"


def test_a_background_task_is_queued_with_its_batch_cleared_of_an_earlier_task(queued):
    """A batch started again never carries its earlier task's id, which the sweep would read as failed."""
    first = queued.task_id
    DBTaskResult.objects.filter(pk=first).update(status="FAILED")
    ImportBatch.objects.filter(pk=queued.pk).update(status=ImportBatch.Status.MAPPING)
    queued.refresh_from_db()
    batch = services.batch_start_validation(queued)
    assert batch.task_id and batch.task_id != first
    assert tasks.validate_batch.get_backend().get_result(batch.task_id).status == "READY"


def test_the_sweep_writes_its_message_in_the_uploaders_language(queued, personas):
    personas.officer_north.language = "zh-hans"
    personas.officer_north.save()
    DBTaskResult.objects.filter(pk=queued.task_id).delete()
    stale.sweep()
    queued.refresh_from_db()
    assert queued.message.startswith("此次导入的检查已中止。其后台任务已从队列中消失")


def test_an_upload_whose_reading_vanished_is_swept_and_read_again_when_run_again(client, personas, tmp_path, settings):
    settings.TASKS = QUEUED
    path = write_xlsx(tmp_path / "unread.xlsx", [CHINESE_HEADER, *signing_rows(2)])
    client.force_login(personas.officer_north)
    with open(path, "rb") as fh:
        client.post(reverse("intake:index"), {"file": fh, "kind": "signings"})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.READING
    DBTaskResult.objects.filter(pk=batch.task_id).delete()
    stale.sweep()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message.startswith("Reading this import's file stopped. Its background task disappeared")
    client.post(reverse("intake:batch_rerun", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READING
    _run_queued_task(batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING and batch.rows_total == 2


def test_the_api_runs_an_upload_failed_while_reading_again_through_to_the_check(personas, reference_data, tmp_path):
    path = write_xlsx(tmp_path / "api.xlsx", [CHINESE_HEADER, *signing_rows(3)])
    api = APIClient()
    api.force_authenticate(personas.officer_north)
    with override_settings(TASKS=QUEUED), open(path, "rb") as fh:
        created = api.post("/api/imports/", {"file": fh, "event": reference_data.event.pk}, format="multipart").json()
        batch = ImportBatch.objects.get(pk=created["id"])
        DBTaskResult.objects.filter(pk=batch.task_id).delete()
        assert stale.sweep() == [batch]
    response = api.post(f"/api/imports/{batch.pk}/rerun/")  # the worker runs at once here
    assert response.status_code == 200 and response.json()["status"] == "validated"
    assert response.json()["rows_validated"] == 3
