import contextlib

from django.core.management.base import BaseCommand

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation.management.commands.escalate import parse_day
from investledger.leads.services_escalation import escalate_overdue_leads


class Command(BaseCommand):
    help = "Escalate every open lead whose response deadline has passed, one level per missed deadline (safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Run the scan as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        day = parse_day(as_of) or clock.today()
        with (
            clock.frozen_at(day) if as_of else contextlib.nullcontext(),
            audit_context(source="command:escalate_leads"),
        ):
            made = escalate_overdue_leads(day)
        for step in made:
            self.stdout.write(f"{step.lead.reference}: {step.from_level} → {step.to_level} ({step.reason})")
        self.stdout.write(self.style.SUCCESS(f"{len(made)} lead escalation(s) as of {day.isoformat()}."))
