"""Opportunity lists from a sheet: previewed, each bad cell named by row and column in the uploader's
language, written all together or not at all, hostile cells handled as in every other kind."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services
from investledger.intake.fields import Kind
from investledger.intake.models import ImportBatch
from investledger.intake.tests import bombs
from investledger.intake.tests.helpers import upload, write_xlsx
from investledger.ledger.opportunities import services as opportunity_services
from investledger.ledger.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db

HEADER = [
    "机会清单",
    "机会名称",
    "英文名称",
    "类别",
    "所在区域",
    "用地面积",
    "面积单位",
    "估算投资（亿元）",
    "合作方式",
    "产业领域",
    "联系电话",
    "电子邮箱",
    "项目简介",
]
LIST = "北区2023年第一批机会清单"


@pytest.fixture
def north_list(reference_data):
    with audit_context(actor=None, source="test"):
        return opportunity_services.list_create(
            fields={
                "title": LIST,
                "title_en": "North District opportunities, first batch 2023",
                "publishing_area": reference_data.north,
                "released_on": dt.date(2023, 4, 12),
                "published": True,
            }
        )


def good_row(**overrides):
    row = {
        "list": LIST,
        "title": "北区冷链物流中心",
        "title_en": "North cold-chain logistics centre",
        "category": "产业载体",
        "area": "北区",
        "land": 120,
        "unit": "亩",
        "value": "约12",
        "mode": "合作开发",
        "sectors": "食品加工、Smart connected NEV",
        "phone": "028-0000000",
        "email": "invest@example.org",
        "description": "冷链仓储\n配送中心",
    }
    row.update(overrides)
    return list(row.values())


def import_opportunities(path, user, *, commit=True, language="en"):
    with translation.override(language), audit_context(actor=user, source="test"):
        batch = services.batch_create(user=user, uploaded=upload(path), file_name=path.name, kind=Kind.OPPORTUNITIES)
        services.batch_confirm_mapping(batch=batch, mapping=batch.mapping, user=user)
        batch = services.batch_start_validation(batch)
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


def test_an_officer_adds_opportunities_to_her_list_from_a_sheet(tmp_path, personas, reference_data, north_list):
    rows = [
        HEADER,
        good_row(),
        good_row(
            title="园区污水处理特许经营",
            title_en="",
            category="franchising",
            area="North Park",
            value="",
            land="",
            unit="",
            mode="PPP",
            sectors="",
            email="",
            description="",
        ),
    ]
    batch = import_opportunities(write_xlsx(tmp_path / "list.xlsx", rows), personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.message, errors_of(batch))
    assert batch.new_count == 2
    cold, water = Opportunity.objects.filter(list=north_list).order_by("pk")
    assert (cold.estimated_value_cny, cold.value_approximate) == (Decimal("1200000000.00"), True)
    assert (cold.land_area, cold.land_area_unit, cold.cooperation_mode) == (Decimal("120.00"), "mu", "joint")
    assert {s.code for s in cold.sectors.all()} == {"food", "ev"}
    assert cold.description == "冷链仓储\n配送中心" and cold.category.code == "industrial-carriers"
    assert (water.host_area, water.estimated_value_cny, water.cooperation_mode) == (
        reference_data.north_park,
        None,
        "ppp",
    )
    assert cold.status_changes.get().to_status == "open"
    entry = AuditEntry.objects.get(content_type__model="opportunity", object_id=str(cold.pk))
    assert entry.actor == personas.officer_north and entry.message == f"import {batch.pk} list.xlsx row 2"


def test_the_preview_writes_nothing(tmp_path, personas, north_list):
    batch = import_opportunities(
        write_xlsx(tmp_path / "p.xlsx", [HEADER, good_row()]), personas.officer_north, commit=False
    )
    assert batch.status == ImportBatch.Status.VALIDATED and batch.can_commit
    assert not Opportunity.objects.exists()
    client = APIClient()
    client.force_authenticate(personas.officer_north)
    rows = client.get(f"/api/imports/{batch.pk}/rows/").json()
    assert rows["count"] == 1 or len(rows.get("results", rows)) == 1


BAD_ROWS = [
    HEADER,
    good_row(),  # row 2 is right, and is not written either
    good_row(category="工业用地"),
    good_row(area="西区"),
    good_row(area="南区"),
    good_row(sectors="食品加工；航天"),
    good_row(value="一千"),
    good_row(value=1e30),
    good_row(email="not-an-address"),
    good_row(list="南区清单"),
    good_row(mode="BOT"),
    good_row(title=""),
]


def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_written(tmp_path, personas, north_list):
    batch = import_opportunities(write_xlsx(tmp_path / "bad.xlsx", BAD_ROWS), personas.officer_north)
    assert batch.status == ImportBatch.Status.VALIDATED
    found = errors_of(batch)
    assert 2 not in found
    assert found[3] == [("类别", "unknown category 工业用地")]
    assert found[4] == [("所在区域", "unknown area 西区")]
    assert found[5] == [("所在区域", "南区 is outside your areas: you may not add opportunities there")]
    assert found[6] == [("产业领域", "unknown sector 航天")]
    assert found[7] == [("估算投资（亿元）", "not a number")]
    assert found[8][0][0] == "估算投资（亿元）" and "largest amount" in found[8][0][1]
    assert found[9] == [("电子邮箱", "not-an-address is not an e-mail address")]
    assert found[10] == [("机会清单", "no opportunity list titled 南区清单 among the lists you keep")]
    assert found[11] == [("合作方式", "unknown cooperation mode BOT")]
    assert found[12] == [("机会名称", "required")]
    with pytest.raises(services.ImportRefused):
        services.batch_commit(batch=batch, user=personas.officer_north)
    assert not Opportunity.objects.exists()


def test_the_problems_read_in_chinese_for_a_chinese_uploader(tmp_path, personas, north_list):
    batch = import_opportunities(write_xlsx(tmp_path / "zh.xlsx", BAD_ROWS), personas.officer_north, language="zh-hans")
    found = errors_of(batch)
    assert found[3] == [("类别", "未知的类别：工业用地")]
    assert found[4] == [("所在区域", "未知的区域：西区")]
    assert found[6] == [("产业领域", "未知的产业：航天")]
    assert found[10] == [("机会清单", "您维护的机会清单中没有名为“南区清单”的清单")]
    assert found[12] == [("机会名称", "必填")]
    assert not Opportunity.objects.exists()


def test_hostile_cells_are_refused_or_kept_as_plain_text(tmp_path, personas, north_list, client):
    path = tmp_path / "hostile.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(good_row(title='\'=HYPERLINK("http://evil.example","点击")', description="<script>alert(1)</script>"))
    sheet.append(good_row(title="控制MARK字符"))
    sheet.append(good_row(value=None))
    sheet["H4"] = "=SUM(1,2)"  # a formula with no saved value
    workbook.save(path)
    bombs.replace_text(path, "MARK", "_x000B_")  # U+000B, as Excel writes it
    batch = import_opportunities(path, personas.officer_north, commit=False)
    found = errors_of(batch)
    assert 2 not in found
    assert found[3][0][0] == "机会名称" and "U+000B" in found[3][0][1]
    assert found[4][0][0] == "估算投资（亿元）" and "formula" in found[4][0][1]

    clean = tmp_path / "clean.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(good_row(title="=1+1", description="<script>alert(1)</script>"))
    workbook.active["B2"].data_type = "s"  # text that looks like a formula, as a typed cell beginning with '
    workbook.save(clean)
    batch = import_opportunities(clean, personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, errors_of(batch)
    opportunity = Opportunity.objects.get()
    assert opportunity.title == "=1+1"  # kept as text: every sheet the product writes neutralises it
    client.force_login(personas.officer_north)
    page = client.get(reverse("opportunities:opportunity_detail", args=[opportunity.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    feed = b"".join(client.get(reverse("opportunities:public_feed_csv")).streaming_content).decode("utf-8-sig")
    assert "'=1+1" in feed


def test_the_wrong_users_add_nothing(tmp_path, personas, north_list):
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, good_row()])
    south = import_opportunities(path, personas.officer_south)
    assert errors_of(south)[2] == [
        ("机会清单", f"no opportunity list titled {LIST} among the lists you keep"),
        ("所在区域", "北区 is outside your areas: you may not add opportunities there"),
    ]
    park = import_opportunities(path, personas.officer_park)  # North Park only: North's list is not theirs
    assert errors_of(park)[2][0] == ("机会清单", f"no opportunity list titled {LIST} among the lists you keep")
    api = APIClient()
    api.force_authenticate(personas.leader)
    with open(path, "rb") as fh:
        assert (
            api.post("/api/imports/", {"file": fh, "kind": Kind.OPPORTUNITIES}, format="multipart").status_code == 403
        )
    assert not Opportunity.objects.exists()


def test_the_template_has_the_columns_in_both_languages(client, personas):
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:template", args=[Kind.OPPORTUNITIES]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(filename=__import__("io").BytesIO(b"".join(response.streaming_content)))
    header = [cell.value for cell in next(workbook.worksheets[0].iter_rows(max_row=1))]
    assert header[:2] == ["机会清单 / Opportunity list", "机会名称 / Opportunity"]
    assert "估算投资（亿元）/ Estimated investment (100 million CNY)" in header
