"""Background work: the supervision scan as a task for the database worker (`manage.py db_worker`)."""

from __future__ import annotations

import datetime as dt

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.supervision.services import supervise


@task()
def supervise_task(as_of: str | None = None) -> dict:
    """Run the scan (as of an ISO date, or today) and return what it changed."""

    day = dt.date.fromisoformat(as_of) if as_of else None
    with audit_context(actor=None, source="task:supervise"):
        if day is None:
            result = supervise()
        else:
            with clock.frozen_at(day):
                result = supervise(as_of=day)
    return {
        "as_of": result.as_of.isoformat(),
        "projects": result.projects,
        "milestones_planned": result.milestones_planned,
        "stages_changed": result.stages_changed,
        "lights_changed": result.lights_changed,
        "samples_drawn": result.samples_drawn,
    }
