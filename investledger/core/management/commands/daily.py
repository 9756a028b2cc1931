from django.core.management import call_command
from django.core.management.base import BaseCommand

from investledger.core import clock
from investledger.core.models import DailyRun

# The day's scans in the order they depend on each other: lights first (they read milestones and
# reports), then escalation of overdue issues and leads, then each user's digest of what is due; last, the
# dashboard summary is rebuilt so the day's first pages are served from it. Before them all (for today
# only: it is about now, not a past day), imports stuck in the background are failed; the worker also
# sweeps them every few minutes.
DAILY = ("supervise", "escalate", "escalate_leads", "digest")


class Command(BaseCommand):
    help = (
        "Run the day's scans: fail imports stuck in the background, recompute supervision lights, escalate overdue issues, send the daily digest. "
        "Each is idempotent, so running twice a day changes nothing. The background worker runs them once a "
        "day by itself (from INVESTLEDGER_DAILY_AT, 01:15 by default) on a day nobody ran them; or schedule "
        "this command with cron: `15 1 * * * investledger daily`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Run as of this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, as_of=None, **options):
        run = None
        if not as_of:  # the record the worker reads: today's scans ran (a past day's run is no such record)
            run, _created = DailyRun.objects.get_or_create(day=clock.today())
            run.started_at, run.finished_at = clock.now(), None
            run.save(update_fields=["started_at", "finished_at"])
        if not as_of:
            self.stdout.write("» sweep_imports")
            call_command("sweep_imports", stdout=self.stdout, stderr=self.stderr)
        for name in DAILY:
            self.stdout.write(f"» {name}")
            call_command(name, *(["--as-of", as_of] if as_of else []), stdout=self.stdout, stderr=self.stderr)
        if not as_of:  # the summary holds today's figures only
            self.stdout.write("» refresh_dashboard_summary")
            call_command("refresh_dashboard_summary", "--if-stale", stdout=self.stdout, stderr=self.stderr)
        if run is not None:
            run.finished_at = clock.now()
            run.save(update_fields=["finished_at"])
