"""investledger import FILE --kind signings [--source NAME] [--event NAME] [--commit] [--duplicates same|new]

Checks a sheet exactly as the import page does and prints every error and warning by row and
column. With --commit, writes all rows in one transaction (or none). Progress goes to stderr.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from investledger.core.audit import audit_context
from investledger.intake import kinds, services
from investledger.intake.fields import Kind
from investledger.intake.kinds import columns_for
from investledger.intake.models import ImportBatch
from investledger.intake.parsing import SheetError
from investledger.intake.values import normalise_key
from investledger.ledger.events.models import SigningEvent


class Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.last = 0.0

    def __call__(self, info: dict) -> None:
        now = time.monotonic()
        done = info.get("validated", info.get("written", 0))
        total = max(info.get("total") or 1, 1)
        if now - self.last < (0.2 if self.tty else 2.0) and done < total:
            return
        self.last = now
        width = 30
        filled = int(width * min(done, total) / total)
        bar = "#" * filled + "-" * (width - filled)
        line = f"{info['phase']:>10} [{bar}] {done:,}/{total:,} rows"
        if self.tty:
            self.stream.write("\r" + line)
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Check (and with --commit, import) a signing list (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=list(kinds.KINDS), default=Kind.SIGNINGS)
        parser.add_argument(
            "--source", default="", help="who sends the sheet; a confirmed mapping is remembered per source"
        )
        parser.add_argument("--event", default="", help="signing event (name) for rows that name none")
        parser.add_argument("--user", default="", help="import as this user (default: the first administrator)")
        parser.add_argument("--commit", action="store_true", help="write to the ledger (otherwise only check)")
        parser.add_argument(
            "--duplicates",
            choices=["same", "new"],
            help="decision for every likely duplicate: 'same' records a re-signing, 'new' creates a project",
        )
        parser.add_argument(
            "--confirm-funds",
            action="store_true",
            help="progress sheets: confirm every row whose funds in place exceed investment completed",
        )
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD", help="fix a column mapping")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = self._user(options["user"])
        event = None
        if options["event"]:
            key = normalise_key(options["event"])
            matches = [
                e for e in SigningEvent.objects.all() if key in (normalise_key(e.name), normalise_key(e.name_en))
            ]
            if len(matches) != 1:
                raise CommandError(f"signing event {options['event']!r} not found (or not unique)")
            event = matches[0]
        report = Progress(self.stderr._out)
        with audit_context(actor=user, source="command:import"), open(path, "rb") as fh:
            try:
                batch = services.batch_create(
                    user=user,
                    uploaded=fh,
                    file_name=path.name,
                    kind=options["kind"],
                    source=options["source"],
                    event=event,
                )
            except (SheetError, PermissionError) as exc:
                raise CommandError(str(exc)) from None
            mapping = dict(batch.mapping)
            fields = {c.name for c in columns_for(batch.kind)}
            for item in options["map"]:
                header, _sep, field = item.partition("=")
                if field and field not in fields:
                    raise CommandError(f"unknown field {field!r}; fields: {', '.join(sorted(fields))}")
                indexes = [str(i) for i, h in enumerate(batch.headers) if h.strip() == header.strip()]
                if not indexes:
                    raise CommandError(f"no column {header!r} in the file")
                mapping = {k: v for k, v in mapping.items() if v != field}
                mapping[indexes[0]] = field
            self.stdout.write(f"import #{batch.pk}: header in row {batch.header_row}, {batch.rows_total:,} rows")
            for index, header in enumerate(batch.headers):
                field = mapping.get(str(index), "")
                sure = batch.suggested.get(str(index), {}).get("score", 100 if field else 0)
                note = "" if not field or sure >= 90 or options["map"] else "  (guessed: check it)"
                self.stdout.write(f"  {header or '(no header)'} -> {field or '(not imported)'}{note}")
            try:
                services.batch_confirm_mapping(batch=batch, mapping=mapping, user=user)
            except services.ImportRefused as exc:
                raise CommandError(f"{exc} Use --map 'HEADER=FIELD'.") from None
            batch = services.batch_validate(batch, report=report)
            if batch.status == ImportBatch.Status.FAILED:
                raise CommandError(batch.message)
            self._print_problems(batch)
            if options["duplicates"]:
                services.batch_resolve_all(batch=batch, decision=options["duplicates"])
            if options["confirm_funds"]:
                services.batch_confirm(batch=batch)
            self.stdout.write(
                f"{batch.rows_validated:,} rows: {batch.new_count:,} new, {batch.existing_count:,} already in the "
                f"ledger, {batch.error_count:,} errors, {batch.warning_count:,} warnings"
            )
            if not options["commit"]:
                self.stdout.write("checked only: nothing written (use --commit to import)")
                return
            try:
                started = time.monotonic()
                batch = services.batch_commit(batch=batch, user=user, report=report)
            except services.ImportRefused as exc:
                raise CommandError(f"{exc} Nothing was written.") from None
            done = kinds.get(batch.kind).committed(f"{batch.new_count:,}", f"{batch.existing_count:,}")
            self.stdout.write(
                self.style.SUCCESS(f"committed import #{batch.pk} in {time.monotonic() - started:.1f}s. {done}")
            )

    def _print_problems(self, batch, limit: int = 200):
        shown = 0
        for row in batch.rows.exclude(errors=[], warnings=[]).order_by("number").iterator():
            for kind, items in (("error", row.errors), ("warning", row.warnings)):
                for item in items:
                    if shown < limit:
                        self.stdout.write(f"{kind}: row {row.number}, column {item['column']}: {item['message']}")
                    shown += 1
        if shown > limit:
            self.stdout.write(f"... and {shown - limit:,} more")

    def _user(self, username: str):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"no user {username!r}") from None
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            user = User.objects.filter(role_assignments__role="admin", is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no administrator to import as: pass --user USERNAME")
        return user
