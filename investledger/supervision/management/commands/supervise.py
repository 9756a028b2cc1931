"""`investledger supervise [--as-of DATE] [--enqueue] [--schedule HH:MM]`: recompute plans, stages and lights.

Run it once a day. Either from cron (`15 1 * * * investledger supervise`), or let the command itself
wait for the time each day (`investledger supervise --schedule 01:15`, e.g. under systemd), or
enqueue it for the background worker (`investledger supervise --enqueue`, worker: `manage.py db_worker`).
The scan is idempotent: running it twice on a day changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.supervision.services import supervise
from investledger.supervision.tasks import supervise_task


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date like 2024-05-31, not {text!r}") from exc


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--schedule must be a time like 01:15, not {text!r}") from exc


class Command(BaseCommand):
    help = "Recompute milestone plans, stages, lights and the monthly inspection sample (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="Compute as of this date (YYYY-MM-DD) instead of today.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the scan for the background worker.")
        parser.add_argument(
            "--schedule", type=_time, metavar="HH:MM", help="Keep running and scan every day at this local time."
        )

    def handle(self, *args, as_of, enqueue, schedule, **options):
        if enqueue:
            result = supervise_task.enqueue(as_of=as_of.isoformat() if as_of else None)
            self.stdout.write(self.style.SUCCESS(f"supervision scan queued (task {result.id})"))
            return
        if schedule is None:
            self._scan(as_of)
            return
        self.stdout.write(f"scanning every day at {schedule:%H:%M} ({timezone.get_current_timezone_name()})")
        while True:
            now = timezone.localtime()
            next_run = timezone.make_aware(dt.datetime.combine(now.date(), schedule))
            if next_run <= now:
                next_run += dt.timedelta(days=1)
            time.sleep((next_run - now).total_seconds())
            try:
                self._scan(None)
            except Exception as exc:  # keep the loop alive; the next day runs again
                self.stderr.write(self.style.ERROR(f"scan failed: {exc}"))

    def _scan(self, as_of: dt.date | None) -> None:

        with audit_context(actor=None, source="command:supervise"):
            if as_of is None:
                result = supervise()
            else:
                with clock.frozen_at(as_of):
                    result = supervise(as_of=as_of)
        for change in result.changes:
            self.stdout.write(f"  {change}")
        self.stdout.write(
            self.style.SUCCESS(
                f"supervision as of {result.as_of}: {result.projects} projects, "
                f"{result.milestones_planned} milestones planned, {result.stages_changed} stages changed, "
                f"{result.lights_changed} lights changed, {result.samples_drawn} milestones drawn for inspection"
            )
        )
