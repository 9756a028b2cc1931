"""Reading an .xlsx worksheet row by row, straight from the zip, in memory that does not grow with it.

python-calamine reads a whole sheet into memory before the first row is seen, so its memory grows
with the sheet, and aborts the process on a sheet with a cell at XFD1048576 (docs/benchmarks.md,
"Reading .xlsx"). Sheets are therefore read here instead: the sheet's XML is decompressed in pieces
and each complete `<row>` is cut out and read with a few regular expressions (C speed; an XML parser building an element per cell is much slower). What a row
holds is what calamine gives: numbers as float, text, booleans, dates as `date` or `datetime`
(numbers in a date format, 1900 or 1904 system), errors as text, and '' for cells in between.

Only the shared-string table is held whole (the workbook keeps one copy of each distinct text), as
UTF-8 bytes in one buffer rather than a Python string per entry, so it costs about what its XML does.

An uploaded workbook is untrusted: a 1 MB zip can inflate to gigabytes. `Limits` bound what reading
it may cost, checked from the zip's directory when the file is opened (declared sizes and ratios)
and again while inflating (the directory can lie): bytes inflated, the compression ratio, rows,
columns, the length of a cell, and a deadline. Past any of them, `LimitExceeded` is raised with what
was passed and where; `parsing` words it for the user.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import time
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from xml.etree import ElementTree as ET

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PIECE = 1 << 20

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_ROW_START = re.compile(rb"<(?:\w+:)?row\b(?:[^>]*?\br=\"(\d+)\")?")
_FAST_CELL = re.compile(
    rb'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: [\w:]+="[^"]*")*\s*(?:/>|>(.*?)</c>)', re.S
)
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
_SST = re.compile(rb"<(\w+:)?sst\b")
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
RATIO_FLOOR = 1 << 20  # parts inflating to less than this are not judged by their ratio
ROW_BYTES = 16 << 20  # one row's XML; a row never closed would otherwise be gathered whole
MERGES = 10_000  # merged ranges kept (they matter around the header)


@dataclass(frozen=True)
class Limits:
    """What reading one workbook may cost. `deadline` is a `time.monotonic()` value, or None."""

    inflated_bytes: int = 200 << 20
    ratio: int = 100
    rows: int = 200_000
    columns: int = 200
    cell_chars: int = 32_767
    deadline: float | None = None


class LimitExceeded(Exception):
    """A limit passed: `what` is one of inflated, ratio, rows, columns, cell, row_bytes, time, parts;
    `row` and `column` (0-based) say where, when known."""

    def __init__(self, what: str, *, row: int | None = None, column: int | None = None):
        super().__init__(what, row, column)
        self.what, self.row, self.column = what, row, column


def column_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _attrs(style: bytes, kind: bytes) -> bytes:
    return (b' s="' + style + b'"' if style else b"") + (b' t="' + kind + b'"' if kind else b"")


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        text = html.unescape(text)
    return _ESCAPE.sub(_unescape, text) if "_x" in text else text


# Excel writes a character XML cannot hold (a control character) as _xHHHH_, as calamine reads it back.
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match) -> str:
    return chr(int(match.group(1), 16))


def _entry_text(inner: bytes) -> bytes:
    """The XML text of one shared-string entry: its one `<t>`, or its runs' texts without phonetics."""
    if inner[:3] == b"<t>" and inner[-4:] == b"</t>" and inner.count(b"<") == 2:
        return inner[3:-4]
    if b"rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    return b"".join(_TEXT.findall(inner))


class SharedStrings:
    """The shared-string table: each entry's XML text (UTF-8, entities as written) in one buffer, with
    where each ends; an entry is decoded when a cell asks for it. A Python string per entry would
    cost five to ten times the XML for a table of short texts."""

    def __init__(self):
        self.data = bytearray()
        self.ends = array("I")  # offsets: the table is bounded by the inflation limit
        self.long: set[int] = set()  # entries longer than a cell may be

    def extend(self, texts: list[bytes], cell_chars: int) -> None:
        base = len(self.data)
        self.data += b"".join(texts)
        ends = accumulate(map(len, texts), initial=base)
        next(ends)
        first = len(self.ends)
        self.ends.extend(ends)
        if texts and max(map(len, texts)) > cell_chars:
            for index, raw in enumerate(texts, start=first):
                if len(raw) > cell_chars and len(_text(raw)) > cell_chars:
                    self.long.add(index)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.ends):
            raise ValueError(f"no shared string {index}")
        return _text(self.data[self.ends[index - 1] if index else 0 : self.ends[index]])


@dataclass
class SheetInfo:
    name: str
    path: str
    visible: bool


@dataclass
class Scan:
    """What one pass over a sheet finds: its last row, merged ranges, whether it holds formulas."""

    last_row: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    has_formulas: bool = False


def check_directory(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip whose directory declares more than the limits allow (before inflating anything)."""
    infos = zf.infolist()
    if len(infos) > 10_000:
        raise LimitExceeded("parts")
    if sum(info.file_size for info in infos) > limits.inflated_bytes:
        raise LimitExceeded("inflated")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise LimitExceeded("ratio")


class StreamingWorkbook:
    def __init__(self, path, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.zip = zipfile.ZipFile(path)
        try:
            check_directory(self.zip, self.limits)
            self._open()
        except BaseException:
            self.zip.close()
            raise

    def _open(self) -> None:
        names = set(self.zip.namelist())
        workbook = ET.fromstring(self._read("xl/workbook.xml"))
        props = workbook.find(f"{NS}workbookPr")
        self.epoch = (
            dt.datetime(1904, 1, 1)
            if props is not None and props.get("date1904") in ("1", "true")
            else dt.datetime(1899, 12, 30)
        )
        rels_path = "xl/_rels/workbook.xml.rels"
        targets = {}
        if rels_path in names:
            for rel in ET.fromstring(self._read(rels_path)):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[rel.get("Id")] = target
        self.sheets = []
        sheets = workbook.find(f"{NS}sheets")
        for sheet in sheets if sheets is not None else ():
            path = targets.get(sheet.get(f"{REL_NS}id"), "")
            if path.startswith("xl/worksheets/") and path in names:
                self.sheets.append(SheetInfo(sheet.get("name", ""), path, sheet.get("state", "visible") == "visible"))
        self._columns: dict[bytes, int] = {}
        self._fast = True
        self.strings = (
            self._shared_strings("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else SharedStrings()
        )
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else set()

    def close(self) -> None:
        self.zip.close()

    def _shared_strings(self, path: str) -> SharedStrings:
        """The shared-string table, read as a stream of `<si>` entries (rich text runs joined,
        phonetic runs left out), kept compact."""
        strings = SharedStrings()
        tail = b""
        closing = None
        for piece in self._pieces(path):
            data = tail + piece
            if closing is None:
                found = _SST.search(data)
                closing = b"</" + (found.group(1) or b"" if found else b"") + b"si>"
            cut = data.rfind(closing)
            cut = cut + len(closing) if cut >= 0 else 0
            body, tail = data[:cut], data[cut:]
            if len(tail) > ROW_BYTES:
                raise LimitExceeded("cell")
            strings.extend([_entry_text(inner) for inner in _SI.findall(body)], self.limits.cell_chars)
        return strings

    def _date_styles(self) -> set[int]:
        styles = ET.fromstring(self._read("xl/styles.xml"))
        formats = dict(BUILTIN_FORMATS)
        num_fmts = styles.find(f"{NS}numFmts")
        for fmt in num_fmts if num_fmts is not None else ():
            formats[int(fmt.get("numFmtId"))] = fmt.get("formatCode", "")
        dates = set()
        xfs = styles.find(f"{NS}cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else ()):
            code = formats.get(int(xf.get("numFmtId", "0")), "")
            if code and is_date_format(code):
                dates.add(index)
        return dates

    def _read(self, path: str) -> bytes:
        return b"".join(self._pieces(path))

    def _pieces(self, path: str) -> Iterator[bytes]:
        """The part's XML in pieces, counted as it inflates: no more than its directory entry
        declares, nor the limits allow, nor past the deadline."""
        info = self.zip.getinfo(path)
        limits = self.limits
        allowed = min(info.file_size, limits.inflated_bytes)
        ratio_cap = max(limits.ratio * max(info.compress_size, 1), RATIO_FLOOR)
        inflated = 0
        with self.zip.open(info) as fh:
            while piece := fh.read(PIECE):
                inflated += len(piece)
                if inflated > allowed:
                    raise LimitExceeded("inflated")
                if inflated > ratio_cap:
                    raise LimitExceeded("ratio")
                if limits.deadline is not None and time.monotonic() > limits.deadline:
                    raise LimitExceeded("time")
                yield piece

    def scan(self, path: str) -> Scan:
        """One pass over the sheet's XML without reading cells."""
        result = Scan()
        tail = b""
        for piece in self._pieces(path):
            data = tail + piece
            cut = max(data.rfind(b">") + 1, 0)
            body, tail = data[:cut], data[cut:]
            at = max(body.rfind(b"<row"), body.rfind(b":row "))
            if at >= 0:
                last = _ROW_START.match(body, body.rfind(b"<", 0, at + 1))
                if last and last.group(1):
                    result.last_row = max(result.last_row, int(last.group(1)))
                else:  # rows without numbers: count them
                    result.last_row += body.count(b"<row") + body.count(b":row ")
                if result.last_row > self.limits.rows:
                    raise LimitExceeded("rows", row=self.limits.rows + 1)
            if not result.has_formulas and (b"<f>" in body or b"<f " in body or b":f>" in body or b":f " in body):
                result.has_formulas = True
            for m in _MERGE.finditer(body) if b"mergeCell" in body and len(result.merged) < MERGES else ():
                c0, r0 = column_index(m.group(1)), int(m.group(2))
                c1, r1 = (column_index(m.group(3)), int(m.group(4))) if m.group(3) else (c0, r0)
                result.merged.append((r0, c0, r1, c1))
        return result

    def rows(self, path: str, start: int = 1) -> Iterator[tuple[int, list]]:
        """(row number, values) for every row from `start` on, empty rows included."""
        limits = self.limits
        expected = 1
        tail = b""
        prefix = None
        for piece in self._pieces(path):
            data = tail + piece
            if prefix is None:
                found = _SHEET_DATA.search(data)
                if found is None:
                    tail = data
                    if len(tail) > ROW_BYTES:
                        raise LimitExceeded("row_bytes", row=expected)
                    continue
                prefix = found.group(1) or b""
                opening, closing = b"<" + prefix + b"row", b"</" + prefix + b"row>"
                self._fast = not prefix
            cut = data.rfind(closing)
            if cut < 0:
                tail = data
                if len(tail) > ROW_BYTES:
                    raise LimitExceeded("row_bytes", row=expected)
                continue
            cut += len(closing)
            body, tail = data[:cut], data[cut:]
            for part in body.split(closing)[:-1]:
                at = part.rfind(opening)
                close = part.find(b">", at)
                number_match = _ROW_NUMBER.search(part, at, close)
                number = int(number_match.group(1)) if number_match else expected
                if number > limits.rows:
                    raise LimitExceeded("rows", row=max(expected, limits.rows + 1))
                while expected < number:
                    if expected >= start:
                        yield expected, []
                    expected += 1
                expected = number + 1
                if number >= start:
                    try:
                        values = self._cells(part[close + 1 :])
                    except LimitExceeded as exc:
                        exc.row = number
                        raise
                    if len(part) > limits.cell_chars or self.strings.long:
                        for index, value in enumerate(values):
                            if value.__class__ is str and len(value) > limits.cell_chars:
                                raise LimitExceeded("cell", row=number, column=index)
                    yield number, values

    def _cells(self, body: bytes) -> list:
        if self._fast:
            found = _FAST_CELL.findall(body)
            if len(found) == body.count(b"<c ") + body.count(b"<c>"):
                return self._cells_fast(found)
        return self._cells_general(body)

    def _cells_fast(self, found: list[tuple[bytes, bytes, bytes, bytes]]) -> list:
        """Cells written the usual way (`<c r=.. s=.. t=..>`, attributes in the schema's order)."""
        values: list = []
        columns = self._columns
        strings = self.strings
        for letters, style, kind, inner in found:
            index = columns.get(letters)
            if index is None:
                index = column_index(letters)
                if index >= self.limits.columns:
                    raise LimitExceeded("columns", column=index)
                columns[letters] = index
            if index > len(values):
                values.extend([""] * (index - len(values)))
            if not inner:
                values.append("")
            elif inner[:3] == b"<v>" and inner[-4:] == b"</v>" and b"<" not in inner[3:-4]:
                raw = inner[3:-4]
                if kind == b"s":
                    values.append(strings[int(raw)])
                elif not kind or kind == b"n":
                    number = float(raw)
                    values.append(self._date(number) if style and int(style) in self.date_styles else number)
                else:
                    values.append(self._value(_attrs(style, kind), inner))
            elif (
                kind == b"inlineStr"
                and inner[:7] == b"<is><t>"
                and inner[-9:] == b"</t></is>"
                and inner.count(b"<") == 4
            ):
                values.append(_text(inner[7:-9]))
            else:
                values.append(self._value(_attrs(style, kind), inner))
        return values

    def _date(self, number: float):
        moment = self.epoch + dt.timedelta(days=number)
        if self.epoch.year == 1899 and number < 60:  # Excel's 1900 leap-year bug
            moment += dt.timedelta(days=1)
        moment = moment.replace(microsecond=round(moment.microsecond / 1000) * 1000 % 1_000_000)
        return moment.date() if moment.time() == dt.time(0) else moment

    def _cells_general(self, body: bytes) -> list:
        values: list = []
        for match in _CELL.finditer(body):
            attrs, inner = match.group(1), match.group(2)
            ref = _REF.search(attrs)
            index = column_index(ref.group(1)) if ref else len(values)
            if index >= self.limits.columns:
                raise LimitExceeded("columns", column=index)
            if index > len(values):
                values.extend([""] * (index - len(values)))
            values.append(self._value(attrs, inner) if inner else "")
        return values

    def _value(self, attrs: bytes, inner: bytes):
        kind = _TYPE.search(attrs)
        kind = kind.group(1) if kind else b"n"
        if kind == b"inlineStr":
            return "".join(_text(t) for t in _TEXT.findall(_PHONETIC.sub(b"", inner)))
        raw = _VALUE.search(inner)
        if raw is None:
            return ""
        raw = raw.group(1)
        if kind == b"s":
            return self.strings[int(raw)]
        if kind in (b"str", b"e"):
            return _text(raw)
        if kind == b"b":
            return raw.strip() in (b"1", b"true")
        if kind == b"d":
            text = _text(raw)
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                return text
            return moment.date() if moment.time() == dt.time(0) else moment
        number = float(raw)
        style = _STYLE.search(attrs)
        if style and int(style.group(1)) in self.date_styles:
            return self._date(number)
        return number
