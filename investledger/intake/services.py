"""Imports: the batch's state machine, the same for every kind of sheet.

A batch goes READING → MAPPING → VALIDATING → VALIDATED → COMMITTING → COMMITTED, or ends FAILED
with the reason (a re-run, `stale.batch_rerun`, starts it again). Each step is a function called by
the page, the API and the `import` command alike:
- `batch_store` stores the file (refusing at once only what costs no reading) and `batch_start_reading`
  queues `batch_read` for the worker, which refuses what is not a usable sheet, finds the header and
  guesses the mapping (a remembered one first); `batch_create` does both in-process for the command;
- `batch_confirm_mapping` fixes the mapping and remembers it for the source;
- `batch_validate` (queued for the worker by `batch_start_validation`) reads every row (as a stream)
  and has the kind's checker parse and check it, chunk by chunk, keeping each row with its errors and
  warnings: the preview (`preview`);
- `batch_resolve` records the user's decisions: the same project or a new one for a likely
  duplicate, the confirmation of figures a kind asks to confirm;
- `batch_commit` has the kind's writer file every row in one transaction, or nothing.

What differs between kinds (columns, the action needed, the checks, the writing) is asked of the
batch's kind (`kinds.get(batch.kind)`, one module per kind in `intake/kinds/`); nothing here names one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from investledger.core import access, audit, bulk, clock
from investledger.core.access import Action
from investledger.intake import kinds, preview, progress
from investledger.intake.errors import Abandoned as Abandoned
from investledger.intake.errors import ImportRefused as ImportRefused
from investledger.intake.fields import Kind
from investledger.intake.kinds import ParsedRow, columns_for, raw_of
from investledger.intake.mapping import auto_mapping, find_header, missing_required
from investledger.intake.models import ColumnMapping, ImportBatch, ImportRow
from investledger.intake.parsing import (
    SheetError,
    detect_format,
    open_table,
    read_ahead,
    read_limits,
    read_upload_to,
    refusal,
)
from investledger.intake.values import text_of
from investledger.intake.xlsxstream import LimitExceeded

logger = logging.getLogger(__name__)

CHUNK = 2000
READ_AHEAD_ROWS = 5000  # sheets longer than this are read by a child process while rows are checked

_NEW_OUTCOMES = (ImportRow.Outcome.NEW, ImportRow.Outcome.REPORT_NEW, ImportRow.Outcome.OPPORTUNITY)
_EXISTING_OUTCOMES = (ImportRow.Outcome.UNCHANGED, ImportRow.Outcome.RESIGNING, ImportRow.Outcome.REPORT_CORRECTION)


def background_threshold() -> int:
    return int(getattr(settings, "INTAKE_BACKGROUND_ROWS", 2000))


# --- Upload -------------------------------------------------------------------------------------


def upload_action(kind: str) -> str:
    """What a user must be allowed to do to import a kind of sheet (to create projects, to report
    progress...): the access action of the kind. A name no kind has asks for the right to create
    (its upload is then refused as an unknown kind)."""
    known = kinds.KINDS.get(kind)
    return known.action if known is not None else Action.CREATE


def _scope_area(user, action=Action.CREATE):
    """The area a batch belongs to: the uploader's area, or none for city-wide staff."""
    if access.is_city_wide(user, action):
        return None
    for assignment in access.assignments(user):
        if assignment.area_id and action in access.ROLE_ACTIONS[assignment.role]:
            return assignment.area
    return None


def batch_store(*, user, uploaded, file_name: str, kind: str = Kind.SIGNINGS, source: str = "", event=None):
    """Store an uploaded file as a new batch waiting to be read (status READING); nothing of the
    sheet is read yet. Refuses here (SheetError, leaving no batch) only what costs no reading: an
    unknown kind, a file past the size limit (while it is received), one that is no .xlsx or .csv
    by its first bytes. Reading it is `batch_read`, queued for the worker by `batch_start_reading`."""
    if kind not in kinds.KINDS:
        raise SheetError(_("Unknown kind of sheet: %(kind)s.") % {"kind": kind})
    if kinds.get(kind).table is not None:  # its rows come from elsewhere (a release's reviewed deals)
        raise SheetError(_("%(kind)s is not uploaded as a spreadsheet.") % {"kind": kinds.get(kind).label})
    if not access.can(user, upload_action(kind)):
        raise PermissionError(str(kinds.get(kind).refused))
    folder = Path(settings.MEDIA_ROOT) / "imports" / clock.today().strftime("%Y/%m")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file_name).suffix.lower()[:8]
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    try:
        size = read_upload_to(path, uploaded)
        fmt = detect_format(path, file_name)
    except SheetError:
        path.unlink(missing_ok=True)
        raise
    return ImportBatch.objects.create(
        kind=kind,
        source=source,
        file=str(path.relative_to(settings.MEDIA_ROOT)),
        file_name=Path(file_name).name[:255],
        file_size=size,
        file_format=fmt,
        uploaded_by=user,
        area=_scope_area(user, upload_action(kind)),
        event=event,
        status=ImportBatch.Status.READING,
    )


def batch_read(batch: ImportBatch) -> ImportBatch:
    """Read a stored file's header within the limits (`read_limits`, INTAKE_READ_SECONDS among them)
    and guess its mapping (a remembered one first): the batch then waits for the mapping (MAPPING).
    A file that cannot be used ends FAILED with the reason."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.READING, message="", updated=clock.now())
    try:
        table = open_table(Path(settings.MEDIA_ROOT) / str(batch.file.name), batch.file_format)
        header = find_header(table, batch.kind)
        table.headers = header.texts
        mapping, scores = auto_mapping(header, batch.kind)
        samples = []
        for _number, values in table.rows(header.row + 1):
            if any(text_of(v) for v in values):
                samples.append([text_of(v) for v in values])
            if len(samples) >= 3:
                break
    except SheetError as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(
            status=ImportBatch.Status.FAILED, message=str(exc), updated=clock.now()
        )
        batch.refresh_from_db()
        return batch
    remembered = ColumnMapping.objects.filter(source=batch.source, kind=batch.kind, signature=header.signature).first()
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READING).update(
        status=ImportBatch.Status.MAPPING,
        sheet_name=table.sheet_name,
        header_row=header.row,
        headers=header.texts,
        signature=header.signature,
        mapping=remembered.mapping if remembered and batch.source else mapping,
        suggested={k: {"field": v, "score": round(scores[k])} for k, v in mapping.items()},
        mapping_remembered=bool(remembered and batch.source),
        samples=samples,
        rows_total=max(table.total_rows - header.row, 0),
        updated=clock.now(),
    )
    batch.refresh_from_db()
    return batch


def batch_start_reading(batch: ImportBatch, *, mapping: dict | None = None, check: bool = False) -> ImportBatch:
    """Queue the reading of a stored file for the worker (the page then polls the batch). With
    `check`, the worker goes on to confirm `mapping` (the guessed one if None) and check every row,
    as the API asks; a mapping it refuses fails the batch with the reason."""
    from investledger.intake.tasks import read_batch

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.READING, message="", task_id="", updated=clock.now()
    )
    _remember_task(batch, read_batch.enqueue(batch.pk, translation.get_language() or "", mapping, check))
    batch.refresh_from_db()
    return batch


def batch_create(*, user, uploaded, file_name: str, kind: str = Kind.SIGNINGS, source: str = "", event=None):
    """Store a file and read its header in this process (`batch_store`, `batch_read`), as the `import`
    command does, within the same limits. SheetError if it is not usable; a refused file leaves no
    batch behind."""
    batch = batch_read(
        batch_store(user=user, uploaded=uploaded, file_name=file_name, kind=kind, source=source, event=event)
    )
    if batch.status == ImportBatch.Status.FAILED:
        batch_delete_file(batch)
        batch.delete()
        raise SheetError(batch.message)
    return batch


def mapping_is_sure(batch: ImportBatch) -> bool:
    """Whether the mapping can be used without asking: remembered, or every guess sure and complete."""
    if missing_required(batch.mapping, batch.kind, event_given=batch.event_id is not None):
        return False
    if batch.mapping_remembered:
        return True
    return all(s["score"] >= 90 for s in batch.suggested.values())


def batch_confirm_mapping(*, batch: ImportBatch, mapping: dict[str, str], user, remember: bool = True):
    """Fix the mapping (column index → field). Refuses a field given twice or a required one missing."""
    known = {c.name for c in columns_for(batch.kind)}
    clean = {}
    seen: dict[str, str] = {}
    for index, name in mapping.items():
        if not name:
            continue
        if name not in known:
            raise ImportRefused(_("Unknown field %(field)s.") % {"field": name})
        if int(index) >= len(batch.headers) or int(index) < 0:
            raise ImportRefused(_("The sheet has no column %(n)s.") % {"n": int(index) + 1})
        if name in seen:
            raise ImportRefused(
                _("Columns %(a)s and %(b)s are both mapped to the same field; map one of them only.")
                % {"a": batch.headers[int(seen[name])], "b": batch.headers[int(index)]}
            )
        seen[name] = index
        clean[str(int(index))] = name
    missing = missing_required(clean, batch.kind, event_given=batch.event_id is not None)
    if missing:
        raise ImportRefused(
            _("Map a column to each required field: %(fields)s.")
            % {"fields": ", ".join(f"{c.zh} / {c.en}" for c in missing)}
        )
    batch.mapping = clean
    batch.save(update_fields=["mapping", "updated"])
    if remember and batch.source:
        ColumnMapping.objects.update_or_create(
            source=batch.source,
            kind=batch.kind,
            signature=batch.signature,
            defaults={"headers": batch.headers, "mapping": clean, "confirmed_by": user},
        )
    return batch


def batch_validate(batch: ImportBatch, *, report: Callable[[dict], None] | None = None) -> ImportBatch:
    """Read and check every row; keep them as the preview (`preview`). The file's problems end as FAILED."""
    started = time.monotonic()
    batch.rows.all().delete()
    batch.chunks.all().delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, rows_read=0, rows_validated=0, message=""
    )
    batch.refresh_from_db()
    number = batch.header_row
    try:
        path = Path(settings.MEDIA_ROOT) / str(batch.file.name)  # a batch is made with its file
        limits = read_limits()
        kind = kinds.get(batch.kind)
        if kind.table is not None:
            table = kind.table(batch)
        else:
            table = open_table(path, batch.file_format, limits=limits, headers=batch.headers)
        checker = kind.checker(batch, batch.uploaded_by)
        checker.formulas = table.formulas
        counts = {"read": 0, "validated": 0, "errors": 0, "warnings": 0, "new": 0, "existing": 0}
        chunk: list[ParsedRow] = []

        row_table = bulk.Table(ImportRow, with_pk=False)

        def flush():
            checker.check_chunk(chunk)
            flagged = [r for r in chunk if preview.is_flagged(r)]
            for r in flagged:
                r.values = {key: audit.jsonable(value) for key, value in r.values.items()}
                if r.raw is None:  # the cells by header, made only for the rows kept one by one
                    r.raw = raw_of(batch.headers, r.cells or [])
            preview.store(batch, counts["validated"], chunk)
            bulk.insert(
                ImportRow,
                row_table.columns,
                (
                    row_table.row(
                        row_table.complete(
                            {
                                "batch_id": batch.pk,
                                "number": r.number,
                                "raw": r.raw,
                                "values": r.values,
                                "errors": r.errors,
                                "warnings": r.warnings,
                                "duplicate_of_id": r.duplicate_of,
                                "outcome": r.outcome,
                                "project_id": r.project_id,
                            }
                        )
                    )
                    for r in flagged
                ),
            )
            counts["validated"] += len(chunk)
            counts["errors"] += sum(len(r.errors) for r in chunk)
            counts["warnings"] += sum(len(r.warnings) for r in chunk)
            counts["new"] += sum(1 for r in chunk if r.outcome in _NEW_OUTCOMES)
            counts["existing"] += sum(1 for r in chunk if r.outcome in _EXISTING_OUTCOMES)
            chunk.clear()
            moved = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
                rows_read=counts["read"], rows_validated=counts["validated"], updated=clock.now()
            )
            if not moved:
                raise Abandoned
            progress.write(batch.pk, phase="validating", read=counts["read"], validated=counts["validated"])
            if report:
                report({"phase": "validating", **counts, "total": batch.rows_total})

        rows = table.rows(batch.header_row + 1)
        if batch.rows_total > READ_AHEAD_ROWS:
            rows = read_ahead(rows)
        for number, cells in rows:
            counts["read"] += 1
            row = checker.parse(number, cells)
            if row is None:
                continue
            chunk.append(row)
            if len(chunk) >= CHUNK:
                flush()
                if limits.deadline is not None and time.monotonic() > limits.deadline:
                    raise refusal(LimitExceeded("time", row=number), limits)
        if chunk:
            flush()
        if counts["validated"] == 0:
            raise SheetError(_("The sheet has a header but no data rows: there is nothing to import."))
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.VALIDATED,
            rows_read=counts["read"],
            rows_validated=counts["validated"],
            error_count=counts["errors"],
            warning_count=counts["warnings"],
            new_count=counts["new"],
            existing_count=counts["existing"],
            message="",
        )
    except SheetError as exc:
        batch.rows.all().delete()
        batch.chunks.all().delete()
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.FAILED, message=str(exc)
        )
    except Abandoned:
        logger.warning("import %s stopped being checked: it is no longer running", batch.pk)
    except Exception as exc:
        # A value no check foresaw must not leave the batch "validating": it ends FAILED with the
        # row reached, and the traceback goes to the log.
        logger.exception("import %s failed while checking row %s", batch.pk, number)
        batch.rows.all().delete()
        batch.chunks.all().delete()
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.VALIDATING).update(
            status=ImportBatch.Status.FAILED,
            message=_("Checking stopped at row %(row)s (%(error)s); nothing was imported.")
            % {"row": number, "error": (str(exc) or type(exc).__name__)[:200]},
        )
        progress.clear(batch.pk)
    logger.info("import %s validated in %.1fs", batch.pk, time.monotonic() - started)
    batch.refresh_from_db()
    return batch


# --- Decisions on likely duplicates ----------------------------------------------------------------


def batch_resolve(*, batch: ImportBatch, decisions: dict[int, str]) -> int:
    """Record 'same' (a re-signing of the suspected project) or 'new' for rows by row number."""
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    changed = 0
    confirmed = [n for n, d in decisions.items() if d == ImportRow.Resolution.CONFIRM]
    if confirmed:
        changed += batch_confirm(batch=batch, numbers=confirmed)
    for value in (ImportRow.Resolution.SAME, ImportRow.Resolution.NEW):
        numbers = [n for n, d in decisions.items() if d == value]
        if numbers:
            changed += batch.rows.filter(number__in=numbers, duplicate_of__isnull=False).update(resolution=value)
    return changed


def batch_resolve_all(*, batch: ImportBatch, decision: str) -> int:
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    if decision == ImportRow.Resolution.CONFIRM:
        return batch_confirm(batch=batch)
    return batch.rows.filter(duplicate_of__isnull=False, resolution="").update(resolution=decision)


def batch_confirm(*, batch: ImportBatch, numbers: list[int] | None = None) -> int:
    """Confirm the figures of progress rows (by number, or all) whose funds exceed the investment."""
    if batch.status != ImportBatch.Status.VALIDATED:
        raise ImportRefused(_("This import is not waiting for decisions."))
    rows = batch.rows.filter(values__needs_confirmation=True)
    if numbers is not None:
        rows = rows.filter(number__in=numbers)
    return rows.update(resolution=ImportRow.Resolution.CONFIRM)


# --- Commit -------------------------------------------------------------------------------------------


def batch_start_validation(batch: ImportBatch) -> ImportBatch:
    """Queue the check of every row for the worker, whatever the file's size (the page then polls
    progress). The `import` command checks in its own process instead (`batch_validate`)."""
    from investledger.intake.tasks import validate_batch

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, rows_read=0, rows_validated=0, message="", task_id="", updated=clock.now()
    )
    progress.write(batch.pk, phase="validating", read=0, validated=0)
    _remember_task(batch, validate_batch.enqueue(batch.pk, translation.get_language() or ""))
    batch.refresh_from_db()
    return batch


def _remember_task(batch: ImportBatch, result) -> None:
    """Keep the queued task's id on the batch while it runs, for the sweep of stuck imports."""
    ImportBatch.objects.filter(pk=batch.pk, status__in=ImportBatch.RUNNING).update(task_id=str(result.id))


def _commit_precheck(batch: ImportBatch) -> None:
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ImportRefused(_("This import was already committed."))
    if batch.status not in (ImportBatch.Status.VALIDATED, ImportBatch.Status.COMMITTING):
        raise ImportRefused(_("Only a checked import can be committed."))
    if batch.error_count:
        raise ImportRefused(
            _("%(n)s errors: correct the file and upload it again; nothing is written while any row has an error.")
            % {"n": batch.error_count}
        )
    undecided = batch.rows.filter(duplicate_of__isnull=False, resolution="", errors=[]).count()
    unconfirmed = batch.rows.filter(values__needs_confirmation=True, resolution="", errors=[]).count()
    if unconfirmed:
        raise ImportRefused(
            _(
                "%(n)s rows report funds in place above investment completed beyond the tolerance: check them, "
                "and confirm those that are right."
            )
            % {"n": unconfirmed}
        )
    if undecided:
        raise ImportRefused(
            _(
                "%(n)s rows look like projects already in the ledger: decide for each whether it is the same project or a new one."
            )
            % {"n": undecided}
        )


def batch_start_commit(*, batch: ImportBatch, user) -> ImportBatch:
    """Commit now, or in the background for a large batch. Refusals are raised at once either way."""
    batch = ImportBatch.objects.get(pk=batch.pk)
    _commit_precheck(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id="")
    if batch.rows_validated > background_threshold():
        from investledger.intake.tasks import commit_batch

        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.COMMITTING, rows_written=0, updated=clock.now()
        )
        progress.write(batch.pk, phase="committing", written=0, total=batch.rows_validated)
        _remember_task(batch, commit_batch.enqueue(batch.pk, user.pk, translation.get_language() or ""))
        batch.refresh_from_db()
        return batch
    return batch_commit(batch=batch, user=user)


def batch_commit(*, batch: ImportBatch, user, report: Callable[[dict], None] | None = None) -> ImportBatch:
    """Write every row of a checked batch to the ledger in one transaction, or nothing.

    Refuses (ImportRefused) a batch with errors or undecided likely duplicates. Any failure while
    writing rolls everything back and leaves the batch FAILED with the reason.
    """
    batch = ImportBatch.objects.get(pk=batch.pk)
    _commit_precheck(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, rows_written=0, message="", updated=clock.now()
    )
    progress.write(batch.pk, phase="committing", written=0, total=batch.rows_validated)
    try:
        with audit.audit_context(actor=user, source=f"import:{batch.pk}"), transaction.atomic():
            # What derives from the ledger (the dashboard's summary cells) is brought up to date once,
            # for every row written, not after each row.
            with audit.collected():
                written, new, existing = kinds.get(batch.kind).write(batch, user, report)
            # Marked committed in the transaction that wrote the rows, and only if still writing:
            # a batch the sweep failed meanwhile rolls back whole.
            committed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.COMMITTING).update(
                status=ImportBatch.Status.COMMITTED,
                committed_by=user,
                committed_at=clock.now(),
                rows_written=written,
                new_count=new,
                existing_count=existing,
            )
            if not committed:
                raise Abandoned
    except Abandoned:
        logger.warning("import %s was failed while it was written; its rows were rolled back", batch.pk)
        batch.refresh_from_db()
        return batch
    except (ImportRefused, ValidationError, IntegrityError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        if isinstance(exc, IntegrityError):
            message = _(
                "The ledger changed while the import was written (%(error)s); nothing was written. Check the file again."
            ) % {"error": str(exc)[:200]}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.VALIDATED, message=message, rows_written=0
        )
        progress.clear(batch.pk)
        raise ImportRefused(message) from exc
    except Exception as exc:
        logger.exception("import %s failed while writing", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.VALIDATED,
            message=_("Writing failed (%(error)s); nothing was written.") % {"error": str(exc)[:200]},
            rows_written=0,
        )
        progress.clear(batch.pk)
        raise
    progress.write(batch.pk, phase="committed", written=written)
    batch.refresh_from_db()
    return batch


def batch_delete_file(batch: ImportBatch) -> None:
    if batch.file.name:
        default_storage.delete(batch.file.name)
