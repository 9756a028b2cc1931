"""Sheets made by the tests themselves: .xlsx with openpyxl, .csv with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from investledger.core.audit import audit_context
from investledger.intake import services

CHINESE_HEADER = ["项目名称", "投资方", "所在区域", "产业领域", "签约额（亿元）", "签约日期"]


def write_xlsx(path: Path, rows: list[list], *, title: str | None = None, merge: list[str] = ()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def signing_rows(n: int = 3, *, area: str = "北区", sector: str = "生物医药", start: int = 1) -> list[list]:
    return [[f"测试项目{i}", f"测试企业{i}", area, sector, 1 + i / 10, "2022-08-22"] for i in range(start, start + n)]


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def import_file(
    path: Path,
    user,
    *,
    event=None,
    source: str = "",
    commit: bool = True,
    decide: str | None = None,
    queued: bool = False,
):
    """Upload, confirm the guessed mapping, check and (optionally) commit, as the page does. The
    worker's part runs at once (ImmediateBackend) unless `queued`: then it stays in the caller's queue."""
    with override_settings(**({} if queued else {"TASKS": IMMEDIATE})), audit_context(actor=user, source="test"):
        batch = services.batch_create(user=user, uploaded=upload(path), file_name=path.name, event=event, source=source)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
        batch = services.batch_start_validation(batch)
        if decide:
            services.batch_resolve_all(batch=batch, decision=decide)
        if commit and batch.can_commit:
            batch = services.batch_start_commit(batch=batch, user=user)
    batch.refresh_from_db()
    return batch
