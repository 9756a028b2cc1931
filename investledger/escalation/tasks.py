"""Background tasks (django-tasks): the daily escalation scan and the daily digest."""

from __future__ import annotations

import datetime as dt

try:  # Django 6 ships the tasks framework; on 5.2 the backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation.notifications import send_digests
from investledger.escalation.services import escalate_overdue


@task()
def escalate_overdue_task(as_of: str | None = None) -> int:
    """Run the escalation scan; returns the number of levels climbed."""

    day = dt.date.fromisoformat(as_of) if as_of else clock.today()
    with audit_context(source="task:escalate"):
        return len(escalate_overdue(day))


@task()
def send_digests_task(as_of: str | None = None) -> dict:
    """Send the daily digests; a second run the same day sends nothing."""

    day = dt.date.fromisoformat(as_of) if as_of else clock.today()
    return send_digests(day)
