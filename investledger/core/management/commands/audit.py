import sys

from django.core.management.base import BaseCommand

from investledger.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` walks the hash chain and exits non-zero at the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} entries verified"))
            return
        self.stderr.write(
            self.style.ERROR(f"audit chain broken: {result.problem} ({result.checked} entries intact before it)")
        )
        sys.exit(1)
