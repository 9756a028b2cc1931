"""Importing an opportunity list in a real Chromium: upload, mapping, a refused preview naming the bad cell,
the corrected file previewed and added, the list's totals computed. Screenshots under /tmp/shots."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from investledger.core.audit import audit_context
from investledger.intake.tests.helpers import write_xlsx
from investledger.intake.tests.test_browser import login
from investledger.ledger.opportunities import services as opportunity_services
from investledger.ledger.opportunities.models import Opportunity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots")
HEADER = ["机会清单", "机会名称", "类别", "所在区域", "估算投资（亿元）", "合作方式", "产业领域"]


def upload(page, url, path):
    page.goto(f"{url}/intake/")
    page.select_option("#id_kind", "opportunity")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#mapping-form")
    page.click("#mapping-form button[type=submit]")


def test_an_officer_imports_an_opportunity_list(page, live_server, reference_data, personas, tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    importlib.import_module("investledger.ledger.opportunities.migrations.0002_seed_categories").seed(apps, None)
    with audit_context(actor=None, source="test"):
        north = opportunity_services.list_create(
            fields={
                "title": "北区机会清单",
                "title_en": "North District opportunities",
                "publishing_area": reference_data.north,
                "released_on": dt.date(2023, 4, 12),
                "published": True,
            }
        )
    rows = [
        ["北区机会清单", "北区冷链物流中心", "产业载体", "北区", "约1.5", "合作开发", "食品加工"],
        ["北区机会清单", "园区污水处理", "工业用地", "北区园区", 2.5, "PPP", ""],
    ]
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server, "officer_north")
    upload(page, live_server.url, write_xlsx(tmp_path / "机会清单.xlsx", [HEADER, *rows]))
    page.wait_for_selector(".problems")
    expect(page.locator(".problems")).to_contain_text("row 3, column 类别")
    expect(page.locator(".problems")).to_contain_text("unknown category 工业用地")
    expect(page.locator("#commit-form button")).to_be_disabled()
    page.screenshot(path=str(SHOTS / "intake-opportunities-refused-en.png"), full_page=True)

    with page.expect_navigation():
        page.click("button[data-language=zh-hans]")
    rows[1][2] = "特许经营"
    upload(page, live_server.url, write_xlsx(tmp_path / "机会清单（改）.xlsx", [HEADER, *rows]))
    page.wait_for_selector("#commit-form button:not([disabled])")
    expect(page.locator("#commit-form button")).to_have_text("添加 2 个机会")
    page.screenshot(path=str(SHOTS / "intake-opportunities-preview-zh.png"), full_page=True)
    page.click("#commit-form button")
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(SHOTS / "intake-opportunities-committed-zh.png"), full_page=True)
    assert Opportunity.objects.filter(list=north).count() == 2

    page.goto(f"{live_server.url}/opportunities/lists/{north.pk}/")
    expect(page.locator("#list-totals")).to_have_text("2 个机会，2 个类别，约4.0亿元")
