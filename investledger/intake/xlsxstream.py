"""Reading an .xlsx worksheet row by row, straight from the zip, in memory that does not grow with it.

python-calamine reads a whole sheet into memory before the first row is seen (88 MB for a
100,000-row signing list). Large sheets are therefore read here instead: the sheet's XML is
decompressed in pieces and each complete `<row>` is cut out and read with a few regular
expressions (C speed; an XML parser building an element per cell is ten times slower). What a row
holds is what calamine gives: numbers as float, text, booleans, dates as `date` or `datetime`
(numbers in a date format, 1900 or 1904 system), errors as text, and '' for cells in between.

Only the shared-string table is held whole (the workbook keeps one copy of each distinct text).
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def column_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _attrs(style: bytes, kind: bytes) -> bytes:
    return (b' s="' + style + b'"' if style else b"") + (b' t="' + kind + b'"' if kind else b"")


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


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


class StreamingWorkbook:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        names = set(self.zip.namelist())
        workbook = ET.fromstring(self.zip.read("xl/workbook.xml"))
        props = workbook.find(f"{NS}workbookPr")
        self.epoch = (
            dt.datetime(1904, 1, 1)
            if props is not None and props.get("date1904") in ("1", "true")
            else dt.datetime(1899, 12, 30)
        )
        rels_path = "xl/_rels/workbook.xml.rels"
        targets = {}
        if rels_path in names:
            for rel in ET.fromstring(self.zip.read(rels_path)):
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
        self.strings = self._shared_strings("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else []
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else set()

    def close(self) -> None:
        self.zip.close()

    def _shared_strings(self, path: str) -> list[str]:
        strings = []
        with self.zip.open(path) as fh:
            for _event, element in ET.iterparse(fh):
                if element.tag == f"{NS}si":
                    parts = []
                    for child in element.iter():
                        if child.tag == f"{NS}rPh":
                            break
                        if child.tag == f"{NS}t" and child.text:
                            parts.append(child.text)
                    strings.append("".join(parts))
                    element.clear()
        return strings

    def _date_styles(self) -> set[int]:
        styles = ET.fromstring(self.zip.read("xl/styles.xml"))
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

    def _pieces(self, path: str) -> Iterator[bytes]:
        with self.zip.open(path) as fh:
            while piece := fh.read(PIECE):
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
            if not result.has_formulas and (b"<f>" in body or b"<f " in body or b":f>" in body or b":f " in body):
                result.has_formulas = True
            for m in _MERGE.finditer(body) if b"mergeCell" in body else ():
                c0, r0 = column_index(m.group(1)), int(m.group(2))
                c1, r1 = (column_index(m.group(3)), int(m.group(4))) if m.group(3) else (c0, r0)
                result.merged.append((r0, c0, r1, c1))
        return result

    def rows(self, path: str, start: int = 1) -> Iterator[tuple[int, list]]:
        """(row number, values) for every row from `start` on, empty rows included."""
        expected = 1
        tail = b""
        prefix = None
        for piece in self._pieces(path):
            data = tail + piece
            if prefix is None:
                found = _SHEET_DATA.search(data)
                if found is None:
                    tail = data
                    continue
                prefix = found.group(1) or b""
                opening, closing = b"<" + prefix + b"row", b"</" + prefix + b"row>"
                self._fast = not prefix
            cut = data.rfind(closing)
            if cut < 0:
                tail = data
                continue
            cut += len(closing)
            body, tail = data[:cut], data[cut:]
            for part in body.split(closing)[:-1]:
                at = part.rfind(opening)
                close = part.find(b">", at)
                number_match = _ROW_NUMBER.search(part, at, close)
                number = int(number_match.group(1)) if number_match else expected
                while expected < number:
                    if expected >= start:
                        yield expected, []
                    expected += 1
                expected = number + 1
                if number >= start:
                    yield number, self._cells(part[close + 1 :])

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
                index = columns[letters] = column_index(letters)
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
