"""The one place cells are written: text never becomes a formula, numbers stay numbers, and control
characters never reach a file. Checked on real files, read back with openpyxl and the csv module."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook

from investledger.core.spreadsheets import csv_lines, xlsx_row

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.org","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def written(write_only: bool, rows) -> bytes:
    wb = Workbook(write_only=write_only)
    sheet = wb.create_sheet("data") if write_only else wb.active
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def formulas_in(content: bytes) -> list:
    """Cells openpyxl reads as formulas, and any <f> element in the sheets' XML."""
    found = []
    for sheet in openpyxl.load_workbook(io.BytesIO(content)).worksheets:
        found += [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name):
                found.append(name)
    return found


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_text_that_looks_like_a_formula_stays_text_with_its_value(write_only):
    content = written(write_only, [HOSTILE])
    assert formulas_in(content) == []
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = next(sheet.iter_rows())
    # The text is kept as it was (XML reads a carriage return back as a line feed).
    assert [c.value for c in cells] == [h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_numbers_dates_and_negative_amounts_stay_numbers(write_only):
    content = written(write_only, [[Decimal("-1500000.25"), -3, 2.5, dt.date(2024, 5, 1), True, "plain", None]])
    cells = next(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows())
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "d", "b"]
    assert cells[0].value == pytest.approx(-1500000.25)
    assert cells[5].value == "plain" and not cells[5].quotePrefix


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_control_characters_are_removed_instead_of_breaking_the_file(write_only):
    content = written(write_only, [["北区\x0b园区", "a\x00b\x1fc", "c1\x85x", "two\nlines\ttab"]])
    cells = next(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows())
    assert [c.value for c in cells] == ["北区园区", "abc", "c1x", "two\nlines\ttab"]


def test_csv_text_that_looks_like_a_formula_gets_a_leading_apostrophe():
    text = "".join(csv_lines([HOSTILE, [Decimal("-12.50"), -3, "plain", None, "北区\x0b园区"]]))
    assert text.startswith("\ufeff")
    first, second = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert first == ["'" + h for h in HOSTILE]
    assert second == ["-12.50", "-3", "plain", "", "北区园区"]  # numbers are written as numbers, unquoted
    assert all(not cell.startswith(("=", "+", "@", "\t", "\r")) for cell in first)
