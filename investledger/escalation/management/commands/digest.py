from django.core.management.base import BaseCommand

from investledger.core import clock
from investledger.escalation.management.commands.escalate import parse_day
from investledger.escalation.notifications import send_digests


class Command(BaseCommand):
    help = "E-mail each user one digest of what is due, overdue and escalated (once per day)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The digest's day (YYYY-MM-DD); default today.")

    def handle(self, *args, as_of=None, **options):
        day = parse_day(as_of) or clock.today()
        counts = send_digests(day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Digest for {day.isoformat()}: {counts['sent']} sent, {counts['skipped_already_sent']} already sent, "
                f"{counts['nothing_to_say']} with nothing due, {counts['failed']} failed."
            )
        )
        if counts["failed"]:
            self.stderr.write("Some digests could not be sent; see the log. Rerun to retry them.")
