"""Signed checkpoints of the audit chain: its length and last entry, kept outside the database.

A keyed hash stops anyone without the audit key from rewriting entries, but not from cutting the
end of the chain and moving the chain head back: what is left still holds. A checkpoint is a
statement, signed with the audit key, of how long the chain was at a moment (entry count, last
entry's id and hash, time). Printed in the monthly report, downloaded by an administrator
(`/api/audit/checkpoint/`) or written by `investledger audit checkpoint`, it lives where a
database administrator cannot rewrite it; `investledger audit verify --checkpoint FILE` then
finds any entry up to it removed, even when the head row was moved along.

A checkpoint has two spellings that verify alike: JSON (the file and the API) and one line of
text (the report), which can be copied into a file as it is.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
from dataclasses import asdict, dataclass

from django.db.models import Count, Max
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from investledger.core import audit, audit_keys, clock
from investledger.core.models import AuditChainHead, AuditEntry

FORMAT = "investledger-audit-checkpoint-1"
LINE_PREFIX = "IL-AUDIT-CHECKPOINT-1"
# Fields are parted by any white space: a line copied from a PDF may come back broken in several.
_LINE = re.compile(
    LINE_PREFIX + r"\s+entries=(?P<entries>\d+)\s+last=#(?P<last_id>\d+)\s+hash=(?P<last_hash>[0-9a-f]{64})"
    r"\s+at=(?P<at>\S+)\s+key=(?P<key>[0-9a-f]{12})\s+sig=(?P<signature>[0-9a-f]{64})"
)


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or cannot be issued."""


@dataclass(frozen=True)
class Checkpoint:
    entries: int
    last_id: int
    last_hash: str
    at: str  # ISO 8601, UTC
    key: str  # the public id of the key that signed it
    signature: str = ""

    def payload(self) -> bytes:
        """The signed text: every field but the signature, in a fixed order."""
        return "|".join([FORMAT, str(self.entries), str(self.last_id), self.last_hash, self.at, self.key]).encode()

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2) + "\n"

    def as_line(self) -> str:
        return (
            f"{LINE_PREFIX} entries={self.entries} last=#{self.last_id} hash={self.last_hash} "
            f"at={self.at} key={self.key} sig={self.signature}"
        )

    def describe(self) -> str:
        return f"the checkpoint of {self.at} ({self.entries} entries up to #{self.last_id})"


def issue() -> Checkpoint:
    """A checkpoint of the chain as it is now, signed with the current key.

    Count and last id come from one statement, so they describe one state of the table. The last
    entry's own hash must hold: a checkpoint never vouches for an entry the key did not sign.
    """
    found = AuditEntry.objects.aggregate(entries=Count("id"), last_id=Max("id"))
    entries, last_id = found["entries"], found["last_id"] or 0
    last_hash = audit.GENESIS_HASH
    if last_id:
        last = AuditEntry.objects.get(pk=last_id)
        last_hash = last.hash
        if _entry_is_forged(last):
            raise CheckpointError(
                f"the last audit entry (#{last_id}) does not carry a valid hash; run `investledger audit verify`"
            )
    at = clock.now().astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    key = audit_keys.current()
    unsigned = Checkpoint(entries=entries, last_id=last_id, last_hash=last_hash, at=at, key=key.id)
    return Checkpoint(**{**asdict(unsigned), "signature": audit_keys.sign(unsigned.payload(), key)})


def report_line():
    """The line a report prints: a fresh checkpoint, or why there is none. Lazy: it is worded in the
    language active when it is shown (a report built for the page may be rendered as a Chinese PDF)."""
    try:
        line = issue().as_line()
    except CheckpointError:
        return _(
            "Audit trail checkpoint not issued: the last audit entry does not hold; run investledger audit verify."
        )
    return format_lazy(
        _("Audit trail checkpoint (check with investledger audit verify --checkpoint): {line}"), line=line
    )


def _entry_is_forged(entry: AuditEntry) -> bool:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and entry.pk <= head.plain_until:
        return audit.plain_hash(entry) != entry.hash
    return all(audit.compute_hash(entry, key=key) != entry.hash for key in audit_keys.keyring())


def parse(text: str) -> Checkpoint:
    """A checkpoint from its JSON or its line of text (found anywhere in `text`, e.g. a pasted report)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CheckpointError(f"the checkpoint is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CheckpointError(f"the file is not an audit checkpoint (format {FORMAT!r} expected)")
        try:
            return Checkpoint(
                entries=int(data["entries"]),
                last_id=int(data["last_id"]),
                last_hash=str(data["last_hash"]),
                at=str(data["at"]),
                key=str(data["key"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"the checkpoint lacks a field or has a wrong value: {exc}") from exc
    found = _LINE.search(text)
    if found is None:
        raise CheckpointError(f"no audit checkpoint found (JSON, or a line starting {LINE_PREFIX})")
    values = found.groupdict()
    return Checkpoint(
        entries=int(values["entries"]),
        last_id=int(values["last_id"]),
        last_hash=values["last_hash"],
        at=values["at"],
        key=values["key"],
        signature=values["signature"],
    )


def signature_holds(checkpoint: Checkpoint) -> bool:
    key = audit_keys.by_id(checkpoint.key)
    return key is not None and hmac.compare_digest(audit_keys.sign(checkpoint.payload(), key), checkpoint.signature)


def verify_against(checkpoint: Checkpoint) -> audit.VerifyResult:
    """The chain verified, and still holding every entry the checkpoint records."""
    if audit_keys.by_id(checkpoint.key) is None:
        return audit.VerifyResult(
            False,
            0,
            f"the checkpoint was signed with key {checkpoint.key}, which is not configured "
            "(list retired keys in INVESTLEDGER_AUDIT_OLD_KEYS)",
        )
    if not signature_holds(checkpoint):
        return audit.VerifyResult(False, 0, "the checkpoint's signature does not hold: the checkpoint was altered")
    result = audit.verify_chain()
    if not result.ok:
        return result
    if checkpoint.last_id == 0:
        return result
    stored = AuditEntry.objects.filter(pk=checkpoint.last_id).values_list("hash", flat=True).first()
    if stored is None:
        return audit.VerifyResult(
            False,
            result.checked,
            f"entry #{checkpoint.last_id}, the last one recorded by {checkpoint.describe()}, is missing: "
            f"entries were removed from the end of the chain (it now ends at #{result.last_id})",
            checkpoint.last_id,
        )
    if stored != checkpoint.last_hash:
        return audit.VerifyResult(
            False,
            result.checked,
            f"entry #{checkpoint.last_id} is not the entry recorded by {checkpoint.describe()}: "
            "the chain was rewritten from that entry or before it",
            checkpoint.last_id,
        )
    counted = AuditEntry.objects.filter(pk__lte=checkpoint.last_id).count()
    if counted != checkpoint.entries:
        return audit.VerifyResult(
            False,
            result.checked,
            f"{counted} entries lead to #{checkpoint.last_id}, but {checkpoint.describe()} records {checkpoint.entries}",
            checkpoint.last_id,
        )
    return result
