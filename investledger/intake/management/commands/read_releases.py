"""investledger read_releases PATH... --user NAME [--event NAME]: queue press releases for the review.

Each file (text, HTML, PDF, DOCX), and each such file directly in a folder given, is read as the
review page reads a release: a batch of its own in the user's area, waiting for the review; a
document read before is recognised by its content and not read again. One line per document.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from investledger.core.audit import audit_context
from investledger.intake.kinds import release_sets, releases
from investledger.intake.parsing import SheetError
from investledger.intake.values import normalise_key
from investledger.ledger.events.models import SigningEvent
from investledger.newsread import loaders


class Command(BaseCommand):
    help = "Read press releases (files, or the release files of folders) into the review queue of a user's area."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--user", required=True, help="the officer whose review queue (and area) they go to")
        parser.add_argument("--event", default="", help="signing event (name) of the releases' deals")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {options['user']!r}") from None
        event = None
        if options["event"]:
            key = normalise_key(options["event"])
            matches = [
                e for e in SigningEvent.objects.all() if key in (normalise_key(e.name), normalise_key(e.name_en))
            ]
            if len(matches) != 1:
                raise CommandError(f"signing event {options['event']!r} not found (or not unique)")
            event = matches[0]
        files: list[Path] = []
        for name in options["paths"]:
            path = Path(name)
            if path.is_dir():
                files.extend(
                    sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in release_sets.SUFFIXES)
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"no such file or folder: {path}")
        read = 0
        for path in files:
            try:
                if path.stat().st_size > loaders.MAX_BYTES:
                    raise SheetError(str(releases.MESSAGES["too_large"]))
                with audit_context(actor=user, source="command:read_releases"):
                    batch = releases.release_store(user=user, data=path.read_bytes(), file_name=path.name, event=event)
            except (SheetError, PermissionError) as exc:
                self.stdout.write(f"{path}: not read: {exc}")
                continue
            read += 1
            self.stdout.write(f"{path}: import #{batch.pk}, {batch.rows_total} deals proposed")
        self.stdout.write(f"{read} of {len(files)} releases are waiting for the review.")
