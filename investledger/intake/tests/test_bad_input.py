"""Files that cannot be imported as they are: each refused with a clear message, nothing written."""

import os

import openpyxl
import pytest
from django.test import override_settings

from investledger.intake import services
from investledger.intake.models import ImportBatch
from investledger.intake.parsing import SheetError
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, upload, write_csv, write_xlsx
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db


def refused(path, user, match, **kwargs):
    with pytest.raises(SheetError, match=match):
        services.batch_create(user=user, uploaded=upload(path), file_name=path.name, **kwargs)
    assert not ImportBatch.objects.exists()
    assert not Project.objects.exists()


def test_it_refuses_random_bytes_named_xlsx(tmp_path, personas):
    path = tmp_path / "list.xlsx"
    path.write_bytes(os.urandom(4096))
    refused(path, personas.officer_north, "not a spreadsheet")


def test_it_refuses_a_program_renamed_xlsx(tmp_path, personas):
    path = tmp_path / "setup.xlsx"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(2048))
    refused(path, personas.officer_north, "not a spreadsheet")


def test_it_refuses_an_encrypted_workbook_and_says_to_remove_the_password(tmp_path, personas):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    refused(path, personas.officer_north, "password-protected")


def test_it_refuses_an_empty_file(tmp_path, personas):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, personas.officer_north, "empty")


def test_it_refuses_a_sheet_with_no_rows(tmp_path, personas):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    refused(path, personas.officer_north, "no rows")


def test_it_refuses_a_csv_with_no_rows(tmp_path, personas):
    path = write_csv(tmp_path / "blank.csv", [[""], [""]])
    refused(path, personas.officer_north, "no rows")


def test_it_refuses_a_sheet_without_a_recognisable_header(tmp_path, personas):
    path = write_xlsx(tmp_path / "notes.xlsx", [["hello", "world"], [1, 2]])
    refused(path, personas.officer_north, "No header row")


def test_it_refuses_a_header_without_data_rows(tmp_path, personas, reference_data):
    path = write_xlsx(tmp_path / "header-only.xlsx", [CHINESE_HEADER])
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.FAILED
    assert "no data rows" in batch.message
    assert not Project.objects.exists()


@override_settings(INTAKE_MAX_ROWS=50)
def test_it_refuses_more_rows_than_the_limit_and_names_the_limit(tmp_path, personas):
    path = write_xlsx(tmp_path / "huge.xlsx", [CHINESE_HEADER, *signing_rows(60)])
    refused(path, personas.officer_north, "at most 50 rows")


@override_settings(INTAKE_MAX_ROWS=50)
def test_it_refuses_a_csv_with_more_rows_than_the_limit(tmp_path, personas):
    path = write_csv(tmp_path / "huge.csv", [CHINESE_HEADER, *signing_rows(60)])
    refused(path, personas.officer_north, "at most 50 rows")


@override_settings(INTAKE_MAX_FILE_BYTES=20_000)
def test_it_refuses_a_file_above_the_size_limit_and_names_the_limit(tmp_path, personas):
    path = write_xlsx(tmp_path / "big.xlsx", [CHINESE_HEADER, *signing_rows(2000)])
    assert path.stat().st_size > 20_000
    refused(path, personas.officer_north, r"above 19\.5 KB are refused")


def test_it_reports_formulas_without_saved_values_instead_of_reading_them_as_empty(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, ["公式项目", "公式企业", "北区", "生物医药", "=1+2", "2022-08-22"]]
    path = write_xlsx(tmp_path / "formulas.xlsx", rows)
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    row = batch.rows.get()
    assert row.errors == [
        {
            "column": "签约额（亿元）",
            "message": "the cell holds the formula =1+2 with no saved value: open the file in Excel, save it and "
            "upload again, or paste values",
        }
    ]
    assert batch.status == ImportBatch.Status.VALIDATED and not batch.can_commit
    assert not Project.objects.exists()


def test_it_reads_merged_header_cells(tmp_path, personas, reference_data):
    # A two-row header: "签约额（亿元）" and "项目名称" merged down over both rows, "签约信息" over two columns.
    rows = [
        ["项目名称", "投资方", "所在区域", "产业领域", "签约额（亿元）", "签约信息", None],
        [None, None, None, None, None, "签约日期", "备注"],
        ["合并表头项目", "合并企业", "北区", "生物医药", 2.5, "2022/8/22", "x"],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merge=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1"])
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.header_row == 2
    assert set(batch.mapping.values()) >= {"name", "investor", "host_area", "sector", "contract_value", "signed_on"}
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert Project.objects.get().contract_value_cny == 250000000


def test_it_reads_text_dates_in_three_formats(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER]
    for i, text in enumerate(["2022-08-22", "2022/8/22", "2022年8月22日"]):
        rows.append([f"日期项目{i}", f"日期企业{i}", "北区", "生物医药", 1, text])
    path = write_xlsx(tmp_path / "dates.xlsx", rows)
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert {str(d) for d in Project.objects.values_list("signed_on", flat=True)} == {"2022-08-22"}


def test_it_names_row_and_column_of_unknown_areas_and_sectors(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(1), ["未知区域项目", "某企业", "火星区", "宇航", 1, "2022-08-22"]]
    path = write_xlsx(tmp_path / "unknown.xlsx", rows)
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    row = batch.rows.get(number=3)
    assert {"column": "所在区域", "message": "unknown area 火星区"} in row.errors
    assert {"column": "产业领域", "message": "unknown sector 宇航"} in row.errors
    assert batch.error_count == 2
    assert not batch.can_commit
    assert not Project.objects.exists()


def test_it_matches_areas_and_sectors_in_english_ignoring_case_and_spaces(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, ["英文项目", "英文企业", " north  district ", "BIOMEDICINE", 1, "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "en.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    project = Project.objects.get()
    assert (project.host_area, project.sector) == (reference_data.north, reference_data.bio)


def test_it_names_the_row_of_a_value_that_is_not_a_number(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(2), ["坏数字项目", "某企业", "北区", "生物医药", "十二亿", "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "nan.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert batch.rows.get(number=4).errors == [{"column": "签约额（亿元）", "message": "not a number"}]
    assert not Project.objects.exists()


def test_it_reads_a_gbk_csv_as_excel_saves_it_on_chinese_windows(tmp_path, personas, reference_data):
    path = write_csv(tmp_path / "gbk.csv", [CHINESE_HEADER, *signing_rows(2)], encoding="gb18030")
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert Project.objects.count() == 2
