"""Progress sheets: districts' monthly figures, checked per row and filed all together or not at all."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services
from investledger.intake.excel import progress_workbook
from investledger.intake.fields import Kind
from investledger.intake.models import ImportBatch, ImportRow
from investledger.intake.tests.helpers import upload, write_xlsx
from investledger.supervision import services as supervision
from investledger.supervision.models import ProgressReport
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 15)
HEADER = ["项目编号", "项目名称", "填报期", "到位资金（万元）", "完成投资（万元）", "新增就业", "进展情况", "存在问题"]


@pytest.fixture
def projects(reference_data):
    with audit_context(source="test"):
        return {
            "north": make_project(area=reference_data.north, sector=reference_data.ev, name="北区电池工厂"),
            "park": make_project(area=reference_data.north_park, sector=reference_data.bio, name="园区芯片厂"),
            "south": make_project(area=reference_data.south, sector=reference_data.food, name="南区食品城"),
        }


def import_progress(path, user, *, commit=True, confirm=False):
    with clock.frozen_at(TODAY), audit_context(actor=user, source="test"):
        batch = services.batch_create(user=user, uploaded=upload(path), file_name=path.name, kind=Kind.PROGRESS)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
        batch = services.batch_start_validation(batch)
        if confirm:
            services.batch_resolve_all(batch=batch, decision=ImportRow.Resolution.CONFIRM)
        if commit and batch.can_commit:
            batch = services.batch_start_commit(batch=batch, user=user)
    batch.refresh_from_db()
    return batch


def errors_of(batch):
    return {
        row.number: [(e["column"], e["message"]) for e in row.errors]
        for row in batch.rows.order_by("number")
        if row.errors
    }


def test_an_officer_files_her_districts_progress_from_a_sheet_with_a_title_row(tmp_path, personas, projects):
    rows = [
        ["北区2024年5月重点项目进度表"],
        HEADER,
        [projects["north"].reference, "", "2024-05", 1200, 1500.5, 30, "主体厂房封顶", "用电报装待批"],
        ["", "园区芯片厂", "2024年5月", "800", "900", "", "设备进场", ""],
    ]
    batch = import_progress(write_xlsx(tmp_path / "progress.xlsx", rows), personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.message, errors_of(batch))
    assert (batch.new_count, batch.existing_count) == (2, 0)
    north = ProgressReport.objects.get(project=projects["north"])
    assert north.period == dt.date(2024, 5, 1)
    assert north.funds_in_place_cny == Decimal("12000000.00")
    assert north.investment_completed_cny == Decimal("15005000.00")
    assert (north.jobs_created, north.narrative, north.problems) == (30, "主体厂房封顶", "用电报装待批")
    assert north.submitted_by == personas.officer_north
    park = ProgressReport.objects.get(project=projects["park"])
    assert park.funds_in_place_cny == Decimal("8000000.00")
    entry = AuditEntry.objects.get(
        source=f"import:{batch.pk}", object_id=str(north.pk), content_type__model="progressreport"
    )
    assert entry.message.startswith(f"import {batch.pk} progress.xlsx row 3")


def test_it_reads_english_headers_and_amounts_in_yi(tmp_path, personas, projects):
    rows = [
        ["Reference", "Period", "Funds in place (亿元)", "Investment completed (亿元)", "Jobs created"],
        [projects["north"].reference, dt.date(2024, 4, 30), 1.5, 2, 12],
    ]
    batch = import_progress(write_xlsx(tmp_path / "en.xlsx", rows), personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, errors_of(batch)
    report = ProgressReport.objects.get(project=projects["north"])
    assert (report.period, report.funds_in_place_cny, report.investment_completed_cny) == (
        dt.date(2024, 4, 1),
        Decimal("150000000.00"),
        Decimal("200000000.00"),
    )


def test_each_bad_row_is_named_with_its_column_and_nothing_is_filed(tmp_path, personas, projects):
    rows = [
        HEADER,
        ["P2099-99999", "", "2024-05", 1, 1, "", "", ""],
        [projects["south"].reference, "", "2024-05", 1, 1, "", "", ""],
        [projects["north"].reference, "", "2024-07", 1, 1, "", "", ""],
        [projects["park"].reference, "", "2024-05", "一千", 1, "", "", ""],
        [projects["north"].reference, "", "2024-05", 1, 1, "", "", ""],
    ]
    batch = import_progress(write_xlsx(tmp_path / "bad.xlsx", rows), personas.officer_north)
    assert batch.status == ImportBatch.Status.VALIDATED
    found = errors_of(batch)
    assert found[2] == [("项目编号", "unknown project reference P2099-99999")]
    assert found[3] == [("项目编号", f"unknown project reference {projects['south'].reference}")]
    assert found[4] == [("填报期", "2024-07 has not started yet: progress is reported for past or current periods")]
    assert found[5] == [("到位资金（万元）", "not a number")]
    assert 6 not in found
    with pytest.raises(services.ImportRefused, match="4 errors"):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert not ProgressReport.objects.exists()


def test_a_district_officer_cannot_report_for_another_districts_project(tmp_path, personas, projects, client):
    rows = [HEADER, [projects["north"].reference, "", "2024-05", 1, 1, "", "", ""]]
    batch = import_progress(write_xlsx(tmp_path / "other.xlsx", rows), personas.officer_south)
    # Answered like a reference that does not exist: the import does not reveal projects out of scope.
    assert errors_of(batch)[2] == [("项目编号", f"unknown project reference {projects['north'].reference}")]
    by_name = [HEADER, ["", "北区电池工厂", "2024-05", 1, 1, "", "", ""]]
    batch = import_progress(write_xlsx(tmp_path / "name.xlsx", by_name), personas.officer_south)
    assert "among the projects you report on" in errors_of(batch)[2][0][1]
    assert not ProgressReport.objects.exists()
    # The north officer's batch is not there for the south officer: 404 on every action.
    north_batch = import_progress(write_xlsx(tmp_path / "north.xlsx", rows), personas.officer_north, commit=False)
    client.force_login(personas.officer_south)
    for name in ("intake:batch_detail", "intake:batch_commit", "intake:batch_resolve"):
        method = client.get if name == "intake:batch_detail" else client.post
        assert method(reverse(name, args=[north_batch.pk])).status_code == 404
    assert not ProgressReport.objects.exists()


def test_funds_above_investment_must_be_confirmed_before_filing(tmp_path, personas, projects):
    rows = [HEADER, [projects["north"].reference, "", "2024-05", 2000, 1000, "", "", ""]]
    path = write_xlsx(tmp_path / "excess.xlsx", rows)
    batch = import_progress(path, personas.officer_north, commit=False)
    assert batch.status == ImportBatch.Status.VALIDATED
    row = batch.rows.get()
    assert row.needs_confirmation
    assert "exceed investment completed" in row.warnings[0]["message"]
    with pytest.raises(services.ImportRefused, match="confirm"):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert not ProgressReport.objects.exists()
    services.batch_resolve(batch=batch, decisions={2: ImportRow.Resolution.CONFIRM})
    with clock.frozen_at(TODAY), audit_context(actor=personas.officer_north, source="test"):
        batch = services.batch_commit(batch=batch, user=personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED
    assert ProgressReport.objects.get().funds_excess_confirmed


def test_a_failure_while_filing_leaves_no_report(tmp_path, personas, projects, monkeypatch):
    rows = [HEADER, *[[projects[k].reference, "", "2024-05", 1, 1, "", "", ""] for k in ("north", "park")]]
    batch = import_progress(write_xlsx(tmp_path / "two.xlsx", rows), personas.officer_north, commit=False)
    real = supervision.report_submit
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(supervision, "report_submit", failing)
    with pytest.raises(RuntimeError), clock.frozen_at(TODAY):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert not ProgressReport.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED


def test_an_exported_progress_sheet_imports_back_as_the_same_figures(tmp_path, personas, projects):
    with clock.frozen_at(TODAY), audit_context(actor=personas.officer_north, source="test"):
        for key, funds in (("north", "12345678.90"), ("park", "500000")):
            supervision.report_submit(
                project=projects[key],
                period=dt.date(2024, 5, 1),
                funds_in_place_cny=Decimal(funds),
                investment_completed_cny=Decimal("20000000"),
                jobs_created=7,
                narrative="进展顺利",
                problems="",
                by=personas.officer_north,
            )
    before = {
        r.project_id: (r.period, r.funds_in_place_cny, r.investment_completed_cny, r.jobs_created, r.narrative)
        for r in ProgressReport.objects.all()
    }
    path = tmp_path / "export.xlsx"
    reports = ProgressReport.objects.select_related("project").order_by("project__reference")
    path.write_bytes(progress_workbook(reports, reports.count()).read())
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["D1"].value.startswith("到位资金（万元）")
    assert sheet["D2"].value in (Decimal("1234.56789"), 1234.56789)
    batch = import_progress(path, personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, errors_of(batch)
    assert (batch.new_count, batch.existing_count) == (0, 2)
    after = {
        r.project_id: (r.period, r.funds_in_place_cny, r.investment_completed_cny, r.jobs_created, r.narrative)
        for r in ProgressReport.objects.all()
    }
    assert after == before
    assert all(r.version == 1 for r in ProgressReport.objects.all())


def test_the_progress_template_has_the_bilingual_headers_with_units(client, personas):
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:template", args=["progress"]))
    assert response.status_code == 200
    path_bytes = b"".join(response.streaming_content)
    from io import BytesIO

    sheet = openpyxl.load_workbook(BytesIO(path_bytes)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == [
        "项目编号 / Reference",
        "项目名称 / Project name",
        "填报期 / Period",
        "到位资金（万元）/ Funds in place (10,000 CNY)",
        "完成投资（万元）/ Investment completed (10,000 CNY)",
    ]


def test_the_progress_export_holds_only_what_the_reader_may_see(client, personas, projects):
    with clock.frozen_at(TODAY), audit_context(actor=personas.admin, source="test"):
        for project in projects.values():
            supervision.report_submit(
                project=project,
                period=dt.date(2024, 5, 1),
                funds_in_place_cny=Decimal("1"),
                investment_completed_cny=Decimal("1"),
            )
    client.force_login(personas.officer_south)
    response = client.get(reverse("intake:export_progress"))
    assert response.status_code == 200
    from io import BytesIO

    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert references == [projects["south"].reference]


def _post_progress(api, path):
    with open(path, "rb") as fh:
        return api.post("/api/imports/", {"file": fh, "kind": "progress"}, format="multipart")


def test_progress_through_the_api_with_confirmation_and_the_wrong_users(tmp_path, personas, projects):
    from rest_framework.test import APIClient

    api = APIClient()
    rows = [HEADER, [projects["north"].reference, "", "2024-05", 2000, 1000, 3, "", ""]]
    path = write_xlsx(tmp_path / "api.xlsx", rows)
    with clock.frozen_at(TODAY):
        api.force_authenticate(personas.leader)  # reads everything, reports nothing
        assert _post_progress(api, path).status_code == 403
        api.force_authenticate(personas.officer_north)
        response = _post_progress(api, path)
        assert response.status_code == 201, response.json()
        batch_id = response.json()["id"]
        api.force_authenticate(personas.officer_south)
        assert api.post(f"/api/imports/{batch_id}/commit/", {}, format="json").status_code == 404
        api.force_authenticate(personas.officer_north)
        refused = api.post(f"/api/imports/{batch_id}/commit/", {}, format="json")
        assert refused.status_code == 409 and "confirm" in refused.json()["detail"]
        response = api.post(f"/api/imports/{batch_id}/commit/", {"decisions": {"2": "confirm"}}, format="json")
        assert response.status_code == 200, response.json()
    assert response.json()["status"] == "committed"
    assert ProgressReport.objects.get().funds_excess_confirmed


def test_the_command_files_a_progress_sheet_with_confirmed_figures(tmp_path, personas, projects):
    import io

    from django.core.management import CommandError, call_command

    rows = [HEADER, [projects["north"].reference, "", "2024-05", 2000, 1000, 3, "", ""]]
    path = write_xlsx(tmp_path / "cmd.xlsx", rows)
    out = io.StringIO()
    with clock.frozen_at(TODAY):
        with pytest.raises(CommandError, match="confirm"):
            call_command("import", str(path), "--kind", "progress", "--user", "officer_north", "--commit", stdout=out)
        assert not ProgressReport.objects.exists()
        call_command(
            "import",
            str(path),
            "--kind",
            "progress",
            "--user",
            "officer_north",
            "--commit",
            "--confirm-funds",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert "1 new progress reports" in out.getvalue()
    assert ProgressReport.objects.get().funds_excess_confirmed


def test_a_project_the_uploader_sees_but_may_not_report_on_is_named_as_such(tmp_path, personas, projects):
    from investledger.accounts.models import RoleAssignment
    from investledger.core.access import Role

    RoleAssignment.objects.create(user=personas.officer_north, role=Role.SUPERVISOR)  # sees the whole city
    rows = [HEADER, [projects["south"].reference, "", "2024-05", 1, 1, "", "", ""]]
    batch = import_progress(write_xlsx(tmp_path / "seen.xlsx", rows), personas.officer_north)
    assert errors_of(batch)[2] == [
        ("项目编号", f"{projects['south'].reference} is outside your areas: you may not report on it")
    ]
