from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background worker: it takes queued work (large imports, scans queued with --enqueue) from "
        "the database queue. Run one next to the web server; `--batch` drains the queue and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")

    def handle(self, *args, batch=False, **options):
        extra = ["--batch", "--no-startup-delay"] if batch else []
        call_command("db_worker", *extra, "--no-reload", stdout=self.stdout, stderr=self.stderr)
