"""Hostile workbooks built by the tests: real zip files whose parts inflate far beyond their size."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="签约" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
TAIL = b"</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c><c r="B1" t="inlineStr"><is><t>投资方</t></is></c>'
    "</row>"
).encode()


def workbook(path: Path, sheet: bytes | list[bytes], strings: list[bytes] | None = None, repeat: int = 1) -> Path:
    """A workbook whose sheet XML is HEAD + the pieces of `sheet` (the last one repeated `repeat`
    times) + TAIL, written as a stream; `strings`, if given, the shared-string table the same way."""
    pieces = sheet if isinstance(sheet, list) else [sheet]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(HEAD)
            for piece in pieces[:-1]:
                fh.write(piece)
            for _ in range(repeat):
                fh.write(pieces[-1])
            fh.write(TAIL)
        if strings is not None:
            with zf.open("xl/sharedStrings.xml", "w") as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
                for piece in strings:
                    fh.write(piece)
                fh.write(b"</sst>")
    return path


def sheet_bomb(path: Path, inflated_mb: int) -> Path:
    """A sheet of the same row over and over: a few hundred KB that inflate to `inflated_mb` MB."""
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 1000 + b"</t></is></c></row>"
    block = row * 1000  # about 1 MB
    return workbook(path, [HEADER_ROW, block], repeat=inflated_mb)


def strings_bomb(path: Path, inflated_mb: int) -> Path:
    """A shared-string table of millions of tiny entries, the sheet itself small."""
    block = b"<si><t>x</t></si>" * 60_000  # about 1 MB
    sheet = HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", HEAD + sheet + TAIL)
        with zf.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for _ in range(inflated_mb):
                fh.write(block)
            fh.write(b"</sst>")
    return path


def lie_about_sizes(path: Path, name: str, *, inflated: int, compressed: int | None = None) -> Path:
    """Rewrite the zip's central directory so that part `name` declares other sizes than it has."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length].decode() == name:
            if compressed is not None:
                struct.pack_into("<I", data, at + 20, compressed)
            struct.pack_into("<I", data, at + 24, inflated)
            path.write_bytes(bytes(data))
            return path
        at = data.find(b"PK\x01\x02", at + 46)
    raise LookupError(name)


def replace_text(path: Path, marker: str, text: str) -> Path:
    """Replace `marker` by `text` in every part of a workbook (openpyxl cuts texts at Excel's limit)."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.replace(marker.encode(), text.encode()))
    return path
