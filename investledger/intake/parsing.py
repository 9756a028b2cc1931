"""Opening uploaded sheets: what kind of file it is, its rows, its header, its merged and formula cells.

.xlsx is read as a stream (`xlsxstream`: values as the file saved them, memory that does not grow with
the sheet). Cells holding a formula are listed with openpyxl, only when the file has any (a formula
whose result was never saved reads as empty, which must be reported, not taken as a blank).
.csv is read as UTF-8 (with or without BOM) or, failing that, GB18030 as Excel saves it on Chinese
Windows.

Both are read within the limits of `read_limits()` (settings `INTAKE_MAX_*`, `INTAKE_READ_SECONDS`):
a file past one is refused with a `SheetError` saying which limit and where ("row 100,001: the
sheet has more than 100,000 rows"), as soon as it is passed, never after reading the rest.
"""

from __future__ import annotations

import codecs
import csv
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils.translation import gettext as _

from investledger.intake.xlsxstream import LimitExceeded, Limits, StreamingWorkbook, check_directory

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10


class SheetError(Exception):
    """The file as a whole cannot be imported. The message says why and what to do."""


def max_file_bytes() -> int:
    return int(getattr(settings, "INTAKE_MAX_FILE_BYTES", 30 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "INTAKE_MAX_ROWS", 200_000))


def read_limits(*, timed: bool = True) -> Limits:
    """The limits of reading one uploaded file, from the settings; the deadline starts now."""
    seconds = float(getattr(settings, "INTAKE_READ_SECONDS", 900))
    return Limits(
        inflated_bytes=int(getattr(settings, "INTAKE_MAX_INFLATED_BYTES", 200 * 1024 * 1024)),
        ratio=int(getattr(settings, "INTAKE_MAX_RATIO", 100)),
        rows=max_rows(),
        columns=int(getattr(settings, "INTAKE_MAX_COLUMNS", 200)),
        cell_chars=int(getattr(settings, "INTAKE_MAX_CELL_CHARS", 32_767)),
        deadline=time.monotonic() + seconds if timed else None,
    )


def column_letter(index: int) -> str:
    """A 0-based column index as Excel names it (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def refusal(exc: LimitExceeded, limits: Limits, headers: list[str] | None = None) -> SheetError:
    """The user's words for a limit passed while reading."""
    where = {"row": f"{exc.row:,}" if exc.row else "?"}
    if exc.column is not None:
        header = headers[exc.column] if headers and exc.column < len(headers) else ""
        where["column"] = header or column_letter(exc.column)
    if exc.what == "inflated":
        text = _("The file inflates to more than %(limit)s; it is refused. Split it into several files.") % {
            "limit": human_size(limits.inflated_bytes)
        }
    elif exc.what == "ratio":
        text = _(
            "The file is compressed more than %(ratio)s to 1, as no spreadsheet is; it is refused. "
            "Save it again from Excel as .xlsx, or upload it as .csv."
        ) % {"ratio": limits.ratio}
    elif exc.what == "parts":
        text = _("The workbook holds more than 10,000 parts; it is refused.")
    elif exc.what == "rows":
        text = _(
            "Row %(row)s: the sheet has more than %(limit)s rows; at most %(limit)s rows are imported at once. "
            "Split it into several files."
        ) % {**where, "limit": f"{limits.rows:,}"}
    elif exc.what == "columns":
        text = _("Row %(row)s: the sheet has more than %(limit)s columns.") % {**where, "limit": f"{limits.columns:,}"}
    elif exc.what == "cell":
        if "column" in where:
            text = _('Row %(row)s, column "%(column)s": a cell holds more than %(limit)s characters.') % {
                **where,
                "limit": f"{limits.cell_chars:,}",
            }
        else:
            text = _("A cell holds more than %(limit)s characters.") % {"limit": f"{limits.cell_chars:,}"}
    elif exc.what == "row_bytes":
        text = _("Row %(row)s: the row holds more than 16 MB.") % where
    else:  # time
        text = _(
            "Reading and checking the file took more than %(seconds)s seconds, the limit (INTAKE_READ_SECONDS); "
            "it is refused. Split it into several files."
        ) % {"seconds": f"{float(getattr(settings, 'INTAKE_READ_SECONDS', 900)):,.0f}"}
    return SheetError(text)


def guarded(rows: Iterator[tuple[int, list]], limits: Limits, table: Table):
    """The rows of a table, with what reading them may raise worded for the user (naming a column by
    its header once the header is known: `Table.headers`)."""
    try:
        yield from rows
    except LimitExceeded as exc:
        raise refusal(exc, limits, table.headers) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, IndexError, KeyError) as exc:
        raise SheetError(_("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}) from None
    except csv.Error as exc:
        raise SheetError(_("The file cannot be read as CSV: %(error)s") % {"error": str(exc)[:200]}) from None


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
        limits = read_limits(timed=False)
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                check_directory(zf, limits)
        except zipfile.BadZipFile:
            raise SheetError(_("The file is damaged: it cannot be opened as an .xlsx workbook.")) from None
        except LimitExceeded as exc:
            raise refusal(exc, limits) from None
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
    headers: list[str] | None = None  # once known, they name the column of a cell past the limits

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


def open_table(path: Path, fmt: str, *, limits: Limits | None = None, headers: list[str] | None = None) -> Table:
    """The file's first sheet with rows, read within `limits` (those of the settings by default).

    `headers`, when known, name the columns of a message about a cell. Every row the table gives
    is read within the same limits; past one, a SheetError says which and where.
    """
    limits = limits or read_limits()
    try:
        table = _open_xlsx(path, limits) if fmt == "xlsx" else _open_csv(path, limits)
    except LimitExceeded as exc:
        raise refusal(exc, limits, headers) from None
    rows = table._rows
    table.headers = headers
    table._rows = lambda start=1: guarded(rows(start), limits, table)
    if table.total_rows == 0 or not any(any(_filled(v) for v in row) for row in table.head):
        raise SheetError(_("The sheet has no rows: there is nothing to import."))
    return table


def _filled(value) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _open_xlsx(path: Path, limits: Limits) -> Table:
    """The first visible worksheet with rows, read as a stream (see `xlsxstream`)."""
    try:
        workbook = StreamingWorkbook(path, limits)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, zlib.error, EOFError) as exc:
        raise SheetError(_("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}) from None
    chosen = scan = None
    try:
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
        head = [values for _n, values in zip(range(HEADER_SEARCH_ROWS), workbook.rows(chosen.path), strict=False)]
        formulas = _formula_cells(path, chosen.name, limits) if scan.has_formulas else {}
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, IndexError) as exc:
        workbook.close()
        raise SheetError(_("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}) from None
    except LimitExceeded:
        workbook.close()
        raise
    head = [values for _number, values in head]
    width = max((len(values) for values in head), default=0)
    head = [values + [""] * (width - len(values)) for values in head]

    def rows(start: int = 1):
        for number, values in workbook.rows(chosen.path, start):
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield number, values

    return Table("xlsx", chosen.name, total_rows, head, scan.merged, formulas, rows)


def _formula_cells(path: Path, sheet_name: str, limits: Limits) -> dict[tuple[int, int], str]:
    """Cells holding a formula, by openpyxl (the zip's directory was checked against the limits when
    the file was opened; Python's zip reader stops a part at the size its directory declares)."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = workbook[sheet_name]
        found = {}
        for row in ws.iter_rows(max_row=limits.rows, max_col=limits.columns):
            if limits.deadline is not None and time.monotonic() > limits.deadline:
                raise LimitExceeded("time")
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found[(cell.row, cell.column - 1)] = str(cell.value)[: limits.cell_chars]
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


def _open_csv(path: Path, limits: Limits) -> Table:
    encoding = _csv_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(16 * 1024)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # No field is longer than the file: the csv module's own limit is lifted, ours is checked per cell below.
    csv.field_size_limit(max(csv.field_size_limit(), max_file_bytes()))

    def rows(start: int = 1, *, cells: bool = True):
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, dialect)
            number = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise SheetError(
                        _("Row %(row)s: the file cannot be read as CSV: %(error)s")
                        % {"row": f"{number + 1:,}", "error": str(exc)[:200]}
                    ) from None
                number += 1
                if number > limits.rows:
                    raise LimitExceeded("rows", row=number)
                if len(values) > limits.columns:
                    raise LimitExceeded("columns", row=number)
                for index, value in enumerate(values) if cells else ():
                    if len(value) > limits.cell_chars:
                        raise LimitExceeded("cell", row=number, column=index)
                if limits.deadline is not None and not number % 1000 and time.monotonic() > limits.deadline:
                    raise LimitExceeded("time", row=number)
                if number >= start:
                    yield number, values

    total = sum(1 for _row in rows(cells=False))  # cells are checked as they are read, named by their header
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
