"""Writes that matter in the issue register, supervision notices and inspections.

Each function is one transaction: it checks the state it starts from, validates, saves, records
the audit entry and writes the notifications, so none of them is on record without the others.
Who may act is defined once in `permissions`: pages and the API offer and check it after finding the
object among those the user may see, and the issue steps refuse a user it does not allow
(PermissionDenied). A step taken with `by=None` is the system's own (the demo, background jobs).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, UnidentifiedImageError

from investledger.core import access, audit, clock, references
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.escalation import ladder, notifications, permissions
from investledger.escalation.choices import (
    IssueStatus,
    Level,
    NoticeColour,
    NoticeStatus,
    NotificationKind,
    ResponseKind,
    Step,
)
from investledger.escalation.models import (
    DeadlinePolicy,
    EscalationStep,
    Inspection,
    InspectionPhoto,
    Issue,
    IssueResponse,
    Notice,
)
from investledger.escalation.permissions import may_acknowledge as may_acknowledge
from investledger.escalation.permissions import may_inspect as may_inspect
from investledger.escalation.permissions import may_raise as may_raise
from investledger.escalation.permissions import may_supervise as may_supervise
from investledger.escalation.workdays import WorkCalendar
from investledger.ledger.projects import services as project_services
from investledger.ledger.projects.models import Project

# --- Issues -------------------------------------------------------------------------------------


def deadlines_for(category: str, raised_on: dt.date, calendar: WorkCalendar | None = None):
    calendar = calendar or WorkCalendar.load()
    respond, assess, resolve = DeadlinePolicy.days_for(category)
    return calendar.add(raised_on, respond), calendar.add(raised_on, assess), calendar.add(raised_on, resolve)


def _issue_link(issue: Issue) -> str:
    return reverse("escalation:issue_detail", args=[issue.pk])


@transaction.atomic
def issue_raise(*, project: Project, fields: dict, by) -> Issue:
    """Record a blocking matter of a project and assign it to the unit that must act on it."""
    raised_on = fields.pop("raised_on", None) or clock.today()
    issue = Issue(project=project, raised_by=by if getattr(by, "pk", None) else None, raised_on=raised_on, **fields)
    if issue.category:
        issue.respond_by, issue.assess_by, issue.resolve_by = deadlines_for(issue.category, raised_on)
    issue.reference = references.next_reference(Issue, "Q", raised_on.year, digits=4)
    issue.full_clean(exclude=["reference"])
    issue.save()
    audit.record(issue, AuditEntry.Kind.CREATE)
    project_services.project_involve_unit(
        project=project,
        unit=issue.responsible_unit,
        message=_("Unit involved to act on issue %(ref)s") % {"ref": issue.reference},
    )
    notifications.notify(
        notifications.unit_users(issue.responsible_unit),
        kind=NotificationKind.ISSUE_ASSIGNED,
        key=f"issue:{issue.pk}:assigned:{issue.responsible_unit_id}",
        subject=_("New issue for your unit: %(issue)s") % {"issue": issue},
        body=_("Project %(project)s. Respond by %(respond)s, assess by %(assess)s, resolve by %(resolve)s.")
        % {
            "project": project,
            "respond": issue.respond_by.isoformat(),
            "assess": issue.assess_by.isoformat(),
            "resolve": issue.resolve_by.isoformat(),
        },
        link=_issue_link(issue),
    )
    return issue


def _unit_of(user, issue: Issue):
    return issue.responsible_unit if access.acts_for_unit(user, issue.responsible_unit_id) else None


def _require_step(by, issue: Issue, step: str) -> None:
    if by is not None and not permissions.may_take(by, issue, step):
        raise PermissionDenied(_("You may not take this step on this issue at its current level."))


def _advance(
    *, issue: Issue, by, text: str, kind: str, step: str, to_status: str, date_field: str, expected_version
) -> Issue:
    _require_step(by, issue, step)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was done: this text goes on the record.")})
    locked = lock(Issue, issue.pk, expected_version)
    if locked.status not in permissions.STEP_FROM[step]:
        raise ValidationError(
            {"text": _("This issue is already %(status)s.") % {"status": locked.get_status_display().lower()}}
        )
    before = audit.snapshot(locked)
    today = clock.today()
    locked.status = to_status
    setattr(locked, date_field, today)
    if date_field == "assessed_on" and not locked.responded_on:
        locked.responded_on = today  # an assessment answers the issue too
    locked.version += 1
    locked.full_clean(exclude=["reference"])
    locked.save()
    IssueResponse.objects.create(
        issue=locked, kind=kind, text=text.strip(), author=by, unit=_unit_of(by, locked), at=clock.now()
    )
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=f"{kind}: {text.strip()[:400]}")
    issue.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def issue_respond(*, issue: Issue, by, text: str, expected_version: int | None = None) -> Issue:
    """The responsible unit's first answer (受理/答复)."""
    locked = _advance(
        issue=issue,
        by=by,
        text=text,
        kind=ResponseKind.RESPONSE,
        step=permissions.RESPOND,
        to_status=IssueStatus.RESPONDED,
        date_field="responded_on",
        expected_version=expected_version,
    )
    _tell_raiser(locked, _("The responsible unit responded to %(issue)s") % {"issue": locked}, text, "responded")
    return locked


@transaction.atomic
def issue_assess(*, issue: Issue, by, text: str, expected_version: int | None = None) -> Issue:
    """The unit's assessment: what it will take and by when (研判)."""
    locked = _advance(
        issue=issue,
        by=by,
        text=text,
        kind=ResponseKind.ASSESSMENT,
        step=permissions.ASSESS,
        to_status=IssueStatus.ASSESSED,
        date_field="assessed_on",
        expected_version=expected_version,
    )
    _tell_raiser(locked, _("The responsible unit assessed %(issue)s") % {"issue": locked}, text, "assessed")
    return locked


@transaction.atomic
def issue_close(*, issue: Issue, by, resolution: str, expected_version: int | None = None) -> Issue:
    """Close (销号) an issue with its resolution on record."""
    _require_step(by, issue, permissions.CLOSE)
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Record how the issue was resolved before closing it.")})
    locked = lock(Issue, issue.pk, expected_version)
    if locked.is_closed:
        raise ValidationError({"resolution": _("This issue is already closed.")})
    before = audit.snapshot(locked)
    today = clock.today()
    locked.status = IssueStatus.CLOSED
    locked.closed_on = today
    locked.closed_by = by if getattr(by, "pk", None) else None
    locked.resolution = resolution.strip()
    locked.version += 1
    locked.full_clean(exclude=["reference"])
    locked.save()
    IssueResponse.objects.create(
        issue=locked, kind=ResponseKind.RESOLUTION, text=locked.resolution, author=locked.closed_by, at=clock.now()
    )
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=f"closed: {locked.resolution[:400]}")
    recipients = list(notifications.unit_users(locked.responsible_unit))
    if locked.level >= Level.DISTRICT:
        recipients += list(notifications.holders_of_level(locked, locked.level))
    if locked.raised_by:
        recipients.append(locked.raised_by)
    notifications.notify(
        [u for u in recipients if u.pk != getattr(by, "pk", None)],
        kind=NotificationKind.ISSUE_CLOSED,
        key=f"issue:{locked.pk}:closed",
        subject=_("Issue closed: %(issue)s") % {"issue": locked},
        body=locked.resolution,
        link=_issue_link(locked),
    )
    issue.__dict__.update(locked.__dict__)
    return locked


def _tell_raiser(issue: Issue, subject: str, text: str, what: str) -> None:
    if issue.raised_by and issue.raised_by.is_active:
        notifications.notify(
            [issue.raised_by],
            kind=NotificationKind.ISSUE_UPDATED,
            key=f"issue:{issue.pk}:{what}",
            subject=subject,
            body=text,
            link=_issue_link(issue),
        )


# --- Escalation ---------------------------------------------------------------------------------


def _reason(step: Step, deadline: dt.date, days: int) -> str:
    """Why an issue climbed, in the words the history and the e-mails show."""
    after = ngettext("%(days)s working day after it was raised", "%(days)s working days after it was raised", days) % {
        "days": days
    }
    text = {
        Step.RESPOND: _("No response by %(deadline)s (%(after)s)"),
        Step.ASSESS: _("No assessment by %(deadline)s (%(after)s)"),
        Step.RESOLVE: _("Not resolved by %(deadline)s (%(after)s)"),
    }[step]
    return text % {"deadline": deadline.isoformat(), "after": after}


def _tell_escalated(issue: Issue, level: int, reason: str) -> None:
    level_label = Level(level).label
    recipients = list(notifications.holders_of_level(issue, level)) + list(
        notifications.unit_users(issue.responsible_unit)
    )
    notifications.notify(
        recipients,
        kind=NotificationKind.ISSUE_ESCALATED,
        key=f"issue:{issue.pk}:escalated:{level}",
        subject=_("Escalated to %(level)s: %(issue)s") % {"level": level_label, "issue": issue},
        body=_("%(reason)s. Project %(project)s, responsible unit %(unit)s.")
        % {"reason": reason, "project": issue.project, "unit": issue.responsible_unit},
        link=_issue_link(issue),
    )


ISSUES = ladder.Climber(
    model=Issue,
    step_model=EscalationStep,
    owner="issue",
    started_on="raised_on",
    related=("project__host_area", "responsible_unit"),
    is_open=lambda issue: not issue.is_closed,
    reason=_reason,
    notify=_tell_escalated,
)


def escalate_overdue(as_of: dt.date | None = None) -> list[EscalationStep]:
    """Raise every open issue to the level its missed deadlines call for, once per level (idempotent;
    each issue its own transaction): the one ladder of `escalation.ladder`."""
    return ladder.escalate_overdue(ISSUES, as_of)


# --- Supervision notices ------------------------------------------------------------------------


@transaction.atomic
def notice_issue(*, fields: dict, by) -> Notice:
    """Issue a supervision notice to an area (for a project: to the project's host area)."""
    project = fields.get("project")
    if project is not None:
        fields["area"] = project.host_area
    issued_on = fields.pop("issued_on", None) or clock.today()
    notice = Notice(issued_by=by if getattr(by, "pk", None) else None, issued_on=issued_on, **fields)
    notice.reference = references.next_reference(Notice, "D", issued_on.year, digits=4)
    if notice.deadline and notice.deadline < issued_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the day the notice is issued.")})
    notice.full_clean(exclude=["reference"])
    notice.save()
    audit.record(notice, AuditEntry.Kind.CREATE)
    notifications.notify(
        notifications.district_officers(notice.area),
        kind=NotificationKind.NOTICE_ISSUED,
        key=f"notice:{notice.pk}:issued",
        subject=_("%(colour)s supervision notice %(notice)s")
        % {"colour": notice.get_colour_display(), "notice": notice},
        body=_("%(body)s\n\nAcknowledge by %(deadline)s.")
        % {"body": notice.body, "deadline": notice.deadline.isoformat()},
        link=reverse("escalation:notice_detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def notice_acknowledge(*, notice: Notice, by, reply: str) -> Notice:
    """The district acknowledges a notice and says what it is doing about it."""
    if not (reply or "").strip():
        raise ValidationError({"reply": _("Say what the district is doing about this notice.")})
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.status != NoticeStatus.ISSUED:
        raise ValidationError({"reply": _("This notice was already acknowledged.")})
    before = audit.snapshot(locked)
    locked.status = NoticeStatus.ACKNOWLEDGED
    locked.acknowledged_by = by if getattr(by, "pk", None) else None
    locked.acknowledged_on = clock.today()
    locked.acknowledgement = reply.strip()
    locked.save()
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=f"acknowledged: {locked.acknowledgement[:400]}")
    if locked.issued_by:
        notifications.notify(
            [locked.issued_by],
            kind=NotificationKind.NOTICE_ACKNOWLEDGED,
            key=f"notice:{locked.pk}:acknowledged",
            subject=_("Notice %(notice)s acknowledged") % {"notice": locked},
            body=locked.acknowledgement,
            link=reverse("escalation:notice_detail", args=[locked.pk]),
        )
    notice.__dict__.update(locked.__dict__)
    return locked


NOTICE_COLOURS = [NoticeColour.BLUE, NoticeColour.YELLOW, NoticeColour.RED]


# --- Inspections and photos ---------------------------------------------------------------------

PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def photo_max_bytes() -> int:
    return int(settings.INVESTLEDGER_PHOTO_MAX_BYTES)


def check_photo(upload) -> tuple[str, str, int, int]:
    """Refuse anything that is not a JPEG, PNG or WebP image by its content, or is too large.

    Returns (content type, extension, width, height).
    """
    name = getattr(upload, "name", "") or _("the file")
    limit = photo_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; photos may be at most %(limit).0f MB.")
            % {"name": name, "size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(limit + 1)
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(head)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(head)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("%(name)s is not an image: upload a JPEG, PNG or WebP photo.") % {"name": name}, code="not_image"
        ) from exc
    if kind not in PHOTO_FORMATS:
        raise ValidationError(
            _("%(name)s is a %(kind)s image: upload a JPEG, PNG or WebP photo.") % {"name": name, "kind": kind},
            code="wrong_type",
        )
    content_type, ext = PHOTO_FORMATS[kind]
    return content_type, ext, width, height


def _store_photo(inspection: Inspection, upload, by, caption: str = "") -> InspectionPhoto:
    content_type, ext, width, height = check_photo(upload)
    upload.seek(0)
    data = upload.read()
    photo = InspectionPhoto(
        inspection=inspection,
        content_type=content_type,
        size=len(data),
        width=width,
        height=height,
        original_name=(getattr(upload, "name", "") or "")[-200:],
        caption=caption[:200],
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    # The stored name is ours, never the uploader's: no path tricks, no misleading extension.
    photo.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
    try:
        photo.save()
        after = audit.snapshot(photo)
        after["file"] = photo.file.name  # core.audit.snapshot does not turn file fields into text
        audit.record(photo, AuditEntry.Kind.CREATE, after=after)
    except Exception:
        photo.file.delete(save=False)  # a failed write must not leave the file behind
        raise
    return photo


@transaction.atomic
def inspection_record(*, fields: dict, by, photos=()) -> Inspection:
    """Record an inspection with its findings and photos (all or nothing)."""
    inspection = Inspection(recorded_by=by if getattr(by, "pk", None) else None, **fields)
    if inspection.visited_on and inspection.visited_on > clock.today():
        raise ValidationError({"visited_on": _("An inspection cannot be recorded before it took place.")})
    inspection.full_clean()
    for upload in photos:
        check_photo(upload)  # refuse before writing anything
    inspection.save()
    audit.record(inspection, AuditEntry.Kind.CREATE)
    stored = []
    try:
        for upload in photos:
            stored.append(_store_photo(inspection, upload, by))
    except Exception:
        for photo in stored:
            photo.file.delete(save=False)
        raise
    return inspection


@transaction.atomic
def inspection_add_photo(*, inspection: Inspection, upload, by, caption: str = "") -> InspectionPhoto:
    return _store_photo(inspection, upload, by, caption)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
