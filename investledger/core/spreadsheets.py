"""Cells of every CSV and XLSX file the product writes: text stays text, whatever it begins with.

A name such as `=cmd|' /C calc'!A0` or `=HYPERLINK(...)` written as it is becomes a live formula
when a spreadsheet opens the file (CSV injection, OWASP). Every writer passes its values through
here, so the rule lives in one place:

- **Text** beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is neutralised. In CSV it
  gets a leading apostrophe (`'=cmd...`), the form spreadsheets show as text. In XLSX the cell is
  written as a string with Excel's quote-prefix flag, which keeps the value exactly as stored (an
  exported ledger imports back unchanged) and keeps it text even when someone edits the cell.
- **Control characters** in text (older rows may hold some from before they were refused on
  input) are removed: an XLSX file cannot hold most of them, and one would stop the whole file.
- **Numbers, dates and booleans** are written as they are: a negative amount is a number, never text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 except tab, LF and CR, then DEL and C1: never written to a file.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
XLSX_MAX_TEXT = 32767  # Excel's limit for one cell


def clean_text(value: str) -> str:
    """Text without the control characters no file should carry."""
    return UNWRITABLE.sub("", value)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


# --- CSV ---------------------------------------------------------------------------------------


def csv_value(value):
    """A value for `csv.writer`: None as empty, text cleaned and neutralised, anything else unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = clean_text(value)
        return "'" + text if is_formula_like(text) else text
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(v) for v in values]


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The rows as CSV text, line by line, starting with a byte-order mark so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(csv_row(row))


# --- XLSX --------------------------------------------------------------------------------------


def xlsx_cell(sheet, value, **style):
    """A cell for `sheet.append()` (write-only or ordinary sheets): text never becomes a formula.

    `style` sets cell attributes (`font=`, `fill=`, `alignment=`, `number_format=`...).
    """
    if value is None and not style:
        return None
    if isinstance(value, Promise):
        value = str(value)  # a lazily translated heading
    if isinstance(value, str):
        text = clean_text(value)[:XLSX_MAX_TEXT]
        cell = WriteOnlyCell(sheet, value=None)
        cell._value = text  # type: ignore[attr-defined]  # stored as is: the value setter would infer a type
        cell.data_type = "s"  # set, not inferred: openpyxl would read a leading "=" as a formula
        if is_formula_like(text):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_row(sheet, values: Iterable, **style) -> list:
    """A row of cells for `sheet.append()`, each through `xlsx_cell`."""
    return [xlsx_cell(sheet, v, **style) for v in values]
