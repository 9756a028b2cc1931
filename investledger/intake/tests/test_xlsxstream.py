"""The streaming .xlsx reader gives, row by row, what python-calamine gives for the whole sheet."""

import datetime as dt

import openpyxl
import pytest
import python_calamine as pc

from investledger.intake.xlsxstream import StreamingWorkbook


def _calamine_rows(path):
    workbook = pc.CalamineWorkbook.from_path(str(path))
    return [list(r) for r in workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows()]


def _stream_rows(path):
    workbook = StreamingWorkbook(path)
    try:
        rows = [values for _n, values in workbook.rows(workbook.sheets[0].path)]
    finally:
        workbook.close()
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


ROWS = [
    ["项目名称", "签约额（亿元）", "签约日期", "时间", "已签约", "备注"],
    ["智能制造基地 & 研发中心 <一期>", 12.5, dt.date(2022, 8, 22), dt.datetime(2022, 8, 22, 9, 30), True, None],
    ["", 3, dt.date(1900, 1, 15), None, False, "换行\n第二行"],
    [None, None, None, None, None, None],
    ["最后一行", -0.1, "2022年8月22日", None, None, "  前后空格  "],
]


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "inline-strings"])
def test_it_reads_the_same_values_as_calamine(tmp_path, write_only):
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("签约") if write_only else workbook.active
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    assert _stream_rows(path) == _calamine_rows(path)


def test_it_reads_dates_of_the_1904_system(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    workbook.active.append(["签约日期"])
    workbook.active.append([dt.date(2022, 8, 22)])
    path = tmp_path / "mac.xlsx"
    workbook.save(path)
    assert _stream_rows(path)[1] == [dt.date(2022, 8, 22)]


def test_it_numbers_rows_as_excel_does_and_skips_nothing(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["B2"] = "标题"
    workbook.active["A5"] = "项目名称"
    path = tmp_path / "gaps.xlsx"
    workbook.save(path)
    reader = StreamingWorkbook(path)
    numbers = [n for n, _values in reader.rows(reader.sheets[0].path)]
    assert numbers == [1, 2, 3, 4, 5]
    assert reader.scan(reader.sheets[0].path).last_row == 5
    assert [n for n, _v in reader.rows(reader.sheets[0].path, start=4)] == [4, 5]


def test_it_reads_a_sheet_written_with_a_namespace_prefix_and_finds_merged_cells(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["x"])
    source = tmp_path / "plain.xlsx"
    workbook.save(source)
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>项目名称 &amp; 编号</x:t></x:is></x:c>'
        '<x:c r="C1"><x:v>3.5</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t xml:space="preserve"> 空格 </x:t></x:is></x:c></x:row>'
        '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>'
    )
    path = tmp_path / "prefixed.xlsx"
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            out.writestr(item, data)
    reader = StreamingWorkbook(path)
    sheet = reader.sheets[0].path
    assert list(reader.rows(sheet)) == [(1, ["项目名称 & 编号", "", 3.5]), (2, []), (3, ["", " 空格 "])]
    scan = reader.scan(sheet)
    assert (scan.last_row, scan.merged) == (3, [(1, 0, 1, 1)])
