"""The preview of an import: every checked row, kept in chunks, with the flagged rows one by one.

The check (`services.batch_validate`) stores each chunk of rows once, compressed (`store`); rows
with an error, a warning or a decision to make are also stored as `ImportRow`, where decisions are
recorded. Readers go through this module:
- `BatchRows(batch)`: every row in file order, sliceable, for the preview page, the API and tests;
- `chunks(batch)`: the rows chunk by chunk, flagged rows' decisions applied, for the commit, which
  then records what it did with each row (`save_outcomes`). `fetch_chunks` and `assemble` are its
  two halves, the query and the unpacking, for a caller that unpacks the next chunk while the
  database is still taking the current one.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator

import orjson
from django.db import connection

from investledger.core import audit
from investledger.intake.models import ImportBatch, ImportChunk, ImportRow
from investledger.ledger.projects.models import Project


def _plain(value):
    """Values of checked rows the JSON encoder does not know, by the audit's rules (amounts as text,
    dates in ISO form); anything those rules leave as it is cannot be stored."""
    plain = audit.jsonable(value)
    if plain is value:
        raise TypeError(f"{value.__class__.__name__} in a checked row")
    return plain


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_plain).encode


def _pack(data) -> bytes:
    try:
        text = orjson.dumps(data, default=_plain)
    except TypeError:
        # A whole number beyond 64 bits (a typo in a jobs column): written and read back by the
        # standard library, which keeps it exact; the mark says which reader to use.
        text = _STANDARD + _encode(data).encode()
    # Level 1: a quarter of the size for a tenth of the time of the default level.
    return zlib.compress(text, 1)


def _unpack(data) -> list:
    text = zlib.decompress(bytes(data))
    if text.startswith(_STANDARD):
        return json.loads(text[len(_STANDARD) :])
    return orjson.loads(text)


_STANDARD = b"J"  # JSON itself never starts with this letter


def is_flagged(row) -> bool:
    """Whether a checked row needs the user's eye: an error, a warning or a decision."""
    return bool(row.errors or row.warnings or row.duplicate_of or row.values.get("needs_confirmation"))


def store(batch: ImportBatch, offset: int, rows: list) -> None:
    """Keep checked rows (`kinds.ParsedRow`) as one chunk.

    The rows of a sheet share a few sets of value names ("shapes"): each shape is stored once and
    each row as a list, so the names are not encoded again for every row.
    """
    shapes: dict[tuple, int] = {}
    packed = []
    for r in rows:
        values = r.values
        names = tuple(values)
        shape = shapes.get(names)
        if shape is None:
            shape = shapes[names] = len(shapes)
        packed.append(
            [
                r.number,
                shape,
                list(values.values()),
                r.errors,
                r.warnings,
                r.duplicate_of,
                r.outcome,
                r.project_id,
                r.raw,  # None for a row not flagged: its cells are in the stored file
            ]
        )
    ImportChunk.objects.create(
        batch=batch,
        offset=offset,
        size=len(rows),
        first_number=rows[0].number,
        last_number=rows[-1].number,
        rows=_pack({"shapes": [list(names) for names in shapes], "rows": packed}),
    )


def _read_rows(data) -> list[tuple]:
    """(number, values, errors, warnings, duplicate_of_id, outcome, project_id, raw) per stored row."""
    stored = _unpack(data)
    shapes = stored["shapes"]
    return [
        (number, dict(zip(shapes[shape], values, strict=True)), *rest)
        for number, shape, values, *rest in stored["rows"]
    ]


class PreviewRow:
    """A checked row read from a chunk; reads like an `ImportRow` (same attributes and helpers)."""

    __slots__ = (
        "pk",
        "number",
        "raw",
        "values",
        "errors",
        "warnings",
        "duplicate_of_id",
        "resolution",
        "outcome",
        "project_id",
        "duplicate_of",
        "project",
    )

    def __init__(self, number, values, errors, warnings, duplicate_of_id, outcome, project_id, raw):
        self.pk = None
        self.number = number
        self.raw = raw or {}
        self.values = values
        self.errors = errors
        self.warnings = warnings
        self.duplicate_of_id = duplicate_of_id
        self.resolution = ""
        self.outcome = outcome
        self.project_id = project_id
        self.duplicate_of = None
        self.project = None

    needs_decision = ImportRow.needs_decision
    needs_confirmation = ImportRow.needs_confirmation

    def get_outcome_display(self) -> str:
        return ImportRow.Outcome(self.outcome).label if self.outcome else ""

    def __repr__(self) -> str:
        return f"<PreviewRow {self.number} {self.outcome}>"


def _flagged_of(chunk: ImportChunk) -> dict[int, ImportRow]:
    """The chunk's flagged rows, by number."""
    return {
        row.number: row
        for row in ImportRow.objects.filter(
            batch_id=chunk.batch_id, number__gte=chunk.first_number, number__lte=chunk.last_number
        ).select_related("duplicate_of", "project")
    }


def _rows_of(chunk: ImportChunk, any_flagged: bool = True) -> list:
    """The chunk's rows: flagged ones as their `ImportRow` (decisions and all), the others as read."""
    return assemble(chunk, _flagged_of(chunk) if any_flagged else {})


def assemble(chunk: ImportChunk, flagged: dict[int, ImportRow]) -> list:
    """The rows of a chunk `fetch_chunks` gave, from its stored data; runs no query."""
    results = _unpack(chunk.results) if chunk.results is not None else None
    out = []
    for index, fields in enumerate(_read_rows(chunk.rows)):
        row = flagged.get(fields[0])
        if row is None:
            row = PreviewRow(*fields)
            if results:
                row.outcome, row.project_id = results[index]
        out.append(row)
    return out


def chunks(batch: ImportBatch) -> Iterator[tuple[ImportChunk, list]]:
    """(chunk, its rows) in file order, one chunk in memory at a time."""
    for chunk, flagged in fetch_chunks(batch):
        yield chunk, assemble(chunk, flagged)


def fetch_chunks(batch: ImportBatch) -> Iterator[tuple[ImportChunk, dict[int, ImportRow]]]:
    """(chunk, its flagged rows by number) in file order: what `assemble` needs, read from the
    database now, so that unpacking the rows can wait until the caller has time for it."""
    any_flagged = batch.rows.exists()
    for pk in batch.chunks.order_by("offset").values_list("pk", flat=True):
        chunk = ImportChunk.objects.get(pk=pk)
        yield chunk, _flagged_of(chunk) if any_flagged else {}


def save_outcomes(chunk: ImportChunk, rows: list) -> None:
    """What the commit did with each row of the chunk (`outcome`, `project_id`, as `chunks` gave
    them): kept with the chunk, and on the flagged rows in one statement (bulk_update's CASE is slow)."""
    ImportChunk.objects.filter(pk=chunk.pk).update(results=_pack([[r.outcome, r.project_id] for r in rows]))
    flagged = [r for r in rows if r.pk is not None]
    if not flagged:
        return
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS r SET project_id = v.project_id, outcome = v.outcome "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, project_id, outcome) WHERE r.id = v.id",
                [[r.pk for r in flagged], [r.project_id for r in flagged], [r.outcome for r in flagged]],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET project_id = %s, outcome = %s WHERE id = %s",
            [(r.project_id, r.outcome, r.pk) for r in flagged],
        )


class BatchRows:
    """Every checked row of a batch in file order: a sequence a paginator can slice.

    Only the chunks a slice touches are read; the projects rows point to are loaded for the slice.
    """

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(self.batch.chunks.values_list("size", flat=True))
        return self._count

    __len__ = count

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                key += self.count()
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop, step = key.indices(self.count())
        if step != 1:
            raise ValueError("rows are read in steps of one")
        if start >= stop:
            return []
        out = []
        for chunk in self.batch.chunks.filter(offset__lt=stop).order_by("offset"):
            if chunk.offset + chunk.size <= start:
                continue
            rows = _rows_of(chunk)
            out.extend(rows[max(start - chunk.offset, 0) : stop - chunk.offset])
        _attach_projects(out)
        return out

    def __iter__(self):
        for _chunk, rows in chunks(self.batch):
            _attach_projects(rows)
            yield from rows

    def get(self, number: int):
        """The row with this number in the file (LookupError when there is none)."""
        chunk = self.batch.chunks.filter(first_number__lte=number, last_number__gte=number).first()
        for row in _rows_of(chunk) if chunk else ():
            if row.number == number:
                _attach_projects([row])
                return row
        raise LookupError(f"no row {number} in import {self.batch.pk}")


def _attach_projects(rows: list) -> None:
    wanted = set()
    for row in rows:
        if isinstance(row, PreviewRow):
            wanted.update((row.duplicate_of_id, row.project_id))
    wanted.discard(None)
    projects = Project.objects.in_bulk(wanted) if wanted else {}
    for row in rows:
        if isinstance(row, PreviewRow):
            row.duplicate_of = projects.get(row.duplicate_of_id)
            row.project = projects.get(row.project_id)
