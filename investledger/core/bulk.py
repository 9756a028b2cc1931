"""Writing many rows of ledger tables at once, without a Django model instance per row.

An import of 100,000 rows writes about half a million rows (preview rows, projects, signings,
investors, audit entries). `bulk_create` spends most of that time building model instances and, on
PostgreSQL with client-side binding, escaping JSON inside array literals in Python. Here rows are
plain tuples: ids are reserved first (so projects, signings and audit entries can refer to each
other), then the rows go in with COPY on PostgreSQL and one `executemany` on SQLite.

Audit entries written here are the same entries `core.audit.record_many` writes: same fields, the
same keyed hash (`audit.compute_hash`, HMAC-SHA256 with the audit key), chained after the chain's tail under its lock (`audit.lock_chain`), and the tail moved
on at the end. `audit verify` checks them like any other.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import orjson
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import NOT_PROVIDED
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from investledger.core import audit, audit_keys, clock
from investledger.core.models import AuditEntry

COPY_ROWS = 5000


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, increasing, never handed out again."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if is_postgres():
            # The sequence is looked up once (a subquery), not for every id (docs/benchmarks.md, Import).
            cursor.execute(
                "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: tables have AUTOINCREMENT; the transaction holds the write lock from its first write,
        # so nobody else takes ids until it ends. Move the table's sequence on, as an INSERT would.
        cursor.execute(f'SELECT coalesce(max("{pk}"), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        ids = list(range(start, start + count))
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [ids[-1], table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, ids[-1]])
        return ids


def _column(model: type[models.Model], name: str) -> str:
    """The database column of a concrete field."""
    column = model._meta.get_field(name).column  # type: ignore[union-attr]  # a concrete field, not a relation's reverse
    assert column is not None
    return column


def ids_by(model: type[models.Model], field: str, values: Iterable[str]) -> dict[str, int]:
    """{value: primary key} of the rows of `model` whose text `field` is one of `values` (exact match).

    On PostgreSQL the values go as one array parameter (`= ANY(%s)`): an `__in` filter spends most of
    its time building and binding one placeholder per value (docs/benchmarks.md, Import).
    """
    values = list(values)
    if not values:
        return {}
    if not is_postgres():
        found: dict[str, int] = {}
        for start in range(0, len(values), 10_000):  # within SQLite's limit of bound parameters
            part = values[start : start + 10_000]
            found.update(model._default_manager.filter(**{f"{field}__in": part}).values_list(field, "pk"))
        return found
    qn = connection.ops.quote_name
    column = qn(_column(model, field))
    pk_column = _column(model, model._meta.pk.name) if model._meta.pk is not None else "id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, {qn(pk_column)} FROM {qn(str(model._meta.db_table))} WHERE {column} = ANY(%s)",
            [values],
        )
        return dict(cursor.fetchall())


def _calling(function: Callable[[], None]) -> Iterator[tuple]:
    """No rows; calls `function` when a writer asks it for its first, i.e. after the rows before it."""
    function()
    yield from ()


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _json_positions(model: type[models.Model], columns: Sequence[str]) -> list[int]:
    json_columns = {f.column for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}
    return [i for i, column in enumerate(columns) if column in json_columns]


def _json_as_text(rows: Iterable[Sequence], positions: list[int]) -> Iterator[Sequence]:
    """Rows whose JSON given as UTF-8 bytes is turned into text, for writers that take text."""
    for row in rows:
        if any(row[i].__class__ is bytes for i in positions):
            row = list(row)
            for i in positions:
                if row[i].__class__ is bytes:
                    row[i] = row[i].decode()
        yield row


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (tuples in the order of `columns`, database column names). Returns the count.

    Values are Python values as the database driver takes them; JSON columns take JSON text (str,
    or UTF-8 bytes).
    """
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    json_columns = _json_positions(model, columns)
    types = _binary_types(model, columns) if is_postgres() else None
    if json_columns and types is None:
        rows = _json_as_text(rows, json_columns)  # text COPY and SQLite take JSON as text
    with connection.cursor() as cursor:
        if is_postgres():
            # The queued writer sends the data from a thread of its own: rows are prepared here while
            # earlier ones are on their way to the database.
            raw = cursor.cursor
            statement = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            if types is None:
                with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            # Binary COPY: values go as the server stores them, nothing is escaped here or parsed
            # there. A JSON column takes its text behind jsonb's binary version byte.
            with raw.copy(f"{statement} (FORMAT BINARY)", writer=QueuedLibpqWriter(raw)) as copy:
                copy.set_types(["bytea" if name == _JSONB else name for name in types])
                for row in rows:
                    if json_columns:
                        row = list(row)
                        for i in json_columns:
                            value = row[i]
                            if value is not None:
                                row[i] = b"\x01" + (value if value.__class__ is bytes else value.encode())
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append([_sqlite_value(v) for v in row])
            if len(batch) >= COPY_ROWS:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


_JSONB = "jsonb"
# The column types a binary COPY is written with, by the column's type in the database.
_BINARY_TYPES = {
    "bigint": "int8",
    "bigserial": "int8",
    "integer": "int4",
    "serial": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "numeric": "numeric",
    "varchar": "text",
    "text": "text",
    "jsonb": _JSONB,
    "uuid": "uuid",
}
_binary_types_cache: dict[tuple, list[str] | None] = {}


def _binary_types(model: type[models.Model], columns: Sequence[str]) -> list[str] | None:
    """The binary COPY type of each column, or None when a column has a type not listed here."""
    key = (model, tuple(columns))
    if key not in _binary_types_cache:
        by_column = {f.column: f for f in model._meta.concrete_fields}
        types: list[str | None] = []
        for column in columns:
            db_type = (by_column[column].db_type(connection) or "").split("(")[0].strip()
            types.append(_BINARY_TYPES.get(db_type))
        _binary_types_cache[key] = None if None in types else [t for t in types if t is not None]
    return _binary_types_cache[key]


class Table:
    """The columns of a model and the defaults of those a caller does not give."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = True):
        """`with_pk=False`: leave the primary key to the table (rows nothing else refers to)."""
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns: list[str] = [f.column for f in self.fields]  # type: ignore[misc]  # a concrete field has a column
        self.names = [f.attname for f in self.fields]
        self.defaults: dict[str, Any] = {}
        self.per_row: dict[str, Callable[[], Any]] = {}
        now = timezone.now()  # real time: what auto_now and auto_now_add would write
        for f in self.fields:
            if f.primary_key:
                self.defaults[f.attname] = None  # reserved by the caller, or the table's own
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.default is not NOT_PROVIDED:
                self.defaults[f.attname] = f.get_default()
                if callable(f.default) and f.default not in (dict, list):
                    self.per_row[f.attname] = f.get_default  # a fresh value for each row (uuid4, now...)
            elif f.null:
                self.defaults[f.attname] = None
            elif f.empty_strings_allowed and f.blank:
                self.defaults[f.attname] = ""
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        self._json_positions = [i for i, name in enumerate(self.names) if name in self.json]
        self._get = operator.itemgetter(*self.names)
        # For snapshots: the places each decimal column keeps, and the columns that are dates.
        self._places = {
            f.attname: decimal.Decimal(1).scaleb(-f.decimal_places)
            for f in self.fields
            if isinstance(f, models.DecimalField)
        }
        self._snapshot_names = [name for name in self.names if name not in ("created", "updated")]
        # Per snapshot column: how its value is written (None: as it is), in the snapshot's key order.
        self._snapshot_steps = [(name, self._snapshot_step(name)) for name in sorted(self._snapshot_names)]

    def _snapshot_step(self, name: str):
        field = next(f for f in self.fields if f.attname == name)
        if isinstance(field, models.DecimalField):
            places = self._places[name]

            def decimal_text(value):
                if value.__class__ is decimal.Decimal:
                    if value.is_finite():
                        try:
                            value = value.quantize(places)
                        except decimal.InvalidOperation:
                            pass
                    return str(value)
                return _plain_or_text(value)

            return decimal_text
        if isinstance(field, (models.DateField, models.DateTimeField)):
            return lambda value: value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
        if isinstance(field, (models.CharField, models.TextField, models.IntegerField, models.BooleanField)):
            return None
        return _plain_or_text

    def complete(self, values: dict) -> dict:
        """`values` with every other column at its default (KeyError for a column with none)."""
        full = {**self.defaults, **values}
        for name, make in self.per_row.items():
            if name not in values:
                full[name] = make()
        if len(full) != len(self.names):
            missing = [name for name in self.names if name not in full]
            if missing:
                raise KeyError(missing[0])
        return full

    def row(self, full: dict) -> tuple:
        out = self._get(full)
        if self._json_positions:
            out = list(out)
            for i in self._json_positions:
                value = out[i]
                if value is None:
                    continue
                if not value and value.__class__ in _EMPTY_JSON:
                    out[i] = _EMPTY_JSON[value.__class__]  # most rows: no errors, no warnings
                else:
                    out[i] = json.dumps(value, ensure_ascii=False)
        return tuple(out)

    def snapshot(self, full: dict) -> dict:
        """What `core.audit.snapshot` gives for the row once saved (to-many fields are the caller's).

        Keys come in sorted order, as the audit's canonical JSON has them.
        """
        data = {}
        for name, step in self._snapshot_steps:
            value = full[name]
            data[name] = value if step is None or value is None else step(value)
        return data


def _plain_or_text(value):
    """A value of a column without its own step, by the audit's rules (JSON values as they are)."""
    return value if value.__class__ in _PLAIN else audit.jsonable(value)


_PLAIN = {str, int, bool, float}
_EMPTY_JSON = {list: "[]", dict: "{}"}

_canonical_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
_encode_string = json.encoder.encode_basestring  # a str as JSON, ensure_ascii=False
_EMPTY_CHANGES = _canonical_json({})  # a creation's changes: its state is the snapshot


def _canonical_bytes(data: dict) -> bytes:
    """`data` in the canonical form `core.audit` hashes (sorted keys, no spaces, UTF-8), as bytes.

    orjson writes the same text as the standard encoder for what snapshots hold (text, whole
    numbers, booleans, null, lists and objects of them) several times faster (docs/benchmarks.md); a
    float, which the two spell differently, goes to the standard encoder. The tests recompute every hash with it.
    """
    for value in data.values():
        if value.__class__ is float:
            return _canonical_json(data).encode()
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _string_bytes(text: str) -> bytes:
    return orjson.dumps(text)


def _encode_value(value) -> str:
    return "null" if value is None else _canonical_json(value)


_ENTRY_COLUMNS = (
    "timestamp",
    "actor_id",
    "actor_name",
    "source",
    "content_type_id",
    "object_id",
    "object_repr",
    "kind",
    "message",
    "changes",
    "snapshot",
    "prev_hash",
    "hash",
)


class AuditWriter:
    """Audit entries for created objects, appended to the chain in the order they are added.

    Call `add(...)` for each object, then `flush()` inside the same transaction as the objects'
    insert. The chain's tail stays locked until the transaction ends. Each entry is encoded and
    hashed while the entries stream to the database, so the database stores one entry while the
    next is being prepared.
    """

    def __init__(self):
        context = audit.current_context()
        actor = context.actor.resolve() if hasattr(context.actor, "resolve") else context.actor
        actor = actor if getattr(actor, "pk", None) else None
        self.actor_id = actor.pk if actor else None
        self.actor_name = actor.get_username() if actor else "system"
        self.source = context.source or "unknown"
        # (content type id, content type key, object id, repr, snapshot, message) per entry
        self.pending: list[tuple[int, str, str, str, dict, str]] = []
        self.table = Table(AuditEntry)
        self.content_types: dict[type, tuple[int, str]] = {}

    def prepare(self, *models_: type[models.Model]) -> None:
        """Look up the content types of these models now: `add` may then run while a COPY streams,
        when the connection can run no other query."""
        for model in models_:
            if model not in self.content_types:
                found = ContentType.objects.get_for_model(model)
                self.content_types[model] = (found.pk, f"{found.app_label}.{found.model}")

    def add(self, model: type[models.Model], pk, repr_text: str, snapshot: dict, message: str) -> None:
        ct = self.content_types.get(model)
        if ct is None:
            self.prepare(model)
            ct = self.content_types[model]
        self.pending.append((ct[0], ct[1], str(pk), repr_text[:300], snapshot, message[:500]))

    def flush(self, then: Callable[[], None] | None = None) -> int:
        """Write the pending entries. `then` runs once the last entry is handed to the database, while
        the database is still taking them (it must run no query): a caller's next piece of work
        overlaps the database's instead of following it. Not called when nothing is pending."""
        if not self.pending:
            return 0
        if not connection.in_atomic_block:
            raise RuntimeError("audit entries must be written inside the transaction that made the change")
        head_row = audit.lock_chain()
        previous_tail = head_row.last_id
        stamped = clock.now()
        # `audit.compute_hash` is HMAC-SHA256, keyed with the audit key, over json.dumps(payload,
        # sort_keys=True, ensure_ascii=False, separators=(",", ":")). The payload's keys in sorted order are fixed, so the text is put
        # together from pieces; `audit.verify_chain()` in the tests recomputes every hash.
        # As `audit.record` stores a creation: empty changes, the state in the snapshot, whose
        # canonical text is both hashed and stored.
        head = (
            f'{{"actor":{_encode_value(self.actor_id)},"actor_name":{_encode_string(self.actor_name)},"changes":'
            f'{_EMPTY_CHANGES},"content_type":'
        ).encode()
        kind = AuditEntry.Kind.CREATE.value
        kind_part = (',"kind":' + _encode_string(kind) + ',"message":').encode()
        tail = (
            ',"source":' + _encode_string(self.source) + ',"timestamp":' + _encode_string(audit.utc_iso(stamped)) + "}"
        ).encode()
        ct_parts: dict[str, bytes] = {}
        hash_entry = audit_keys.entry_hasher()
        last = [head_row.last_hash]
        columns = [_column(AuditEntry, name) for name in _ENTRY_COLUMNS]
        assert {"id", *columns} == set(self.table.columns), "AuditEntry has columns this writer does not fill"
        # On PostgreSQL the table numbers the entries as they arrive (no `nextval` per entry first):
        # nobody else writes entries while the chain's tail is locked, so their ids follow the chain.
        # SQLite takes given ids faster than it numbers rows itself (AUTOINCREMENT updates its
        # sequence row per insert), and reserving them there is one statement.
        ids = None if is_postgres() else reserve_ids(AuditEntry, len(self.pending))
        if ids is not None:
            columns = ["id", *columns]

        def rows():
            prev = last[0]
            numbers = iter(ids) if ids is not None else None
            for ct_id, ct_key, object_id, object_repr, snapshot, message in self.pending:
                ct_part = ct_parts.get(ct_key)
                if ct_part is None:
                    ct_part = ct_parts[ct_key] = _encode_string(ct_key).encode()
                snapshot_json = _canonical_bytes(snapshot)
                canonical = b"".join(
                    (
                        head,
                        ct_part,
                        kind_part,
                        _string_bytes(message),
                        b',"object_id":',
                        _string_bytes(object_id),
                        b',"object_repr":',
                        _string_bytes(object_repr),
                        b',"prev_hash":"',
                        prev.encode(),
                        b'","snapshot":',
                        snapshot_json,
                        tail,
                    )
                )
                digest = hash_entry(canonical)
                entry = (
                    stamped,
                    self.actor_id,
                    self.actor_name,
                    self.source,
                    ct_id,
                    object_id,
                    object_repr,
                    kind,
                    message,
                    _EMPTY_CHANGES,
                    snapshot_json,
                    prev,
                    digest,
                )
                yield entry if numbers is None else (next(numbers), *entry)
                prev = digest
            last[0] = prev

        insert(AuditEntry, columns, itertools.chain(rows(), _calling(then)) if then else rows())
        head_row.last_hash = last[0]
        head_row.last_id = ids[-1] if ids else AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
        head_row.save(update_fields=["last_hash", "last_id"])
        models_by_ct = {ct_id: model for model, (ct_id, _key) in self.content_types.items()}
        audit.notify_recorded(
            [
                (models_by_ct[ct_id], object_id, None, snapshot)
                for ct_id, _k, object_id, _r, snapshot, _m in self.pending
            ],
            previous_tail,
            head_row.last_id,
        )
        count = len(self.pending)
        self.pending = []
        return count
