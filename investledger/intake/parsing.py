"""Opening uploaded sheets: what kind of file it is, its rows, its header, its merged and formula cells.

.xlsx is read as a stream (`xlsxstream`: values as the file saved them, memory that does not grow with
the sheet). Cells holding a formula are listed with openpyxl, only when the file has any (a formula
whose result was never saved reads as empty, which must be reported, not taken as a blank).
.csv is read as UTF-8 (with or without BOM) or, failing that, GB18030 as Excel saves it on Chinese
Windows.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10


class SheetError(Exception):
    """The file as a whole cannot be imported. The message says why and what to do."""


def max_file_bytes() -> int:
    return int(getattr(settings, "INTAKE_MAX_FILE_BYTES", 30 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "INTAKE_MAX_ROWS", 200_000))


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def check_size(size: int) -> None:
    limit = max_file_bytes()
    if size == 0:
        raise SheetError(_("The file is empty."))
    if size > limit:
        raise SheetError(
            _("The file is %(size)s; files above %(limit)s are refused. Split it into several files.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )


def detect_format(path: Path, file_name: str) -> str:
    """'xlsx' or 'csv', from the bytes (not the name); SheetError for anything else."""
    size = path.stat().st_size
    check_size(size)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE2_MAGIC[:4]):
        raise SheetError(
            _(
                "This file is password-protected (encrypted) or in the old .xls format. "
                "Remove the password or save it as .xlsx (Excel Workbook), then upload it again."
            )
        )
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise SheetError(_("The file is damaged: it cannot be opened as an .xlsx workbook.")) from None
        if "xl/workbook.xml" not in names:
            raise SheetError(_("This is not an Excel workbook (.xlsx). Upload an .xlsx or .csv file."))
        return "xlsx"
    if file_name.lower().endswith((".csv", ".txt")) and _looks_like_text(path):
        return "csv"
    raise SheetError(_("This is not a spreadsheet. Upload an .xlsx or .csv file."))


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as fh:
        sample = fh.read(64 * 1024)
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


@dataclass
class Table:
    """The rows of the first sheet that has any, with what is known about its cells.

    Row numbers are those a person sees in Excel (1-based); column indexes are 0-based positions
    in the row lists.
    """

    format: str
    sheet_name: str
    total_rows: int
    head: list[list]  # the first HEADER_SEARCH_ROWS rows
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 1-based rows
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> formula text
    _rows: object = None

    def rows(self, start: int = 1) -> Iterator[tuple[int, list]]:
        """(row number, values) from row `start` on."""
        return self._rows(start)


def read_ahead(rows: Iterator[tuple[int, list]], *, batch: int = 1000) -> Iterator[tuple[int, list]]:
    """The same rows, read by a child process while this one works on those already read.

    Reading a large sheet (decompressing, cutting out rows and cells) takes about a third of the
    time of checking it; with a forked reader the two run on two cores. The child does nothing but
    read the file: it never touches the database, and it leaves without running this process's
    clean-up (multiprocessing ends a forked child with os._exit). The pipe holds only a few batches,
    so memory stays flat. Without `fork` (not POSIX) the rows are read here.
    """
    import multiprocessing
    import pickle

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        yield from rows
        return
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_rows, args=(rows, sender, batch), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise SheetError(_("The file could not be read to the end.")) from None
            if kind == "rows":
                yield from payload
            elif kind == "end":
                return
            else:
                raise payload
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _send_rows(rows: Iterator[tuple[int, list]], sender, batch: int) -> None:
    import pickle

    try:
        chunk = []
        for item in rows:
            chunk.append(item)
            if len(chunk) >= batch:
                sender.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
                chunk = []
        if chunk:
            sender.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(pickle.dumps(("end", None)))
    except BrokenPipeError:
        pass  # the reader stopped listening (the check ended early): nothing more to do
    except Exception as exc:  # handed to the reader, which raises it where the rows are read
        try:
            message = pickle.dumps(("error", exc))
        except Exception:
            message = pickle.dumps(("error", SheetError(str(exc)[:300])))
        sender.send_bytes(message)
    finally:
        sender.close()


def open_table(path: Path, fmt: str) -> Table:
    table = _open_xlsx(path) if fmt == "xlsx" else _open_csv(path)
    limit = max_rows()
    if table.total_rows > limit:
        raise SheetError(
            _("The sheet has %(rows)s rows; at most %(limit)s rows are imported at once. Split it into several files.")
            % {
                "rows": f"{table.total_rows:,}"
                if table.format == "xlsx"
                else _("more than %(n)s") % {"n": f"{limit:,}"},
                "limit": f"{limit:,}",
            }
        )
    if table.total_rows == 0 or not any(any(_filled(v) for v in row) for row in table.head):
        raise SheetError(_("The sheet has no rows: there is nothing to import."))
    return table


def _filled(value) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _open_xlsx(path: Path) -> Table:
    """The first visible worksheet with rows, read as a stream (see `xlsxstream`)."""
    from investledger.intake.xlsxstream import StreamingWorkbook

    try:
        workbook = StreamingWorkbook(path)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError) as exc:
        raise SheetError(_("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}) from None
    chosen = scan = None
    for sheet in workbook.sheets:
        if not sheet.visible:
            continue
        scan = workbook.scan(sheet.path)
        if scan.last_row > 0 and any(any(_filled(v) for v in values) for _n, values in workbook.rows(sheet.path)):
            chosen = sheet
            break
    if chosen is None:
        workbook.close()
        raise SheetError(_("The sheet has no rows: there is nothing to import."))
    total_rows = scan.last_row
    if total_rows > max_rows():
        workbook.close()
        return Table("xlsx", chosen.name, total_rows, [[""]], _rows=lambda start: iter(()))
    head = [values for _n, values in zip(range(HEADER_SEARCH_ROWS), workbook.rows(chosen.path), strict=False)]
    head = [values for _number, values in head]
    width = max((len(values) for values in head), default=0)
    head = [values + [""] * (width - len(values)) for values in head]

    def rows(start: int = 1):
        for number, values in workbook.rows(chosen.path, start):
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield number, values

    formulas = _formula_cells(path, chosen.name, 0) if scan.has_formulas else {}
    return Table("xlsx", chosen.name, total_rows, head, scan.merged, formulas, rows)


def _formula_cells(path: Path, sheet_name: str, col_offset: int) -> dict[tuple[int, int], str]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = workbook[sheet_name]
        found = {}
        for row in ws.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found[(cell.row, cell.column - 1 - col_offset)] = str(cell.value)
        return found
    finally:
        workbook.close()


def _csv_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            return "gb18030"


def _open_csv(path: Path) -> Table:
    encoding = _csv_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(16 * 1024)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    limit = max_rows()
    total = 0
    with open(path, encoding=encoding, newline="") as fh:
        for _row in csv.reader(fh, dialect):
            total += 1
            if total > limit:
                break

    def rows(start: int = 1):
        with open(path, encoding=encoding, newline="") as fh:
            for number, values in enumerate(csv.reader(fh, dialect), start=1):
                if number >= start:
                    yield number, values

    head = [values for _n, values in zip(range(HEADER_SEARCH_ROWS), rows(), strict=False)]
    head = [values for _number, values in head]
    return Table("csv", "", total, head, _rows=rows)


def read_upload_to(path: Path, uploaded) -> int:
    """Copy an uploaded file to `path` in chunks, refusing it as soon as it passes the size limit."""
    limit = max_file_bytes()
    written = 0
    with open(path, "wb") as out:
        for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(1 << 20), b""):
            written += len(chunk)
            if written > limit:
                break
            out.write(chunk)
    if written > limit:
        path.unlink(missing_ok=True)
        size = getattr(uploaded, "size", None) or written
        check_size(size if size > limit else limit + 1)
    return written


__all__ = ["SheetError", "Table", "detect_format", "open_table", "read_upload_to"]
