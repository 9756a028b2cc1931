"""Workbooks the bureau downloads: the import template per kind, and the ledger in the same layout.

Both are written in openpyxl's write-only mode, row by row, so an export of the whole ledger does
not hold the ledger in memory. The header row carries the column notes as comments and the
drop-downs (areas, sectors, stages...) read a hidden sheet of the live reference data.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from investledger.core.money import WAN, YI
from investledger.core.spreadsheets import xlsx_cell, xlsx_row
from investledger.intake import kinds
from investledger.intake.fields import Column, Kind
from investledger.intake.kinds import columns_for
from investledger.intake.kinds.signing import AGREEMENT_WORDS, STAGE_WORDS
from investledger.reference.models import Area, Sector

LISTS_TITLE = "lists"
CURRENCY_CODES = ["CNY", "USD", "HKD", "EUR", "JPY", "GBP"]
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2B23")


def _lists() -> dict[str, list[str]]:
    return {
        "host_area": [a.name for a in Area.objects.order_by("path")],
        "sector": [s.name for s in Sector.objects.order_by("position", "code")],
        "stage": [words[0] for words in STAGE_WORDS.values()],
        "agreement_type": [words[0] for words in AGREEMENT_WORDS.values()],
        "currency": CURRENCY_CODES,
    }


def _header_cells(ws, columns: tuple[Column, ...]) -> list:
    cells = []
    for column in columns:
        cell = xlsx_cell(
            ws,
            column.header,
            font=HEADER_FONT,
            fill=REQUIRED_FILL if column.required else HEADER_FILL,
            alignment=Alignment(wrap_text=True, vertical="center"),
        )
        if column.note:
            comment = Comment(str(column.note), "investledger")
            comment.width, comment.height = 320, 120
            cell.comment = comment
        cells.append(cell)
    return cells


def _new_workbook(kind: str, max_rows: int):
    """A write-only workbook with the header row written and drop-downs over `max_rows` rows."""
    columns = columns_for(kind)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(kinds.get(kind).sheet_title)
    lists_ws = wb.create_sheet(LISTS_TITLE)
    lists_ws.sheet_state = "hidden"
    lists = _lists()
    names = [name for name in lists if any(c.name == name for c in columns)]
    # The hidden sheet: one column per list.
    longest = max((len(lists[n]) for n in names), default=0)
    for i in range(longest):
        lists_ws.append(xlsx_row(lists_ws, [lists[n][i] if i < len(lists[n]) else None for n in names]))
    last_row = max(max_rows + 1, 2)
    for list_index, name in enumerate(names):
        col = next(i for i, c in enumerate(columns) if c.name == name)
        letter = get_column_letter(list_index + 1)
        count = max(len(lists[name]), 1)
        dv = DataValidation(
            type="list",
            formula1=f"{LISTS_TITLE}!${letter}$1:${letter}${count}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="investledger",
            error="请从下拉列表中选择 / Choose a value from the list",
        )
        target = get_column_letter(col + 1)
        dv.add(f"{target}2:{target}{last_row}")
        ws.data_validations.append(dv)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "B2"
    ws.append(_header_cells(ws, columns))
    return wb, ws


def _save(wb) -> tempfile.SpooledTemporaryFile:
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def template_workbook(kind: str, rows: int = 1000):
    """The empty template of a kind, as a file object."""
    wb, _ws = _new_workbook(kind, rows)
    return _save(wb)


STAGE_WORD = {value: words[0] for value, words in STAGE_WORDS.items()}
AGREEMENT_WORD = {value: words[0] for value, words in AGREEMENT_WORDS.items()}


def _in_yi(value):
    return None if value is None else (value / YI).normalize()


def project_row(project) -> list:
    """One ledger row in the template's layout: what importing it back reads as the same project."""
    return [
        project.reference,
        project.name,
        project.investor.name,
        project.host_area.name,
        project.sector.name,
        _in_yi(project.contract_value),
        project.currency,
        _in_yi(project.outside_value_cny),
        _in_yi(project.fixed_asset_value_cny),
        AGREEMENT_WORD.get(project.agreement_type, project.agreement_type),
        project.first_event.name if project.first_event_id else None,
        project.signed_on,
        STAGE_WORD.get(project.stage, project.stage),
        project.planned_jobs,
        project.planned_start,
        project.planned_completion,
        project.planned_production,
        project.responsible_leader or None,
        project.commissioner or None,
        project.description or None,
    ]


def _in_wan(value):
    return None if value is None else (value / WAN).normalize()


def progress_row(report) -> list:
    """One progress report in the progress template's layout: importing it back files the same figures."""
    return [
        report.project.reference,
        report.project.name,
        f"{report.period:%Y-%m}",
        _in_wan(report.funds_in_place_cny),
        _in_wan(report.investment_completed_cny),
        report.jobs_created,
        report.narrative or None,
        report.problems or None,
    ]


def progress_workbook(reports: Iterable, count: int):
    """Progress reports, one per row, in the progress template's layout (amounts in 万元)."""
    assert [c.name for c in columns_for(Kind.PROGRESS)] == [
        "reference",
        "name",
        "period",
        "funds_in_place",
        "investment_completed",
        "jobs_created",
        "narrative",
        "problems",
    ]
    wb, ws = _new_workbook(Kind.PROGRESS, count + 1000)
    for report in reports:
        ws.append(xlsx_row(ws, progress_row(report)))
    return _save(wb)


def ledger_workbook(projects: Iterable, count: int):
    """The ledger, one project per row, in the signing template's layout."""
    assert [c.name for c in columns_for(Kind.SIGNINGS)][:5] == ["reference", "name", "investor", "host_area", "sector"]
    wb, ws = _new_workbook(Kind.SIGNINGS, count + 1000)
    for project in projects:
        ws.append(xlsx_row(ws, project_row(project)))
    return _save(wb)
