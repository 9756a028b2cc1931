"""Background work of the page frame: the day's scans, queued by the worker when nobody ran them today."""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from investledger.core import clock
from investledger.core.models import DailyRun

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task  # type: ignore[no-redef]  # the same decorator, from the backport

log = logging.getLogger(__name__)


@task()
def daily_task() -> str:
    """Run `investledger daily` for today and return what it printed."""
    out = io.StringIO()
    call_command("daily", stdout=out, stderr=out)
    return out.getvalue()


def daily_time() -> dt.time:
    """The local time from which the day's scans are due (setting INVESTLEDGER_DAILY_AT, "01:15")."""
    return dt.time.fromisoformat(settings.INVESTLEDGER_DAILY_AT)


def queue_daily_if_due() -> bool:
    """Queue today's scans for the worker unless they ran (or were queued) today; True when queued.

    Before the day's time (INVESTLEDGER_DAILY_AT) nothing is due yet. One row per day, made here or
    by `investledger daily`, keeps two workers (or a worker and cron) from running them twice.
    """
    today = clock.today()
    if timezone.localtime(clock.now()).time() < daily_time() or DailyRun.objects.filter(day=today).exists():
        return False
    try:
        with transaction.atomic():
            DailyRun.objects.create(day=today, queued_at=clock.now())
    except IntegrityError:
        return False
    daily_task.enqueue()
    log.info("the day's scans for %s are queued", today)
    return True
