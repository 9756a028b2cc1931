"""Recording and checking the audit trail.

Services call `record()` inside their transaction, so a change and its audit entry are written
together or not at all. Who and where come from `audit_context()`, which the request middleware
sets for pages, API and admin, and which commands and imports set themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from investledger.core import audit_keys, clock
from investledger.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None  # a user, a request's lazy user, or None
    source: str = ""


_context: ContextVar[AuditContext] = ContextVar("investledger_audit_context", default=AuditContext())


@contextlib.contextmanager
def audit_context(*, actor=None, source: str):
    token = _context.set(AuditContext(actor=actor, source=source))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> AuditContext:
    return _context.get()


# What keeps something derived from recorded changes current, in the transaction that made them.
# Each entry is a factory of collectors: `collector.add(changes)` takes (model, object id, before,
# after) tuples, `collector.apply(previous_tail, tail)` brings the derived data up to date; it runs
# after the entries are appended, under the chain's lock (so such updates follow one another in
# commit order). Reporting registers the dashboard's summary cells here (core knows no other app).
AFTER_RECORD: list = []

_collecting: ContextVar[dict | None] = ContextVar("investledger_audit_collecting", default=None)


@contextlib.contextmanager
def collected():
    """Within this block (inside one transaction), the AFTER_RECORD collectors apply once at its end
    for everything recorded in it, instead of after each write: an import of thousands of rows brings
    derived data up to date once. Nothing is applied when the block raises (the transaction rolls back)."""
    if _collecting.get() is not None:
        yield
        return
    pending: dict = {"collectors": None, "previous": None, "tail": None}
    token = _collecting.set(pending)
    try:
        yield
    finally:
        _collecting.reset(token)
    if pending["collectors"] is not None:
        for collector in pending["collectors"]:
            collector.apply(pending["previous"], pending["tail"])


def notify_recorded(changes: list[tuple], previous_tail: int, tail: int) -> None:
    """Hand what was just recorded to the AFTER_RECORD collectors (now, or at the end of `collected`)."""
    if not AFTER_RECORD:
        return
    pending = _collecting.get()
    if pending is None:
        for factory in AFTER_RECORD:
            collector = factory()
            collector.add(changes)
            collector.apply(previous_tail, tail)
        return
    if pending["collectors"] is None:
        pending["collectors"] = [factory() for factory in AFTER_RECORD]
        pending["previous"] = previous_tail
    for collector in pending["collectors"]:
        collector.add(changes)
    pending["tail"] = tail


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or None  # the stored file's name; its content is checked elsewhere
    return value


def _stored_form(field, value):
    """A Decimal as the database keeps it (Decimal("1") and Decimal("1.000000") are one rate): without
    this, an object read back from the database would differ from the one just set, and every save
    would record a change that is not one."""
    if isinstance(value, decimal.Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
        try:
            return value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        except decimal.InvalidOperation:
            return value
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's stored state as JSON-able values, to-many relations as sorted id lists.

    Models may list extra to-many fields to include in `audit_m2m`.
    """
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in ("created", "updated"):
            continue
        data[field.attname] = jsonable(_stored_form(field, field.value_from_object(obj)))
    if obj.pk is not None:
        for name in getattr(obj, "audit_m2m", ()):
            data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    before = before or {}
    after = after or {}
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def changes_of(entry: AuditEntry) -> dict:
    """The fields an entry changed, as {field: [before, after]}, whichever form it was stored in.

    A creation keeps its state once, in `snapshot`, and stores `changes` empty; read as changes it is
    every field with a value, as [None, value]. Creations written before that also list those pairs
    in `changes` themselves; both read the same.
    """
    if entry.kind == AuditEntry.Kind.CREATE and not entry.changes and entry.snapshot is not None:
        return diff(None, entry.snapshot)
    return entry.changes


def entries_since(obj: models.Model, version: int) -> list[AuditEntry]:
    """The entries that made the versions of `obj` after `version`, oldest first: what others saved
    since an edit was started (read to tell the editor what changed)."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).order_by("-id")[:100]
    return [e for e in reversed(entries) if ((e.snapshot or {}).get("version") or 0) > version]


def utc_iso(moment: dt.datetime) -> str:
    # The database hands timestamps back in UTC whatever zone they were written in (a frozen clock
    # gives local time), so the hash must cover one spelling of the instant, not the zone it came in.
    return moment.astimezone(dt.timezone.utc).isoformat()


def _canonical(entry: AuditEntry, content_type_key: str | None) -> bytes:
    payload = {
        "timestamp": utc_iso(entry.timestamp),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "source": entry.source,
        "content_type": content_type_key,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "kind": entry.kind,
        "message": entry.message,
        "changes": entry.changes,
        "snapshot": entry.snapshot,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _content_type_key(entry: AuditEntry) -> str:
    ct = ContentType.objects.get_for_id(entry.content_type_id)
    return f"{ct.app_label}.{ct.model}"


def compute_hash(entry: AuditEntry, content_type_key: str | None = None, key: audit_keys.Key | None = None) -> str:
    """The entry's keyed hash: HMAC-SHA256 of its canonical text with the audit key (the current one)."""
    canonical = _canonical(entry, content_type_key or _content_type_key(entry))
    return audit_keys.entry_hash(canonical, key)


def plain_hash(entry: AuditEntry, content_type_key: str | None = None) -> str:
    """The hash of entries written before the audit key (SHA-256 of the same text): anyone can recompute it."""
    return audit_keys.plain_hash(_canonical(entry, content_type_key or _content_type_key(entry)))


def lock_chain() -> AuditChainHead:
    """Lock the chain's tail until the transaction ends and return its row (the last entry's id and hash).

    The one lock every writer of audit entries takes (`record_many`, the bulk writer `core.bulk.AuditWriter`,
    an import's commit before it numbers project references), so entries chain in commit order.
    """
    # get_or_create survives two first writers racing to create the row (the loser's INSERT waits,
    # fails on the primary key and reads the winner's row); select_for_update then makes every
    # writer wait for the one before it to commit, so each reads the hash its predecessor wrote.
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH, "last_id": 0})
    return AuditChainHead.objects.select_for_update().get(pk=1)


def chain_tail_id() -> int:
    """The id of the chain's last entry (0 before any), read without the lock: it changes with every
    recorded change, so caches of ledger figures are keyed on it."""
    return AuditChainHead.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0


def _build(obj, kind, before, after, message, ctx: AuditContext) -> AuditEntry:
    actor = ctx.actor.resolve() if hasattr(ctx.actor, "resolve") else ctx.actor
    actor = actor if getattr(actor, "pk", None) else None
    return AuditEntry(
        timestamp=clock.now(),
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        source=ctx.source or "unknown",
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        kind=kind,
        message=message[:500],
        # A creation's state is the snapshot: repeating it as [None, value] pairs would store it twice.
        changes={} if kind == AuditEntry.Kind.CREATE else diff(before, after),
        snapshot=after,
    )


def record(
    obj: models.Model,
    kind: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
) -> AuditEntry | None:
    """Append one audit entry for `obj`. Call inside the transaction that changed it.

    `before` is the snapshot taken before the change (None on create); `after` defaults to the
    object's current snapshot (None on delete). The entry stores `after` as its snapshot and each
    changed field as [before, after], except a creation, whose changes are left empty (read them with
    `changes_of`). An update that changed nothing records nothing.
    """
    if kind != AuditEntry.Kind.DELETE and after is None:
        after = snapshot(obj)
    if kind == AuditEntry.Kind.UPDATE and not diff(before, after) and not message:
        return None
    return record_many([(obj, kind, before, after, message)])[0]


def record_many(items: Iterable[tuple]) -> list[AuditEntry]:
    """Append many entries at once, chained in order: (obj, kind, before, after, message) tuples."""
    ctx = current_context()
    items_list = list(items)
    entries = [_build(obj, kind, before, after, message, ctx) for obj, kind, before, after, message in items_list]
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction that made the change")
    head = lock_chain()
    prev = head.last_hash
    previous_tail = head.last_id
    # Stamped under the lock, so time never runs backwards along the chain (as-of reads rely on it).
    stamped = clock.now()
    for entry in entries:
        entry.timestamp = stamped
        entry.prev_hash = prev
        ct = entry.content_type
        entry.hash = compute_hash(entry, f"{ct.app_label}.{ct.model}")
        prev = entry.hash
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    head.last_hash = prev
    head.last_id = AuditEntry.objects.filter(hash=prev).values_list("id", flat=True).get()
    head.save(update_fields=["last_hash", "last_id"])
    notify_recorded(
        [(obj.__class__, str(obj.pk), before, after) for obj, _kind, before, after, _message in items_list],
        previous_tail,
        head.last_id,
    )
    return entries


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    entry_id: int | None = None
    last_id: int = 0  # the last entry of the chain, when it holds
    last_hash: str = GENESIS_HASH


ANCHOR_CONTENT_TYPE = "core.auditchainhead"


def _is_anchor(entry: AuditEntry, content_type_key: str | None, plain_until: int) -> bool:
    """Whether `entry` is the keyed entry that closes the entries written before the key at `plain_until`."""
    return (
        entry.kind == AuditEntry.Kind.ACTION
        and content_type_key == ANCHOR_CONTENT_TYPE
        and isinstance(entry.snapshot, dict)
        and entry.snapshot.get("plain_until") == plain_until
    )


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain from the start; report the first entry whose hash or link does not hold.

    Entries up to the chain head's `plain_until` were written before the audit key and carry a plain
    SHA-256; every later entry must carry a keyed hash, and the first of them must be the keyed anchor
    that names that boundary (so the boundary cannot be moved without the key). Along the chain the
    keys may only get newer (a rotation); an entry signed with a retired key after a newer one is not
    accepted.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    recorded_id, recorded_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
    plain_until = head.plain_until if head else 0
    hashers = [audit_keys.entry_hasher(key) for key in audit_keys.keyring()]
    newest_allowed = len(hashers) - 1  # index in `keys` of the oldest key the next entry may use
    cts = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    anchored = plain_until == 0
    qs = AuditEntry.objects.order_by("id")
    while True:
        batch = list(qs.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.prev_hash != prev:
                return VerifyResult(
                    False,
                    checked,
                    f"entry #{entry.pk} does not follow the entry before it: an entry was removed, "
                    f"inserted or reordered just before #{entry.pk}",
                    entry.pk,
                )
            ct_key = cts.get(entry.content_type_id)
            canonical = _canonical(entry, ct_key)
            if entry.pk <= plain_until:
                holds = audit_keys.plain_hash(canonical) == entry.hash
            else:
                used = next(
                    (i for i in range(newest_allowed + 1) if hashers[i](canonical) == entry.hash),
                    None,
                )
                holds = used is not None
                if used is not None:
                    newest_allowed = used
            if not holds:
                return VerifyResult(False, checked, f"entry #{entry.pk} was altered after it was written", entry.pk)
            if not anchored and entry.pk > plain_until:
                if not _is_anchor(entry, ct_key, plain_until):
                    return VerifyResult(
                        False,
                        checked,
                        f"entry #{entry.pk} is not the keyed entry that must follow the entries written before "
                        f"the audit key (up to #{plain_until}): the recorded boundary was moved",
                        entry.pk,
                    )
                anchored = True
            prev = entry.hash
            last_id = entry.pk
            checked += 1
    if not anchored and last_id:
        return VerifyResult(
            False,
            checked,
            f"no keyed entry follows the entries written before the audit key (up to #{plain_until}): "
            "the boundary was moved or the entries after it were removed",
            last_id,
        )
    if recorded_hash != prev or recorded_id != last_id:
        tail_intact = recorded_id == 0 or AuditEntry.objects.filter(id=recorded_id, hash=recorded_hash).exists()
        if last_id > recorded_id and tail_intact:
            first_extra = AuditEntry.objects.filter(id__gt=recorded_id).order_by("id").values_list("id", flat=True)[0]
            return VerifyResult(
                False,
                checked,
                f"entry #{first_extra} lies after the recorded end of the chain (#{recorded_id}): "
                "it was added outside the application",
                first_extra,
            )
        return VerifyResult(
            False,
            checked,
            f"the chain ends at #{last_id} but the recorded tail is #{recorded_id}: entries were removed from the end",
            recorded_id,
        )
    return VerifyResult(True, checked, last_id=last_id, last_hash=prev)


def anchor_plain_entries(*, entry_model=AuditEntry, head_model=None, content_type_model=ContentType) -> int | None:
    """Close the entries written before the audit key: record their boundary on the chain head and append
    the keyed anchor entry that names it. Returns the boundary, or None when there was nothing to close.

    Run once, by migration core 0007; the models may be a migration's historical ones.
    """
    if head_model is None:
        head_model = AuditChainHead
    head = head_model.objects.select_for_update().filter(pk=1).first()
    if head is None or head.last_id == 0 or head.plain_until:
        return None
    ct, _created = content_type_model.objects.get_or_create(app_label="core", model="auditchainhead")
    key = audit_keys.current()
    anchor = entry_model(
        timestamp=clock.now(),
        actor_name="system",
        source="command:migrate",
        content_type_id=ct.pk,
        object_id="1",
        object_repr="audit chain",
        kind=AuditEntry.Kind.ACTION,
        message=f"Entries up to #{head.last_id} were hashed before the audit key; every later entry is keyed.",
        changes={},
        snapshot={"plain_until": head.last_id, "plain_last_hash": head.last_hash, "key": key.id},
        prev_hash=head.last_hash,
    )
    anchor.hash = audit_keys.entry_hash(_canonical(anchor, ANCHOR_CONTENT_TYPE), key)
    anchor.save()
    head.plain_until = head.last_id
    head.last_id, head.last_hash = anchor.pk, anchor.hash
    head.save(update_fields=["plain_until", "last_id", "last_hash"])
    return head.plain_until
