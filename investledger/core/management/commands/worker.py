import io
import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from investledger.core.tasks import queue_daily_if_due

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 300


def _check_daily() -> None:
    try:
        queue_daily_if_due()
    except Exception:  # a database hiccup must not stop the worker; the next check tries again
        log.exception("could not check whether the day's scans are due")
    finally:
        connection.close()


def _sweep_imports() -> None:
    """Fail imports stuck in the background (`investledger sweep_imports`, intake's command, named as
    `daily` names the day's scans: core imports no app): their task failed or vanished, or their worker
    died. A running import of this worker makes progress, so it is left alone."""
    try:
        call_command("sweep_imports", stdout=io.StringIO())
    except Exception:  # as above: the next check tries again
        log.exception("could not sweep stuck imports")


def _daily_loop(stop: threading.Event) -> None:
    while not stop.is_set():
        _check_daily()
        _sweep_imports()
        connection.close()
        stop.wait(CHECK_EVERY_SECONDS)


class Command(BaseCommand):
    help = (
        "Run the background worker: it takes queued work (large imports, scans queued with --enqueue) from "
        "the database queue, and queues the day's scans (`investledger daily`) itself once a day, from "
        "INVESTLEDGER_DAILY_AT, when nobody ran them that day; every five minutes it fails imports stuck in the "
        "background (`investledger sweep_imports`). Run one next to the web server; `--batch` "
        "queues the day's scans if they are due, drains the queue and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")

    def handle(self, *args, batch=False, **options):
        extra = ["--batch", "--no-startup-delay"] if batch else []
        stop = threading.Event()
        if batch:
            queue_daily_if_due()
            _sweep_imports()
        else:
            threading.Thread(target=_daily_loop, args=(stop,), name="daily-scans", daemon=True).start()
        try:
            call_command("db_worker", *extra, "--no-reload", stdout=self.stdout, stderr=self.stderr)
        finally:
            stop.set()
