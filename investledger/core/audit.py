"""Recording and checking the audit trail.

Services call `record()` inside their transaction, so a change and its audit entry are written
together or not at all. Who and where come from `audit_context()`, which the request middleware
sets for pages, API and admin, and which commands and imports set themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from investledger.core import clock
from investledger.core.models import AuditEntry

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditContext:
    actor: object | None = None
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


def utc_iso(moment: dt.datetime) -> str:
    # The database hands timestamps back in UTC whatever zone they were written in (a frozen clock
    # gives local time), so the hash must cover one spelling of the instant, not the zone it came in.
    return moment.astimezone(dt.timezone.utc).isoformat()


def _canonical(entry: AuditEntry, content_type_key: str) -> bytes:
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


def compute_hash(entry: AuditEntry, content_type_key: str | None = None) -> str:
    if content_type_key is None:
        ct = ContentType.objects.get_for_id(entry.content_type_id)
        content_type_key = f"{ct.app_label}.{ct.model}"
    return hashlib.sha256(_canonical(entry, content_type_key)).hexdigest()


def _lock_chain_tail():
    """Serialise writers of the chain and return the hash of its last entry."""
    from investledger.core.models_chain import AuditChainHead

    # get_or_create survives two first writers racing to create the row (the loser's INSERT waits,
    # fails on the primary key and reads the winner's row); select_for_update then makes every
    # writer wait for the one before it to commit, so each reads the hash its predecessor wrote.
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH, "last_id": 0})
    return AuditChainHead.objects.select_for_update().get(pk=1)


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
    entries = [_build(obj, kind, before, after, message, ctx) for obj, kind, before, after, message in items]
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction that made the change")
    head = _lock_chain_tail()
    prev = head.last_hash
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
    return entries


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    entry_id: int | None = None


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Walk the chain from the start; report the first entry whose hash or link does not hold."""
    from investledger.core.models_chain import AuditChainHead

    cts = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
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
            if compute_hash(entry, cts.get(entry.content_type_id)) != entry.hash:
                return VerifyResult(False, checked, f"entry #{entry.pk} was altered after it was written", entry.pk)
            prev = entry.hash
            last_id = entry.pk
            checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    recorded_id, recorded_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
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
    return VerifyResult(True, checked)
