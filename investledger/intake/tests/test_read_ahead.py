"""Large sheets are read by a child process while the rows already read are checked."""

import os

import pytest

from investledger.intake import services
from investledger.intake.parsing import SheetError, open_table, read_ahead
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx


def test_it_yields_the_rows_the_sheet_gives_in_their_order(tmp_path):
    rows = [CHINESE_HEADER, *signing_rows(2500)]
    rows[700][5] = "2022年8月22日"
    path = write_xlsx(tmp_path / "long.xlsx", rows)
    table = open_table(path, "xlsx")
    assert list(read_ahead(table.rows(2), batch=300)) == list(table.rows(2))


def test_an_error_while_reading_is_raised_where_the_rows_are_used():
    def broken():
        yield 2, ["a"]
        raise SheetError("the sheet's data ends in the middle of a row")

    read = read_ahead(broken(), batch=1)
    assert next(read) == (2, ["a"])
    with pytest.raises(SheetError, match="ends in the middle"):
        next(read)


def test_a_reader_that_dies_is_reported_as_a_file_that_could_not_be_read():
    def dying():
        yield 2, ["a"]
        os._exit(1)

    with pytest.raises(SheetError, match="could not be read to the end"):
        list(read_ahead(dying(), batch=1))


def test_stopping_early_ends_the_child_process():
    def endless():
        number = 1
        while True:
            number += 1
            yield number, ["x" * 100]

    read = read_ahead(endless(), batch=50)
    assert [next(read)[0] for _ in range(10)] == list(range(2, 12))
    read.close()  # the caller stops: the child is killed and reaped, nothing hangs


@pytest.mark.django_db
def test_a_sheet_read_ahead_is_checked_and_committed_like_any_other(tmp_path, personas, reference_data, monkeypatch):
    monkeypatch.setattr(services, "READ_AHEAD_ROWS", 10)
    rows = signing_rows(40)
    rows[17][4] = "lots"
    path = write_xlsx(tmp_path / "list.xlsx", [CHINESE_HEADER, *rows])
    batch = import_file(path, personas.officer_north, event=reference_data.event, commit=False)
    assert batch.rows_validated == 40
    assert list(batch.rows.values_list("number", "errors")) == [
        (19, [{"column": "签约额（亿元）", "message": "not a number"}])
    ]
