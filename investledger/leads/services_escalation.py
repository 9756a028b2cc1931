"""Overdue leads climb the same ladder as issues, on the same working-day calendar.

A lead's deadlines (respond, assess, feed back) come from its class; the scan is the issue register's
own (`escalation.ladder`: a deadline counts as passed from the next working day after it; the same
levels, owning unit → district → city bureau → city leader), with the words and the people of a lead
(`LEADS`), notifying through `escalation.notifications` once per level.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.core.access import Role
from investledger.escalation import ladder, notifications
from investledger.escalation.choices import Level, NotificationKind, Step
from investledger.leads.models import Lead, LeadEscalation
from investledger.leads.services import lead_link


def _reason(step: Step, deadline: dt.date, days: int) -> str:
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


def _tell_escalated(lead: Lead, level: int, reason: str) -> None:
    label = Level(level).label
    notifications.notify(
        holders_of_level(lead, level) + holders_of_level(lead, Level.UNIT),
        kind=NotificationKind.LEAD_ESCALATED,
        key=f"lead:{lead.pk}:escalated:{level}",
        subject=_("Lead escalated to %(level)s: %(lead)s") % {"level": label, "lead": lead},
        body=_("%(reason)s. Owning unit %(unit)s.") % {"reason": reason, "unit": lead.owning_unit},
        link=lead_link(lead),
    )


LEADS = ladder.Climber(
    model=Lead,
    step_model=LeadEscalation,
    owner="lead",
    started_on="received_on",
    related=("owning_unit",),
    is_open=lambda lead: lead.is_open,
    reason=_reason,
    notify=_tell_escalated,
)


def escalate_overdue_leads(as_of: dt.date | None = None) -> list[LeadEscalation]:
    """Raise every open lead to the level its missed deadlines call for, once per level (idempotent);
    each lead is its own transaction: the ladder issues climb (`escalation.ladder`)."""
    return ladder.escalate_overdue(LEADS, as_of)
