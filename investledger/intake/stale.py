"""Imports stuck in the background: found, failed with the reason, and run again by the user.

A batch is checked or written by a queued task (`intake.tasks`). When that task fails before it can
record the outcome, is removed from the queue, or its worker dies, the batch would stay "checking"
or "writing" for ever. `sweep` finds such batches and fails them with a message saying what
happened and when. Nothing of a stuck batch is in the ledger: the commit writes every row in one
transaction, which the database rolls back when the process holding it dies, and the batch is
marked committed only inside that transaction (`services.batch_commit`). A swept batch's late
task finds the batch no longer running and stops (the commit rolls back) instead of finishing it.

`batch_rerun` runs a failed batch again (its rows are checked anew; the user then commits as usual).
Both changes are audited.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.intake import progress, services
from investledger.intake.models import ImportBatch

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import TaskResultStatus as Status
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import TaskResultStatus as Status
    from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

SWEEP_SOURCE = "job:sweep_imports"


def stale_after() -> dt.timedelta:
    """How long a running batch may go without progress (setting INTAKE_STALE_AFTER, seconds)."""
    return dt.timedelta(seconds=int(getattr(settings, "INTAKE_STALE_AFTER", 30 * 60)))


def last_progress(batch: ImportBatch) -> dt.datetime:
    """When the batch last moved: its row saved, or its progress file written (during a commit the
    batch's row is not written until the end, so the progress file is what moves)."""
    moments = [batch.updated]
    at = progress.read(batch.pk).get("at")
    if at:
        moments.append(dt.datetime.fromtimestamp(float(at), tz=dt.UTC))
    return max(moments)


def _task_state(batch: ImportBatch) -> tuple[str, str]:
    """What the queue says of the batch's task: ("gone" | "failed" | "ended" | "waiting" | "running" |
    "unknown", detail). "unknown" when no task is recorded (the work ran in a request or a command)
    or the queue cannot be asked (a backend that keeps no results)."""
    if not batch.task_id:
        return "unknown", ""
    from investledger.intake.tasks import validate_batch

    backend = validate_batch.get_backend()  # the queue of every task of the batch
    try:
        result = backend.get_result(batch.task_id)
    except TaskResultDoesNotExist:
        return "gone", ""
    except (NotImplementedError, ValueError, ValidationError):  # no results kept; an id it cannot read
        return "unknown", ""
    if result.status == Status.FAILED:
        errors = getattr(result, "errors", None) or []
        detail = errors[-1].exception_class_path.rsplit(".", 1)[-1] if errors else ""
        return "failed", detail
    if result.status == Status.SUCCESSFUL:
        return "ended", ""
    if result.status == Status.READY:
        return "waiting", ""
    return "running", ""


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def stuck_reason(batch: ImportBatch, now: dt.datetime | None = None) -> str:
    """Why a running batch is stuck, in the user's words, or "" when it is not."""
    if not batch.is_running:
        return ""
    now = now or clock.now()
    state, detail = _task_state(batch)
    last = last_progress(batch)
    quiet = now - last
    minutes = max(1, round(quiet.total_seconds() / 60))
    if state == "gone":
        return _("Its background task disappeared from the queue (noticed %(now)s; last progress %(last)s).") % {
            "now": _when(now),
            "last": _when(last),
        }
    if state == "failed":
        return _("Its background task failed (%(error)s; noticed %(now)s, last progress %(last)s).") % {
            "error": detail or "?",
            "now": _when(now),
            "last": _when(last),
        }
    if state == "ended":
        return _("Its background task ended without finishing it (noticed %(now)s; last progress %(last)s).") % {
            "now": _when(now),
            "last": _when(last),
        }
    if quiet < stale_after():
        return ""
    if state == "waiting":
        return _(
            "Its background task waited %(minutes)s minutes without being started, since %(last)s: "
            "is the worker (investledger worker) running?"
        ) % {"minutes": minutes, "last": _when(last)}
    return _(
        "It made no progress for %(minutes)s minutes, since %(last)s (the limit is %(limit)s minutes, "
        "INTAKE_STALE_AFTER): the process doing it stopped."
    ) % {"minutes": minutes, "last": _when(last), "limit": max(1, round(stale_after().total_seconds() / 60))}


def _nothing_written(batch: ImportBatch) -> bool:
    """Whether the ledger holds nothing of the batch: no audit entry of the ledger carries its source,
    and every change an import makes to the ledger is audited in the same transaction."""
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    return not entries.exclude(content_type=ContentType.objects.get_for_model(ImportBatch)).exists()


def fail(batch: ImportBatch, reason: str) -> bool:
    """Fail a running batch with `reason`; False if it was no longer running (it moved meanwhile)."""
    was = batch.status
    if was == ImportBatch.Status.COMMITTING and not _nothing_written(batch):
        # Never seen: the commit marks the batch committed in the transaction that writes the rows.
        logger.error("import %s is stuck writing but the ledger holds entries of it", batch.pk)
        tail = _("Part of it may be in the ledger: ask an administrator to check the audit trail.")
    elif was == ImportBatch.Status.COMMITTING:
        tail = _("Nothing was written to the ledger (an import writes all its rows or none). Run it again.")
    else:
        tail = _("Nothing was written to the ledger (checking writes nothing there). Run it again.")
    if was == ImportBatch.Status.COMMITTING:
        head = _("Writing this import to the ledger stopped.")
    elif was == ImportBatch.Status.READING:
        head = _("Reading this import's file stopped.")
    else:
        head = _("Checking this import stopped.")
    # Chinese runs its sentences together; the joining is the catalogue's.
    message = _("%(stopped)s %(reason)s %(outcome)s") % {"stopped": head, "reason": reason, "outcome": tail}
    with audit.audit_context(actor=None, source=SWEEP_SOURCE), transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk, status=was).first()
        if locked is None:
            return False
        before = audit.snapshot(locked)
        locked.status, locked.message, locked.rows_written = ImportBatch.Status.FAILED, message, 0
        locked.save(update_fields=["status", "message", "rows_written", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=f"stuck import failed: {reason}"[:500])
    progress.clear(batch.pk)
    batch.refresh_from_db()
    return True


def sweep(now: dt.datetime | None = None) -> list[ImportBatch]:
    """Fail every stuck batch (see `stuck_reason`); the batches failed, each with its message."""
    now = now or clock.now()
    swept = []
    running = ImportBatch.objects.filter(status__in=ImportBatch.RUNNING)
    for batch in running.select_related("uploaded_by").order_by("pk"):
        # In the language of whoever uploaded it, who reads the message (their setting, else the site's).
        with translation.override(getattr(batch.uploaded_by, "language", "") or settings.LANGUAGE_CODE):
            reason = stuck_reason(batch, now)
            failed = bool(reason) and fail(batch, reason)
        if failed:
            logger.warning("import %s failed by the sweep: %s", batch.pk, reason)
            swept.append(batch)
    return swept


def batch_rerun(*, batch: ImportBatch, user, check: bool = False) -> ImportBatch:
    """Run a failed batch again in the worker: a file whose header was never read is read again (the
    user then confirms the mapping), otherwise its rows are checked anew with the mapping it has; the
    user then decides and commits as usual. With `check` (the API, which has no mapping step), a file
    read again goes on to be checked with the guessed mapping, as at its upload. Audited, in the
    caller's audit context. ImportRefused unless the batch failed."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatch.Status.FAILED:
            raise services.ImportRefused(_("Only an import that failed can be run again."))
        before = audit.snapshot(locked)
        again = ImportBatch.Status.VALIDATING if locked.headers else ImportBatch.Status.READING
        locked.status, locked.message, locked.task_id = again, "", ""
        locked.rows_read = locked.rows_validated = locked.rows_written = 0
        locked.save(
            update_fields=["status", "message", "task_id", "rows_read", "rows_validated", "rows_written", "updated"]
        )
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=f"import run again by {user}")
    progress.clear(batch.pk)
    if again == ImportBatch.Status.READING:
        return services.batch_start_reading(locked, check=check)
    return services.batch_start_validation(locked)
