import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from investledger.core import checkpoints
from investledger.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` walks the hash chain and exits non-zero at the first broken entry; "
        "with --checkpoint FILE it also finds entries removed up to that checkpoint. `audit checkpoint` "
        "prints (or writes to --output) a checkpoint of the chain signed with the audit key."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="verify: a checkpoint file (JSON, or text holding a checkpoint line, e.g. copied from a report)",
        )
        parser.add_argument("--output", metavar="FILE", help="checkpoint: write the checkpoint (JSON) to FILE")
        parser.add_argument("--line", action="store_true", help="checkpoint: print the one-line form instead of JSON")

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            return self.checkpoint(options["output"], options["line"])
        checkpoint = None
        if options["checkpoint"]:
            try:
                checkpoint = checkpoints.parse(Path(options["checkpoint"]).read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"cannot read the checkpoint: {exc}") from exc
            except checkpoints.CheckpointError as exc:
                raise CommandError(f"{options['checkpoint']}: {exc}") from exc
        result = checkpoints.verify_against(checkpoint) if checkpoint else verify_chain()
        if result.ok:
            held = f"; holds {checkpoint.describe()}" if checkpoint else ""
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} entries verified{held}"))
            return
        self.stderr.write(
            self.style.ERROR(f"audit chain broken: {result.problem} ({result.checked} entries intact before it)")
        )
        sys.exit(1)

    def checkpoint(self, output, line):
        try:
            checkpoint = checkpoints.issue()
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        if output:
            Path(output).write_text(checkpoint.as_json(), encoding="utf-8")
            self.stdout.write(
                f"checkpoint of {checkpoint.entries} entries up to #{checkpoint.last_id} written to {output}"
            )
            return
        self.stdout.write(checkpoint.as_line() if line else checkpoint.as_json().rstrip())
