"""Importing a Chinese signing list in a real Chromium: upload, mapping, preview, commit, ledger.

Screenshots are saved under /tmp (intake-mapping.png, intake-preview.png, intake-committed.png).
"""

import pytest

from investledger.intake.tests.helpers import write_xlsx
from investledger.testing import PASSWORD, make_investor, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert "/accounts/login/" not in page.url


def test_an_officer_imports_a_chinese_signing_list(page, live_server, reference_data, personas, tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_project(
        area=reference_data.north,
        sector=reference_data.ev,
        investor=make_investor("长安汽车"),
        name="新能源汽车零部件产业园",
        value="5000000000",
        event=reference_data.event,
    )
    path = write_xlsx(
        tmp_path / "2022智博会签约清单.xlsx",
        [
            ["序号", "项目名称", "投资方", "所在区县", "产业领域", "签约额（亿元）", "签约时间", "备注"],
            [1, "智能网联汽车研发中心", "赛力斯集团", "北区", "智能网联新能源汽车", 35.5, "2022年8月22日", "重点"],
            [2, "生物医药创新港", "华润医药", "北区园区", "生物医药", "12亿元", "2022/8/22", ""],
            [3, "新能源汽车零部件产业园项目", "长安汽车", "北区", "智能网联新能源汽车", 50, "2022-08-22", ""],
        ],
        title="2022年智博会重点项目集中签约清单",
    )
    login(page, live_server, "officer_north")
    page.goto(f"{live_server.url}/intake/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_source", "北区智博会")
    page.select_option("#id_event", str(reference_data.event.pk))
    page.click("#upload-form button[type=submit]")

    page.wait_for_selector("#mapping-form")
    assert page.locator("#id_col_1").input_value() == "name"
    assert page.locator("#id_col_5").input_value() == "contract_value"
    assert page.locator("#id_col_0").input_value() == ""
    page.screenshot(path="/tmp/intake-mapping.png", full_page=True)
    page.click("#mapping-form button[type=submit]")

    page.wait_for_selector("#decisions-form")
    assert "row 5, column 项目名称" in page.locator(".problems").inner_text()
    assert page.locator("#commit-form button").is_disabled()
    page.screenshot(path="/tmp/intake-preview.png", full_page=True)
    page.check("#row5same")
    page.click("#decisions-form button[type=submit]:not([name])")
    page.wait_for_selector("#commit-form button:not([disabled])")
    page.click("#commit-form button")

    page.wait_for_selector(".alert-success")
    assert "2 new projects" in page.locator(".alert-success").inner_text()
    page.screenshot(path="/tmp/intake-committed.png", full_page=True)

    page.goto(f"{live_server.url}/projects/")
    ledger = page.locator("#ledger-table").inner_text()
    assert "智能网联汽车研发中心" in ledger and "生物医药创新港" in ledger
    assert ledger.count("新能源汽车零部件产业园") == 1


def test_an_officer_files_a_progress_sheet_and_confirms_a_figure(
    page, live_server, reference_data, personas, tmp_path, settings
):
    import datetime as dt

    from investledger.core import clock
    from investledger.supervision.models import ProgressReport

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    battery = make_project(area=reference_data.north, sector=reference_data.ev, name="北区电池工厂")
    chips = make_project(area=reference_data.north_park, sector=reference_data.bio, name="园区芯片厂")
    month = (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    path = write_xlsx(
        tmp_path / "北区进度表.xlsx",
        [
            [
                "项目编号",
                "项目名称",
                "填报期",
                "到位资金（万元）",
                "完成投资（万元）",
                "新增就业",
                "进展情况",
                "存在问题",
            ],
            [battery.reference, "北区电池工厂", month, 1200, 1500, 30, "主体厂房封顶", "用电报装待批"],
            [chips.reference, "园区芯片厂", month, 3000, 1000, 5, "设备进场", ""],
        ],
        title="北区重点项目进度填报表",
    )
    login(page, live_server, "officer_north")
    page.goto(f"{live_server.url}/intake/")
    page.select_option("#id_kind", "progress")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#mapping-form")
    assert page.locator("#id_col_3").input_value() == "funds_in_place"
    page.click("#mapping-form button[type=submit]")

    page.wait_for_selector("#confirm-form")
    assert "row 4, column 到位资金（万元）" in page.locator(".problems").inner_text()
    assert page.locator("#commit-form button").is_disabled()
    page.screenshot(path="/tmp/intake-progress-preview.png", full_page=True)
    page.check("#row4confirm")
    page.click("#confirm-form button[type=submit]:not([name])")
    page.wait_for_selector("#commit-form button:not([disabled])")
    page.click("#commit-form button")
    page.wait_for_selector(".alert-success")
    assert "2 new progress reports" in page.locator(".alert-success").inner_text()
    page.screenshot(path="/tmp/intake-progress-committed.png", full_page=True)
    assert ProgressReport.objects.filter(project=chips, funds_excess_confirmed=True).exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_follows_the_worker_reading_and_checking_an_upload(
    page, live_server, reference_data, personas, tmp_path, settings, language
):
    """With a real queue: the page polls while the worker reads the file, moves on to the mapping,
    polls again while the rows are checked, then shows the preview. Screenshots:
    /tmp/intake-reading-<language>.png, /tmp/intake-checking-<language>.png."""
    from investledger.intake.models import ImportBatch
    from investledger.intake.tests.helpers import CHINESE_HEADER, signing_rows
    from investledger.intake.tests.test_worker_reading import run_queue

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    personas.officer_north.language = language
    personas.officer_north.save()
    page.set_extra_http_headers({"Accept-Language": language})
    path = write_xlsx(tmp_path / "签约清单.xlsx", [CHINESE_HEADER, *signing_rows(30)])
    login(page, live_server, "officer_north")
    page.goto(f"{live_server.url}/intake/")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_event", str(reference_data.event.pk))
    page.click("#upload-form button[type=submit]")

    reading = {"en": "Reading the file…", "zh-hans": "正在读取文件…"}[language]
    page.wait_for_selector(f"#progress:has-text('{reading}')")
    page.screenshot(path=f"/tmp/intake-reading-{language}.png", full_page=True)
    # The dashboard seen at sign-in may have queued a refresh of its summary cells; the import's own
    # work is what the page follows.
    assert [task for task in run_queue() if task != "refresh_summary_task"] == ["read_batch"]
    page.wait_for_selector("#mapping-form")  # the poll moved the page on

    page.click("#mapping-form button[type=submit]")
    batch = ImportBatch.objects.get()
    checking = {
        "en": "Checking rows… 0 of 30 rows read, 0 checked",
        "zh-hans": "正在检查各行…已读取 0 / 30 行，已检查 0 行",
    }
    page.wait_for_selector(f"#progress:has-text('{checking[language]}')")
    page.screenshot(path=f"/tmp/intake-checking-{language}.png", full_page=True)
    assert [task for task in run_queue() if task != "refresh_summary_task"] == ["validate_batch"]
    page.wait_for_selector("#commit-form button:not([disabled])")  # the poll reloaded the page: the preview
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED and batch.rows_validated == 30
    page.screenshot(path=f"/tmp/intake-checked-{language}.png", full_page=True)
