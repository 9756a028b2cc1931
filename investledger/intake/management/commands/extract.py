"""investledger extract FILE...: read investment press releases into proposals (no database needed)."""

from django.core.management.base import BaseCommand, CommandError

from investledger.intake.fields import SIGNING_COLUMNS
from investledger.newsread import cli


class Command(BaseCommand):
    help = (
        "Read press releases (text, HTML, PDF, DOCX; English or Chinese) and print one proposal per "
        "document: JSON lines (the schema of docs/newsread.md), or the deals as a signing-list CSV."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--format",
            choices=cli.FORMATS,
            default="json",
            help="json: one proposal a line; signings-csv: the deals in the signing-list template's columns.",
        )
        parser.add_argument(
            "--text", action="store_true", help="Include each document's text (the spans index into it)."
        )

    def handle(self, *args, **options):
        columns = [(c.name, c.header) for c in SIGNING_COLUMNS]
        status = cli.run(
            options["files"], self.stdout, fmt=options["format"], columns=columns, include_text=options["text"]
        )
        if status:
            raise CommandError("Some documents could not be read (see above).", returncode=status)
