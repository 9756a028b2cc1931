"""Overdue leads climb the same ladder as issues, on the same working-day calendar.

A lead's deadlines (respond, assess, feed back) come from its class; the scan reads them with the
issue register's own rule (`escalation.services.missed_steps`: a deadline counts as passed from the
next working day after it) and climbs the same levels (`LEVEL_AFTER_MISSING`: owning unit → district
→ city bureau → city leader), notifying through `escalation.notifications` once per level.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.core import audit, clock
from investledger.core.access import Role
from investledger.core.models import AuditEntry
from investledger.escalation import notifications
from investledger.escalation.choices import Level, NotificationKind, Step
from investledger.escalation.models import LEVEL_AFTER_MISSING
from investledger.escalation.services import missed_steps
from investledger.escalation.workdays import WorkCalendar
from investledger.leads.models import Lead, LeadEscalation
from investledger.leads.services import lead_link


def _reason(step: str, deadline: dt.date, days: int) -> str:
    after = ngettext(
        "%(days)s working day after it was received", "%(days)s working days after it was received", days
    ) % {"days": days}
    text = {
        Step.RESPOND: _("No contact by %(deadline)s (%(after)s)"),
        Step.ASSESS: _("Not assessed by %(deadline)s (%(after)s)"),
        Step.RESOLVE: _("No feedback by %(deadline)s (%(after)s)"),
    }[Step(step)]
    return text % {"deadline": deadline.isoformat(), "after": after}


def holders_of_level(lead: Lead, level: int) -> list:
    """Who must act on a lead at a level: its unit, its areas' districts, the bureau or the leaders."""
    if level == Level.UNIT:
        return list(notifications.unit_users(lead.owning_unit))
    role = {Level.DISTRICT: Role.DISTRICT_OFFICER, Level.BUREAU: Role.ADMIN}.get(Level(level), Role.LEADER)
    users: dict[int, object] = {}
    for area in lead.areas.all():
        for user in notifications.users_with_role(role, area=area):
            users[user.pk] = user
    return list(users.values())


def escalate_overdue_leads(as_of: dt.date | None = None) -> list[LeadEscalation]:
    """Raise every open lead to the level its missed deadlines call for, once per level (idempotent);
    each lead is its own transaction."""
    as_of = as_of or clock.today()
    calendar = WorkCalendar.load()
    candidates = (
        Lead.objects.open()
        .filter(level__lt=Level.LEADER, received_on__lte=as_of, respond_by__lt=as_of)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made: list[LeadEscalation] = []
    for pk in list(candidates):
        made.extend(_escalate_one(pk, as_of, calendar))
    return made


@transaction.atomic
def _escalate_one(pk: int, as_of: dt.date, calendar: WorkCalendar) -> list[LeadEscalation]:
    lead = Lead.objects.select_for_update().select_related("owning_unit").get(pk=pk)
    if not lead.is_open:
        return []
    made = []
    for step in missed_steps(lead, as_of, calendar):  # type: ignore[arg-type]  # a lead reads as an issue
        target = LEVEL_AFTER_MISSING[step]
        if target <= lead.level:
            continue
        before = audit.snapshot(lead)
        deadline = lead.deadline(step)
        reason = _reason(step, deadline, calendar.between(lead.received_on, deadline))
        escalation = LeadEscalation.objects.create(
            lead=lead,
            missed_step=step,
            missed_deadline=deadline,
            from_level=lead.level,
            to_level=target,
            reason=reason[:300],
            escalated_on=as_of,
            escalated_at=clock.now(),
        )
        lead.level = target
        lead.version += 1
        lead.save(update_fields=["level", "version", "updated"])
        audit.record(escalation, AuditEntry.Kind.CREATE)
        label = Level(target).label
        audit.record(lead, AuditEntry.Kind.ACTION, before=before, message=f"escalated to {label}: {reason}")
        notifications.notify(
            holders_of_level(lead, target) + holders_of_level(lead, Level.UNIT),
            kind=NotificationKind.LEAD_ESCALATED,
            key=f"lead:{lead.pk}:escalated:{target}",
            subject=_("Lead escalated to %(level)s: %(lead)s") % {"level": label, "lead": lead},
            body=_("%(reason)s. Owning unit %(unit)s.") % {"reason": reason, "unit": lead.owning_unit},
            link=lead_link(lead),
        )
        made.append(escalation)
    return made
