"""Milestones met, late, replanned and verified; each change moves the stage and the light at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.core.versions import check_version
from investledger.supervision.choices import EvidenceStatus
from investledger.supervision.models import Milestone
from investledger.supervision.services.evidence import evidence_check, store_evidence
from investledger.supervision.services.lights import after_change

# --- Milestones met ------------------------------------------------------------------------------


def _locked(milestone: Milestone, expected_version: int | None) -> Milestone:
    """The milestone locked for the change, refused (`EditConflict`) when it moved on since `expected_version`."""
    locked = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(locked, expected_version)
    return locked


def _change(milestone: Milestone, locked: Milestone, field: str, value, message: str) -> Milestone:
    """Set one field of the locked milestone; if that changes it: a new version, its audit entry, the stage
    and light after it."""
    before = audit.snapshot(locked)
    setattr(locked, field, value)
    if audit.diff(before, audit.snapshot(locked)):
        locked.version += 1
        locked.save(update_fields=[field, "version", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=message)
        after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def milestone_record(
    *,
    milestone: Milestone,
    actual_date,
    evidence_number: str = "",
    files=(),
    note: str = "",
    expected_version: int | None = None,
    by=None,
) -> Milestone:
    """Record the date a milestone was met, with its evidence (a licence/contract number and/or files).

    Evidence goes back to "awaiting verification" each time the date or the evidence changes.
    """
    locked = _locked(milestone, expected_version)
    before = audit.snapshot(locked)
    errors: dict[str, Any] = {}  # a message, or a list of them, per field
    today = clock.today()
    if actual_date is None:
        errors["actual_date"] = _("Give the date the milestone was met.")
    elif actual_date > today:
        errors["actual_date"] = _("The actual date cannot be in the future.")
    elif locked.project.signed_on and actual_date < locked.project.signed_on:
        errors["actual_date"] = _("The actual date cannot be before the signing date (%(date)s).") % {
            "date": locked.project.signed_on
        }
    evidence_number = (evidence_number or "").strip()
    if not evidence_number and not files and not locked.files.exists():
        errors["evidence_number"] = _("Give a licence or contract number, or upload a document or photo.")
    file_errors = []
    for upload in files:
        try:
            evidence_check(upload)
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    store_evidence(locked, files, by)
    locked.actual_date = actual_date
    locked.evidence_number = evidence_number or locked.evidence_number
    if note:
        locked.note = note
    if audit.diff(before, audit.snapshot(locked)) or files or locked.evidence_status == EvidenceStatus.NONE:
        locked.evidence_status = EvidenceStatus.PENDING
        locked.verified_by, locked.verified_at, locked.verification_comment = None, None, ""
        locked.recorded_on = today
        locked.recorded_by = by if getattr(by, "pk", None) else None
        locked.version += 1
        locked.full_clean(exclude=["position"])
        locked.save()
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=_("milestone met"))
    after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def milestone_set_delay_reason(*, milestone: Milestone, reason: str, expected_version: int | None = None) -> Milestone:
    """Record (or clear) why an open milestone is late."""
    locked = _locked(milestone, expected_version)
    return _change(milestone, locked, "delay_reason", (reason or "").strip(), _("reason for delay"))


@transaction.atomic
def milestone_replan(
    *, milestone: Milestone, planned_date, reason: str, expected_version: int | None = None
) -> Milestone:
    """Move an open milestone's planned date (调整计划), with the reason, which the audit entry keeps."""
    locked = _locked(milestone, expected_version)
    reason = (reason or "").strip()
    errors = {}
    if locked.is_met:
        errors["planned_date"] = _("The milestone is met; its plan can no longer change.")
    if planned_date is None:
        errors["planned_date"] = _("Give the new planned date.")
    if not reason:
        errors["reason"] = _("Say why the plan changes.")
    if errors:
        raise ValidationError(errors)
    return _change(milestone, locked, "planned_date", planned_date, reason)


@transaction.atomic
def milestone_verify(
    *, milestone: Milestone, accept: bool, comment: str = "", by=None, expected_version: int | None = None
) -> Milestone:
    """A supervisor accepts or rejects a milestone's evidence; a rejection needs a comment."""
    locked = _locked(milestone, expected_version)
    if locked.actual_date is None:
        raise ValidationError(_("Nothing to verify: the milestone has no actual date yet."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the evidence is rejected.")})
    before = audit.snapshot(locked)
    locked.evidence_status = EvidenceStatus.VERIFIED if accept else EvidenceStatus.REJECTED
    locked.verification_comment = comment
    locked.verified_by = by if getattr(by, "pk", None) else None
    locked.verified_at = clock.now()
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=_("evidence verified") if accept else comment)
    after_change(locked.project)
    milestone.__dict__.update(locked.__dict__)
    return locked
