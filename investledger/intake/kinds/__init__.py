"""Kinds of sheet an import understands, and what each must give the batch's state machine.

The state machine (`intake/services.py`: store, read, map, check, decide, commit) knows nothing of
any kind: it asks the batch's kind, found here by name, for its columns (the template, the header
mapping and the mapping form read them), the access action its rows need, a checker that parses
and checks rows, and a writer that files the checked rows in the commit's transaction. The words
a page shows of a kind's batch (its counts, the commit button, the preview's columns) come from
the kind too.

Each kind is one module of this package (`signing.py`, `progress.py`), registered when the app is
ready (`IntakeConfig.ready`). docs/architecture.md lists the steps to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from investledger.intake.parsing import column_letter
from investledger.intake.values import text_of

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from investledger.intake.fields import Column
    from investledger.intake.models import ImportBatch
    from investledger.intake.parsing import Table


@dataclass
class ParsedRow:
    """One data row of a sheet as a kind's checker leaves it: its values, errors and warnings, and
    what the check found (the outcome, a likely duplicate, the project it names)."""

    number: int
    raw: dict | None  # the cells by header; None until wanted (`raw_of`)
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    duplicate_of: int | None = None
    outcome: str = ""
    project_id: int | None = None

    cells: list | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": str(message)})

    def warn(self, column: str, message: str, **extra) -> None:
        self.warnings.append({"column": column, "message": str(message), **extra})


class Checker(Protocol):
    """Parses and checks the rows of one batch; made once per check, so it holds what is loaded once."""

    formulas: dict[tuple[int, int], str]  # (row, column) -> formula, set by the state machine

    def parse(self, number: int, cells: list) -> ParsedRow | None:
        """One data row checked on its own (None for a row with nothing in it)."""

    def check_chunk(self, rows: list[ParsedRow]) -> None:
        """Checks that need the ledger, for a chunk of parsed rows at once; sets each row's outcome."""


@dataclass(frozen=True)
class ImportKind:
    """What a kind of sheet gives the state machine. Texts are lazy translations."""

    name: str  # stored on the batch and the remembered mappings
    label: Promise  # "Signing list"
    columns: tuple[Column, ...]  # the template's columns, in order; mapping and checker read them
    action: str  # the `core.access.Action` a user needs to upload, decide and commit
    refused: Promise  # said to a user without that action
    checker: Callable[[ImportBatch, object], Checker]  # (batch, uploader): parses and checks its rows
    # (batch, user, report): files every checked row in the caller's transaction; (written, new, existing)
    write: Callable[[ImportBatch, object, Callable[[dict], None] | None], tuple[int, int, int]]
    sheet_title: str  # the template's sheet
    template_file: str  # the template's file name
    new_label: Promise  # the batch page's counts: rows that add, rows that meet what exists
    existing_label: Promise
    commit_button: Promise  # ngettext_lazy(..., "n"): the commit button of a checked batch of n rows
    committed_text: Promise  # "%(new)s ... %(existing)s": what the page says once committed
    preview_template: str  # the preview table's columns of this kind (head and cells)
    # A kind whose rows come from no uploaded sheet (press releases: the deals an officer accepted)
    # gives them itself: (batch) -> a `parsing.Table` over the batch's headers. None: the file is read.
    table: Callable[[ImportBatch], Table] | None = None

    def commit_label(self, rows: int) -> str:
        return str(self.commit_button % {"n": rows})

    def committed(self, new: int | str, existing: int | str) -> str:
        return str(self.committed_text % {"new": new, "existing": existing})


KINDS: dict[str, ImportKind] = {}
# (name, label) of every kind, in the order registered: model and form choices read it.
CHOICES: list[tuple[str, Promise]] = []


def register(*kinds: ImportKind) -> None:
    for kind in kinds:
        if kind.name not in KINDS:
            CHOICES.append((kind.name, kind.label))
        KINDS[kind.name] = kind


def get(name: str) -> ImportKind:
    """The kind of that name; LookupError for none."""
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(name) from None


def choices() -> list[tuple[str, Promise]]:
    """The kinds' choices, for model fields (a callable, so a new kind needs no migration) and forms."""
    return list(CHOICES)


def sheet_choices() -> list[tuple[str, Promise]]:
    """The kinds a user uploads as a spreadsheet (not those giving their own rows), for upload forms."""
    return [(name, label) for name, label in CHOICES if KINDS[name].table is None]


def columns_for(name: str) -> tuple[Column, ...]:
    kind = KINDS.get(name)
    return kind.columns if kind else ()


def column(name: str, field_name: str) -> Column:
    return next(c for c in columns_for(name) if c.name == field_name)


def raw_of(headers: list[str], cells: list) -> dict:
    """A row's cells by header (column letter where the header is empty), empty cells left out."""
    raw = {}
    for index, value in enumerate(cells):
        text = text_of(value)
        if text:
            head = headers[index] if index < len(headers) else ""
            raw[head or column_letter(index)] = text
    return raw
