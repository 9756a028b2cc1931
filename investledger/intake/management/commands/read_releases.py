"""investledger read_releases PATH... --user NAME [--event NAME]: queue press releases for the review.

Each file (text, HTML, PDF, DOCX), and each such file directly in a folder given, is read as the
review page reads a release (each item of a news feed, RSS or Atom .xml, as a release of its own): a batch of its own in the user's area, waiting for the review; a
document read before is recognised by its content and not read again. One line per document.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from investledger.core.audit import audit_context
from investledger.intake.kinds import feeds, release_sets, releases
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
                    sorted(
                        p
                        for p in path.iterdir()
                        if p.is_file() and p.suffix.lower() in release_sets.SUFFIXES + feeds.SUFFIXES
                    )
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"no such file or folder: {path}")
        documents: list[tuple[str, bytes | None, str, str]] = []  # (shown as, data, file name, refusal)
        for path in files:
            if feeds.is_feed(path.name):
                documents.extend(self._feed(path))
            elif path.stat().st_size > loaders.MAX_BYTES:
                documents.append((str(path), None, path.name, str(releases.MESSAGES["too_large"])))
            else:
                documents.append((str(path), path.read_bytes(), path.name, ""))
        read = 0
        for shown, data, file_name, refusal in documents:
            try:
                if data is None:
                    raise SheetError(refusal)
                with audit_context(actor=user, source="command:read_releases"):
                    batch = releases.release_store(user=user, data=data, file_name=file_name, event=event)
            except (SheetError, PermissionError) as exc:
                self.stdout.write(f"{shown}: not read: {exc}")
                continue
            read += 1
            self.stdout.write(f"{shown}: import #{batch.pk}, {batch.rows_total} deals proposed")
        self.stdout.write(f"{read} of {len(documents)} releases are waiting for the review.")

    def _feed(self, path: Path) -> list[tuple[str, bytes | None, str, str]]:
        """The items of a feed file as documents; a feed that cannot be read safely gives none."""
        if path.stat().st_size > settings.INTAKE_MAX_FILE_BYTES:
            self.stdout.write(f"{path}: not read: larger than {settings.INTAKE_MAX_FILE_BYTES >> 20} MB")
            return []
        try:
            found = feeds.items(path.read_bytes(), path.name, release_sets.MAX_DOCUMENTS)
        except SheetError as exc:
            self.stdout.write(f"{path}: not read: {exc}")
            return []
        result: list[tuple[str, bytes | None, str, str]] = []
        for number, item in enumerate(found, start=1):
            shown = f"{path} #{number} {item.link or item.title}"
            text = feeds.document(item)
            refusal = str(releases.MESSAGES["too_large"]) if len(text) > loaders.MAX_BYTES else ""
            result.append((shown, None if refusal else text, feeds.file_name(item, number), refusal))
        return result
