"""The escalation ladder, one for everything that climbs it: issues (`escalation.services`) and leads
(`leads.services_escalation`).

A record that climbs has three working-day deadlines (respond, assess, resolve or feed back), says when
each step was done (`step_done_on`) and stands at a `level` (`Level`: responsible unit → district →
city bureau → city leader). The daily scan reads the missed deadlines with one rule (`missed_steps`) and
raises the record, one step at a time, to the level each missed step calls for (`LEVEL_AFTER_MISSING`):
the step is kept (its own model), the record's level and version change with an audit entry in the same
transaction, and the people of the new level and of the unit are notified once. What differs per kind of
record (its step model, the words of the reason, whom to tell) is its `Climber`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.escalation.choices import Level, Step
from investledger.escalation.models import LEVEL_AFTER_MISSING
from investledger.escalation.workdays import WorkCalendar


@dataclass(frozen=True)
class Climber:
    """A kind of record that climbs the ladder."""

    model: Any  # Issue, Lead: `open()` on its queryset, `level`, `version`, `respond_by`, `deadline(step)`
    step_model: Any  # EscalationStep, LeadEscalation: one row per level reached
    owner: str  # the step model's field naming the record: "issue", "lead"
    started_on: str  # the date its deadlines count from: "raised_on", "received_on"
    related: tuple[str, ...]  # what `reason` and `notify` read, fetched with the locked row
    is_open: Callable[[Any], bool]
    reason: Callable[[Step, dt.date, int], str]  # (missed step, its deadline, working days allowed) → words
    notify: Callable[[Any, int, str], None]  # (record, level reached, reason)


def missed_steps(record: Any, as_of: dt.date, calendar: WorkCalendar) -> list[Step]:
    """Steps whose deadline has passed without the step done in time, as seen on `as_of`.

    A deadline counts as passed from the next working day after it: nobody escalates on a
    Sunday what was due on Friday; Monday morning's scan does.
    """
    missed = []
    for step in (Step.RESPOND, Step.ASSESS, Step.RESOLVE):
        deadline = record.deadline(step)
        if calendar.next_working_day(deadline) > as_of:
            break
        done = record.step_done_on(step)
        if done is None or done > deadline:
            missed.append(step)
    return missed


def escalate_overdue(climber: Climber, as_of: dt.date | None = None) -> list:
    """Raise every open record of the kind to the level its missed deadlines call for, once per level.

    Idempotent: the level only climbs, and each (record, level) step exists once, so a second run on the
    same day (or a run for an earlier day) changes nothing. Each record is its own transaction, so one bad
    row does not hold back the others.
    """
    as_of = as_of or clock.today()
    calendar = WorkCalendar.load()
    candidates = (
        climber.model.objects.open()
        .filter(level__lt=Level.LEADER, respond_by__lt=as_of, **{f"{climber.started_on}__lte": as_of})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made: list = []
    for pk in list(candidates):
        made.extend(escalate_one(climber, pk, as_of, calendar))
    return made


@transaction.atomic
def escalate_one(climber: Climber, pk: Any, as_of: dt.date, calendar: WorkCalendar) -> list:
    """Climb one record, locked, step by step to where its missed deadlines call for."""
    record = climber.model.objects.select_for_update().select_related(*climber.related).get(pk=pk)
    if not climber.is_open(record):
        return []
    made = []
    for step in missed_steps(record, as_of, calendar):
        target = LEVEL_AFTER_MISSING[step]
        if target <= record.level:
            continue
        before = audit.snapshot(record)
        deadline = record.deadline(step)
        reason = climber.reason(step, deadline, calendar.between(getattr(record, climber.started_on), deadline))
        escalation = climber.step_model.objects.create(
            **{climber.owner: record},
            from_level=record.level,
            to_level=target,
            missed_step=step,
            missed_deadline=deadline,
            reason=reason[:300],
            escalated_on=as_of,
            escalated_at=clock.now(),
        )
        record.level = target
        record.version += 1
        record.save(update_fields=["level", "version", "updated"])
        audit.record(escalation, AuditEntry.Kind.CREATE)
        audit.record(
            record, AuditEntry.Kind.ACTION, before=before, message=f"escalated to {Level(target).label}: {reason}"
        )
        climber.notify(record, target, reason)
        made.append(escalation)
    return made
