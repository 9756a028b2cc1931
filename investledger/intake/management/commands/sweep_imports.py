"""investledger sweep_imports: fail the imports stuck checking or writing, saying what happened."""

from django.core.management.base import BaseCommand

from investledger.intake import stale


class Command(BaseCommand):
    help = (
        "Fail the imports whose background task failed or disappeared, or that made no progress for "
        "INTAKE_STALE_AFTER seconds (their worker died), each with a message saying what happened, when, "
        "and that nothing was written; their users can then run them again. `investledger daily` runs it, "
        "and the worker every few minutes."
    )

    def handle(self, *args, **options):
        swept = stale.sweep()
        for batch in swept:
            self.stdout.write(f"import {batch.pk} {batch.file_name}: {batch.message}")
        self.stdout.write(f"{len(swept)} stuck imports failed")
