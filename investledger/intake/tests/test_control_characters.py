"""Control characters in imported cells are refused naming row and column, as the form and API refuse
them (`core.validators`); a multi-line text keeps its line breaks."""

import openpyxl
import pytest

from investledger.intake.models import ImportBatch
from investledger.intake.tests import bombs
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_csv
from investledger.intake.tests.test_progress_import import HEADER, import_progress, projects  # noqa: F401
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db

VT = "holds the control character U+000B (LINE TABULATION) at character 3: remove it"


def errors_of(batch):
    return {row.number: [(e["column"], e["message"]) for e in row.errors] for row in batch.rows.exclude(errors=[])}


def test_a_csv_cell_holding_a_control_character_is_an_error_on_its_row_and_column(tmp_path, reference_data, personas):
    rows = [[*CHINESE_HEADER, "项目简介"], *(row + ["第一行\n第二行\t续"] for row in signing_rows(3))]
    rows[2][0] = "测试\x0b项目"
    batch = import_file(write_csv(tmp_path / "list.csv", rows), personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.VALIDATED
    assert errors_of(batch) == {3: [("项目名称", VT)]}
    assert not Project.objects.exists()


def test_an_xlsx_cell_holding_an_escaped_control_character_is_refused(tmp_path, reference_data, personas):
    workbook = openpyxl.Workbook()
    for row in [CHINESE_HEADER, *signing_rows(3)]:
        workbook.active.append(row)
    workbook.active["B3"] = "企业MARK名称"
    workbook.save(tmp_path / "list.xlsx")
    bombs.replace_text(tmp_path / "list.xlsx", "MARK", "_x000B_")  # as Excel writes U+000B
    batch = import_file(tmp_path / "list.xlsx", personas.officer_north, event=reference_data.event)
    assert errors_of(batch) == {3: [("投资方", VT)]}


def test_a_progress_narrative_keeps_line_breaks_but_not_other_control_characters(tmp_path, personas, projects):  # noqa: F811
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([projects["north"].reference, "", "2024-05", 10, 10, 3, "厂房\n封顶", ""])
    workbook.active.append([projects["park"].reference, "", "2024-05", 10, 10, 3, "设备MARK进场", ""])
    workbook.save(tmp_path / "progress.xlsx")
    bombs.replace_text(tmp_path / "progress.xlsx", "MARK", "_x001B_")
    batch = import_progress(tmp_path / "progress.xlsx", personas.officer_north, commit=False)
    assert errors_of(batch) == {
        3: [("进展情况", "holds the control character U+001B (ESCAPE) at character 3: remove it")]
    }
