import contextlib
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation.services import escalate_overdue


def parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f'--as-of must be a date like 2026-03-02, not "{value}".') from exc


class Command(BaseCommand):
    help = "Escalate every open issue whose deadline has passed, one level per missed deadline (safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Run the scan as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        day = parse_day(as_of) or clock.today()
        with clock.frozen_at(day) if as_of else contextlib.nullcontext(), audit_context(source="command:escalate"):
            steps = escalate_overdue(day)
        for step in steps:
            self.stdout.write(
                f"{step.issue.reference}: {step.get_from_level_display()} → {step.get_to_level_display()} ({step.reason})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(steps)} escalation(s) as of {day.isoformat()}."))
