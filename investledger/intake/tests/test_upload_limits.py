"""Zip bombs and oversized sheets: refused fast, in bounded memory, with what was passed and where.

The bombs are real zip files built here: a sheet or a shared-string table of the same bytes over
and over, a few hundred KB that inflate to hundreds of MB, some with a central directory that lies.
"""

import time
import tracemalloc

import openpyxl
import pytest
from django.test import override_settings

from investledger.core.audit import audit_context
from investledger.intake import services
from investledger.intake.models import ImportBatch
from investledger.intake.parsing import SheetError
from investledger.intake.tests import bombs
from investledger.intake.tests.helpers import CHINESE_HEADER, signing_rows, upload, write_csv
from investledger.intake.xlsxstream import LimitExceeded, Limits, StreamingWorkbook
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db

MB = 1 << 20


def refusal_of(path, user, event=None) -> str:
    """Upload and check a file as the page does; the message it is refused with ('' if it is not)."""
    with audit_context(actor=user, source="test"):
        try:
            batch = services.batch_create(user=user, uploaded=upload(path), file_name=path.name, event=event)
        except SheetError as exc:
            assert not ImportBatch.objects.exists()
            return str(exc)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
        batch = services.batch_validate(batch)
    assert not Project.objects.exists()
    return batch.message if batch.status == ImportBatch.Status.FAILED else ""


class Measured:
    """Seconds taken and the peak of Python memory allocated inside the block."""

    def __enter__(self):
        tracemalloc.start()
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_a_sheet_inflating_to_a_gigabyte_is_refused_from_the_zip_directory_at_once(tmp_path, personas):
    path = bombs.sheet_bomb(tmp_path / "bomb.xlsx", inflated_mb=1024)
    assert path.stat().st_size < 5 * MB
    with Measured() as spent:
        message = refusal_of(path, personas.officer_north)
    assert message == "The file inflates to more than 200.0 MB; it is refused. Split it into several files."
    assert spent.seconds < 2 and spent.peak < 10 * MB


def test_a_sheet_compressed_far_beyond_any_spreadsheet_is_refused(tmp_path, personas):
    path = bombs.sheet_bomb(tmp_path / "bomb.xlsx", inflated_mb=60)
    with Measured() as spent:
        message = refusal_of(path, personas.officer_north)
    assert message.startswith("The file is compressed more than 100 to 1, as no spreadsheet is; it is refused.")
    assert spent.seconds < 2 and spent.peak < 10 * MB


@pytest.mark.parametrize("declared", [900_000, 150 * MB], ids=["small", "within-the-limit"])
def test_a_bomb_whose_directory_lies_about_its_size_is_stopped_while_inflating(tmp_path, personas, declared):
    path = bombs.sheet_bomb(tmp_path / "bomb.xlsx", inflated_mb=400)
    compressed = declared // 50  # a ratio the directory check lets through
    bombs.lie_about_sizes(path, "xl/worksheets/sheet1.xml", inflated=declared, compressed=compressed)
    with Measured() as spent:
        message = refusal_of(path, personas.officer_north)
    assert message.startswith(("The workbook cannot be read", "The file is compressed more than 100 to 1"))
    # Read up to the size declared, at most, in pieces: the time is that of inflating it.
    assert spent.seconds < 30 and spent.peak < 40 * MB


def test_the_reader_counts_what_it_inflates_whatever_the_directory_said(tmp_path):
    path = bombs.sheet_bomb(tmp_path / "bomb.xlsx", inflated_mb=30)
    workbook = StreamingWorkbook(path, Limits(inflated_bytes=100 * MB, ratio=10**6))
    try:
        workbook.limits = Limits(inflated_bytes=5 * MB, ratio=10**6)  # as if the directory had said 5 MB
        with pytest.raises(LimitExceeded) as caught:
            workbook.scan(workbook.sheets[0].path)
        assert caught.value.what == "inflated"
        workbook.limits = Limits(inflated_bytes=100 * MB, ratio=2)  # as if it had claimed little compression
        with pytest.raises(LimitExceeded) as caught:
            workbook.scan(workbook.sheets[0].path)
        assert caught.value.what == "ratio"
    finally:
        workbook.close()


def test_a_shared_strings_bomb_is_refused_from_the_directory(tmp_path, personas):
    path = bombs.strings_bomb(tmp_path / "strings.xlsx", inflated_mb=300)
    assert path.stat().st_size < 3 * MB
    with Measured() as spent:
        message = refusal_of(path, personas.officer_north)
    assert message.startswith("The file inflates to more than 200.0 MB")
    assert spent.seconds < 2 and spent.peak < 10 * MB


@override_settings(INTAKE_MAX_RATIO=10**6, INTAKE_MAX_INFLATED_BYTES=48 * MB)
def test_shared_strings_are_held_in_memory_that_does_not_outgrow_their_xml(tmp_path, personas):
    # Past the ratio check (set very high here), millions of tiny entries are read as a stream and
    # kept compact: a Python string each would take some 300 MB for this table.
    path = bombs.strings_bomb(tmp_path / "strings.xlsx", inflated_mb=24)
    with Measured() as spent:
        workbook = StreamingWorkbook(path, Limits(inflated_bytes=48 * MB, ratio=10**6))
    try:
        assert len(workbook.strings) == 24 * 60_000 and workbook.strings[0] == "x"
    finally:
        workbook.close()
    assert spent.peak < 32 * MB


@override_settings(INTAKE_MAX_ROWS=1000)
def test_a_sheet_with_a_row_numbered_past_the_limit_names_the_first_row_too_many(tmp_path, personas):
    sheet = bombs.HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"/>'
    path = bombs.workbook(tmp_path / "far.xlsx", sheet)
    message = refusal_of(path, personas.officer_north)
    assert message.startswith("Row 1,001: the sheet has more than 1,000 rows; at most 1,000 rows are imported at once.")


@override_settings(INTAKE_MAX_ROWS=1000)
def test_a_csv_with_too_many_rows_names_the_first_row_too_many(tmp_path, personas):
    path = write_csv(tmp_path / "long.csv", [CHINESE_HEADER, *signing_rows(1200)])
    assert refusal_of(path, personas.officer_north).startswith("Row 1,001: the sheet has more than 1,000 rows")


def test_a_cell_far_to_the_right_is_refused_before_the_row_is_widened_to_reach_it(tmp_path, personas):
    sheet = bombs.HEADER_ROW + b'<row r="2"><c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>'
    path = bombs.workbook(tmp_path / "wide.xlsx", sheet)
    with Measured() as spent:
        message = refusal_of(path, personas.officer_north)
    assert message == "Row 2: the sheet has more than 200 columns."
    assert spent.peak < 10 * MB


def test_a_csv_with_too_many_columns_is_refused(tmp_path, personas):
    path = write_csv(tmp_path / "wide.csv", [CHINESE_HEADER, ["x"] * 201])
    assert refusal_of(path, personas.officer_north) == "Row 2: the sheet has more than 200 columns."


def test_a_cell_longer_than_excel_allows_names_its_row_and_column(tmp_path, personas, reference_data):
    workbook = openpyxl.Workbook()
    for row in [CHINESE_HEADER, *signing_rows(20)]:
        workbook.active.append(row)
    workbook.active["A17"] = "LONG-CELL"
    workbook.save(tmp_path / "long-cell.xlsx")
    bombs.replace_text(tmp_path / "long-cell.xlsx", "LONG-CELL", "长" * 32_768)
    message = refusal_of(tmp_path / "long-cell.xlsx", personas.officer_north, event=reference_data.event)
    assert message == 'Row 17, column "项目名称": a cell holds more than 32,767 characters.'


def test_a_csv_cell_longer_than_excel_allows_names_its_row_and_column(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(20)]
    rows[16][1] = "x" * 200_000  # past the csv module's own field limit too
    path = write_csv(tmp_path / "long-cell.csv", rows)
    message = refusal_of(path, personas.officer_north, event=reference_data.event)
    assert message == 'Row 17, column "投资方": a cell holds more than 32,767 characters.'


@override_settings(INTAKE_READ_SECONDS=0)
def test_reading_stops_at_the_time_limit(tmp_path, personas):
    path = bombs.sheet_bomb(tmp_path / "slow.xlsx", inflated_mb=1)
    assert refusal_of(path, personas.officer_north).startswith(
        "Reading and checking the file took more than 0 seconds, the limit (INTAKE_READ_SECONDS)"
    )
