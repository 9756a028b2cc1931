"""Likely duplicates, re-signings, currencies, scope and the all-or-nothing commit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation

from investledger.core import bulk
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services, tasks
from investledger.intake.models import ExchangeRate, ImportBatch, ImportRow
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, upload, write_xlsx
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def later_event():
    return SigningEvent.objects.create(name="2023投洽会", name_en="Fair 2023", kind="expo", date=dt.date(2023, 4, 12))


@pytest.fixture
def existing(reference_data):
    investor = make_investor("长安汽车")
    return make_project(
        area=reference_data.north,
        sector=reference_data.ev,
        investor=investor,
        name="新能源汽车零部件产业园",
        value="5000000000",
        event=reference_data.event,
    )


def resigning_sheet(tmp_path):
    rows = [CHINESE_HEADER, ["新能源汽车零部件产业园项目", "长安汽车", "北区", "智能网联新能源汽车", 50, "2023-04-12"]]
    return write_xlsx(tmp_path / "fair.xlsx", rows)


def test_it_warns_of_a_re_signing_of_a_project_first_signed_at_another_event(tmp_path, personas, existing, later_event):
    batch = import_file(resigning_sheet(tmp_path), personas.officer_north, event=later_event, commit=False)
    row = batch.rows.get()
    assert row.duplicate_of == existing
    assert "re-signing of" in row.warnings[0]["message"]
    assert existing.reference in row.warnings[0]["message"]
    assert "Test signing ceremony" in row.warnings[0]["message"]


def test_it_refuses_to_commit_while_a_likely_duplicate_is_undecided(tmp_path, personas, existing, later_event):
    batch = import_file(resigning_sheet(tmp_path), personas.officer_north, event=later_event, commit=False)
    with pytest.raises(services.ImportRefused, match="decide for each"):
        services.batch_start_commit(batch=batch, user=personas.officer_north)
    assert Project.objects.count() == 1 and Signing.objects.count() == 1


def test_same_project_becomes_a_re_signing_that_adds_no_amount(tmp_path, personas, existing, later_event):
    batch = import_file(resigning_sheet(tmp_path), personas.officer_north, event=later_event, decide="same")
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert Project.objects.count() == 1
    signing = Signing.objects.get(event=later_event)
    assert signing.project == existing
    assert signing.kind == SigningKind.RESIGNING
    assert signing.counted_value_cny == 0 and not signing.counted_project
    assert batch.rows.get().outcome == ImportRow.Outcome.RESIGNING
    assert AuditEntry.objects.filter(source=f"import:{batch.pk}", message=f"import {batch.pk} fair.xlsx row 2").exists()


def test_a_new_project_decision_creates_a_second_project(tmp_path, personas, existing, later_event):
    batch = import_file(resigning_sheet(tmp_path), personas.officer_north, event=later_event, decide="new")
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert Project.objects.count() == 2


def test_duplicates_are_checked_with_one_query_per_area_not_per_row(tmp_path, personas, existing, later_event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [CHINESE_HEADER, *signing_rows(300)]
    path = write_xlsx(tmp_path / "many.xlsx", rows)
    with audit_context(actor=personas.officer_north, source="test"):
        batch = services.batch_create(
            user=personas.officer_north, uploaded=open(path, "rb"), file_name=path.name, event=later_event
        )
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=personas.officer_north)
        with CaptureQueriesContext(connection) as queries:
            services.batch_validate(batch)
    assert len(queries) < 40, [q["sql"][:80] for q in queries]


def test_it_converts_foreign_currencies_at_the_recorded_rate_and_stores_it(tmp_path, personas, reference_data):
    ExchangeRate.objects.create(currency="USD", rate=Decimal("6.8"), date=dt.date(2022, 8, 1))
    ExchangeRate.objects.create(currency="USD", rate=Decimal("7.2"), date=dt.date(2022, 9, 1))
    rows = [CHINESE_HEADER, ["外资项目", "Foreign Co", "北区", "生物医药", "US$ 200 million", "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "usd.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    project = Project.objects.get()
    assert project.currency == "USD"
    assert project.contract_value == Decimal("200000000.00")
    assert project.fx_rate == Decimal("6.8") and project.fx_date == dt.date(2022, 8, 1)
    assert project.contract_value_cny == Decimal("1360000000.00")


def test_it_reports_a_missing_exchange_rate(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, ["港资项目", "HK Co", "北区", "生物医药", "HK$ 5亿", "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "hkd.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert "no exchange rate recorded for HKD on or before 2022-08-22" in batch.rows.get().errors[0]["message"]
    assert not Project.objects.exists()


def test_an_officer_cannot_import_into_another_district(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(1), ["南区项目", "南区企业", "南区", "生物医药", 1, "2022-08-22"]]
    batch = import_file(write_xlsx(tmp_path / "south.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert batch.rows.get(number=3).errors == [
        {"column": "所在区域", "message": "you may not import projects into South District (outside your areas)"}
    ]
    assert not Project.objects.exists()


def test_a_failure_while_writing_leaves_nothing_written(tmp_path, personas, reference_data, monkeypatch):
    path = write_xlsx(tmp_path / "list.xlsx", [CHINESE_HEADER, *signing_rows(5)])
    batch = import_file(path, personas.officer_north, event=reference_data.event, commit=False)
    calls = []
    real = bulk.AuditWriter.flush

    def failing(writer, then=None):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(writer, then=then)

    monkeypatch.setattr(bulk.AuditWriter, "flush", failing)
    monkeypatch.setattr(services, "CHUNK", 2)
    batch.rows.update()  # rows stay as checked
    with pytest.raises(RuntimeError):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert not Project.objects.exists()
    assert not Signing.objects.exists()
    assert not AuditEntry.objects.filter(source=f"import:{batch.pk}").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED
    assert "nothing was written" in batch.message


def test_a_batch_is_committed_only_once(tmp_path, personas, reference_data):
    batch = import_file(
        write_xlsx(tmp_path / "l.xlsx", [CHINESE_HEADER, *signing_rows(2)]),
        personas.officer_north,
        event=reference_data.event,
    )
    with pytest.raises(services.ImportRefused, match="already committed"):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert Project.objects.count() == 2


def test_the_same_project_twice_in_one_file_is_an_error(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(2), signing_rows(1)[0]]
    batch = import_file(write_xlsx(tmp_path / "twice.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert "already in row 2 of this file" in batch.rows.get(number=4).errors[0]["message"]


def test_a_row_without_an_event_is_an_error_when_none_was_chosen(tmp_path, personas, reference_data):
    batch = import_file(
        write_xlsx(tmp_path / "noevent.xlsx", [CHINESE_HEADER, *signing_rows(1)]), personas.officer_north
    )
    assert "no signing event" in batch.rows.get().errors[0]["message"]


@override_settings(TASKS=IMMEDIATE, INTAKE_BACKGROUND_ROWS=10)
def test_large_files_are_checked_and_written_by_background_tasks(tmp_path, personas, reference_data):
    path = write_xlsx(tmp_path / "large.xlsx", [CHINESE_HEADER, *signing_rows(40)])
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert batch.rows_written == 40 and batch.rows_validated == 40 and batch.rows_read == 40
    assert Project.objects.count() == 40


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "未知的"), ("en", "unknown ")])
def test_a_background_check_writes_its_messages_in_the_language_of_whoever_started_it(
    tmp_path, personas, reference_data, language, expected
):
    path = write_xlsx(
        tmp_path / "list.xlsx", [CHINESE_HEADER, ["项目甲", "企业甲", "月球区", "生物医药", 1, "2022-08-22"]]
    )
    user = personas.officer_north
    with audit_context(actor=user, source="test"):
        batch = services.batch_create(user=user, uploaded=upload(path), file_name=path.name, event=reference_data.event)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.VALIDATING)  # as when queued
    # The worker runs with no request, in the site's default language (English here).
    tasks.validate_batch.call(batch.pk, language)
    message = batch.rows.get().errors[0]["message"]
    assert message.startswith(expected) and "月球区" in message


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}, INTAKE_BACKGROUND_ROWS=1)
def test_background_work_is_queued_with_the_language_of_whoever_started_it(tmp_path, personas, reference_data):
    path = write_xlsx(tmp_path / "list.xlsx", [CHINESE_HEADER, *signing_rows(3)])
    user = personas.officer_north
    with translation.override("zh-hans"):
        batch = import_file(path, user, event=reference_data.event, commit=False, queued=True)
    queued = tasks.validate_batch.get_backend().results
    assert [(r.task.name, r.args) for r in queued] == [("validate_batch", [batch.pk, "zh-hans"])]
    queued.clear()
    services.batch_validate(batch)
    with translation.override("en"):
        services.batch_start_commit(batch=batch, user=user)
    assert [(r.task.name, r.args) for r in queued] == [("commit_batch", [batch.pk, user.pk, "en"])]


def test_it_remembers_a_confirmed_mapping_for_the_source(tmp_path, personas, reference_data):
    header = ["名称", "企业", "地方", "产业", "金额（亿元）"]
    rows = [header, ["记忆项目", "记忆企业", "北区", "生物医药", 1]]
    path = write_xlsx(tmp_path / "odd.xlsx", rows)
    user = personas.officer_north
    with audit_context(actor=user, source="test"):
        first = services.batch_create(user=user, uploaded=open(path, "rb"), file_name="odd.xlsx", source="北区月报")
        services.batch_confirm_mapping(
            batch=first,
            mapping={"0": "name", "1": "investor", "2": "host_area", "3": "sector", "4": "contract_value"},
            user=user,
        )
        second = services.batch_create(user=user, uploaded=open(path, "rb"), file_name="odd.xlsx", source="北区月报")
        other = services.batch_create(user=user, uploaded=open(path, "rb"), file_name="odd.xlsx", source="南区")
    assert second.mapping_remembered and second.mapping["2"] == "host_area"
    assert services.mapping_is_sure(second)
    assert not other.mapping_remembered


def test_english_headers_map_automatically(tmp_path, personas, reference_data):
    header = [
        "Project name",
        "Investor",
        "District",
        "Industry",
        "Contract value (RMB billion)",
        "Signing date",
        "Extra",
    ]
    rows = [header, ["English project", "Acme Ltd", "North District", "Biomedicine", 1.5, "2022/8/22", "kept"]]
    batch = import_file(write_xlsx(tmp_path / "en.xlsx", rows), personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert Project.objects.get().contract_value_cny == Decimal("1500000000.00")
