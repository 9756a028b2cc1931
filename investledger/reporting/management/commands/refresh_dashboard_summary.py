"""Rebuild the dashboard summary cells now (e.g. nightly from cron, right after midnight)."""

from django.core.management.base import BaseCommand

from investledger.reporting import summary


class Command(BaseCommand):
    help = "Rebuild the dashboard summary cells from the ledger as of today."

    def add_arguments(self, parser):
        parser.add_argument("--if-stale", action="store_true", help="do nothing when the cells are current")

    def handle(self, *args, if_stale=False, **options):
        if if_stale and summary.is_fresh():
            self.stdout.write("The dashboard summary is current.")
            return
        done = summary.refresh()
        self.stdout.write(
            f"Dashboard summary rebuilt as of {done['as_of']} (audit #{done['chain_tail']}): "
            f"{done['cells']} cells in {done['seconds']:.1f} s."
        )
