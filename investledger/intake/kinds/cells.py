"""Reading one row's mapped cells, as every kind's checker does: a formula with no saved value and
control characters in text are errors of the cell, and a parser's refusal is put on the row under the
column's header, so that each kind only says what its columns mean."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.utils.translation import gettext as _

from investledger.intake.kinds import ParsedRow
from investledger.intake.values import CellError, control_problem


class RowCells:
    def __init__(
        self,
        *,
        number: int,
        cells: list,
        row: ParsedRow,
        by_field: dict[str, int],
        formulas: dict[tuple[int, int], str],
        label: Callable[[str], str],
        multiline: Collection[str],
    ):
        self.number, self.cells, self.row = number, cells, row
        self.by_field, self.formulas, self.label, self.multiline = by_field, formulas, label, multiline

    def cell(self, name: str) -> Any:
        """The cell's value, None when empty or not mapped; CellError for a formula with no saved value
        or text with control characters."""
        index = self.by_field.get(name)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        if (self.number, index) in self.formulas and (value is None or value == ""):
            raise CellError(
                _(
                    "the cell holds the formula %(formula)s with no saved value: open the file in Excel, save it and upload again, or paste values"
                )
                % {"formula": self.formulas[(self.number, index)]}
            )
        if isinstance(value, str):
            if not value.strip():
                return None
            text = value.strip()
            if not text.isprintable() and (problem := control_problem(text, multiline=name in self.multiline)):
                raise CellError(problem)
        return value

    def read(self, name: str, parser: Callable, *args) -> Any:
        """`parser` applied to the cell; its refusal becomes an error of the row under the column's header."""
        try:
            return parser(self.cell(name), *args)
        except CellError as exc:
            self.row.error(self.label(name), str(exc))
            return None
