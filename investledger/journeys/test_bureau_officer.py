"""The bureau officer's day: a ceremony's projects entered in one grid, a milestone with its evidence, a
progress report, an issue, the light that follows, and the ledger and monthly report sent out.

The ceremony was held in the newest reporting period whose report is already due, so each project
signed there starts yellow (its first report is late) and turns green once the report is filed. The
journey reads that on the project page, then opens the downloaded files and finds in them what the
pages showed.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from investledger.core import clock
from investledger.escalation.models import Issue
from investledger.journeys.conftest import PIXEL_PNG
from investledger.journeys.walk import Walk
from investledger.ledger.projects.models import Project
from investledger.supervision import periods
from investledger.supervision.models import DEFAULT_RULE_PARAMETERS, EvidenceStatus
from investledger.testing import make_investor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def newest_due_period(today: dt.date) -> dt.date:
    """The first day of the newest reporting period whose report is due by today (a day past its grace)."""
    length, grace = DEFAULT_RULE_PARAMETERS["report_period_months"], DEFAULT_RULE_PARAMETERS["report_grace_days"]
    start = periods.period_start(today, length)
    while periods.period_due(start, length, grace) >= today:
        start = periods.add_months(start, -length)
    return start


@pytest.fixture
def investors(city):
    """Two investors already in the ledger, found by typing part of their name."""
    return {
        "catl": make_investor("宁德时代新能源科技股份有限公司", name_en="CATL"),
        "cofco": make_investor("中粮集团有限公司", name_en="COFCO"),
    }


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """PDF text without the line breaks and spaces its layout puts inside long cells."""
    return "".join(text.split())


def download(page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_the_bureau_officer_records_a_ceremony_and_follows_a_project_through_the_day(
    page, live_server, city, investors, language
):
    walk = Walk(page, live_server, language, "officer")
    say = walk.say
    today = clock.today()
    held = newest_due_period(today).replace(day=15)
    ledger_before = sum(p.contract_value_cny for p in Project.objects.all())
    walk.sign_in("admin")

    # --- A new signing event, then its projects in one grid ------------------------------------------
    walk.nav("Signing events", "签约活动")
    page.get_by_role("link", name=say("New signing event", "新建签约活动")).click()
    page.wait_for_load_state()
    page.fill("#id_name", "冬季重点项目集中签约")
    page.fill("#id_name_en", "Winter key projects signing")
    page.select_option("#id_kind", "ceremony")
    page.fill("#id_date", held.isoformat())
    walk.shot("event-form")
    page.get_by_role("button", name=say("Save", "保存")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=say("Enter projects", "录入项目")).click()
    page.wait_for_load_state()
    walk.shot("grid-empty")

    rows = [
        {
            "name": say("Battery materials park", "电池材料产业园"),
            "search": "CATL",
            "investor": "宁德时代新能源科技股份有限公司",
            "area": say("North District", "北区"),
            "sector": say("Smart connected NEV", "智能网联新能源汽车"),
            "amount": say("2.5", "25"),
            "cny": Decimal("2500000000"),
        },
        {
            "name": say("Cell therapy centre", "细胞治疗中心"),
            "search": "重庆渝新生物科技有限公司",
            "investor": "重庆渝新生物科技有限公司",
            "area": say("South District", "南区"),
            "sector": say("Biomedicine", "生物医药"),
            "amount": say("0.8", "8"),
            "cny": Decimal("800000000"),
        },
        {
            "name": say("Grain and oil processing base", "粮油加工基地"),
            "search": "中粮",
            "investor": "中粮集团有限公司",
            "area": say("North Park", "北区园区"),
            "sector": say("Food processing", "食品加工"),
            "amount": say("1.2", "12"),
            "cny": Decimal("1200000000"),
        },
    ]
    for number, row in enumerate(rows):
        tr = page.locator(f"#row-form-{number}")
        tr.locator("input[name$='-name']").fill(row["name"])
        investor = tr.locator("input[name$='-investor_name']")
        investor.press_sequentially(row["search"], delay=30)
        results = tr.locator(".investor-results")
        if number == 1:
            # Nobody of that name yet: the list offers to create the investor with the row.
            new = results.locator(".investor-new")
            new.wait_for()
            assert row["investor"] in new.inner_text()
            walk.shot("grid-new-investor")
            new.click()
            assert tr.locator(".new-investor-badge").is_visible()
        else:
            option = results.locator(".investor-option", has_text=row["investor"])
            option.wait_for()
            walk.shot(f"grid-search-{number}")
            option.click()
        assert investor.input_value() == row["investor"]
        tr.locator("select[name$='-host_area']").select_option(
            label=tr.locator("select[name$='-host_area'] option", has_text=row["area"]).first.inner_text()
        )
        tr.locator("select[name$='-sector']").select_option(label=row["sector"])
        tr.locator("input[name$='-amount']").fill(row["amount"])
        tr.locator("input[name$='-amount']").press("Tab")
        assert say("RMB bn", "亿元") in tr.inner_text()
        # Each row is checked against the ledger as it is typed: nothing like it is there yet.
        tr.locator(".row-status .no-duplicate").wait_for()
    walk.shot("grid-filled")
    page.get_by_role("button", name=say("Save all rows", "保存全部")).click()
    page.wait_for_load_state()
    walk.shot("event-recorded")
    body = page.locator("main").inner_text()
    assert say("3 new projects", "新项目3个") in body, body[:1500]
    total = sum(r["cny"] for r in rows)
    shown_total = say(f"RMB {total / 10**9:.2f} bn", f"{total / 10**8:.2f}亿元")
    assert page.locator("#ledger-count").inner_text() == "3"
    assert page.locator("#ledger-value").inner_text() == shown_total
    table = page.locator("#event-projects").inner_text()
    for row in rows:
        assert row["name"] in table and row["investor"] in table
    plant = Project.objects.get(name=rows[0]["name"])
    assert plant.signed_on == held and plant.contract_value_cny == rows[0]["cny"]

    # --- The first project: its light, yellow with its reason, before the day's work ------------------
    page.locator("#event-projects").get_by_role("link", name=plant.reference).click()
    page.wait_for_load_state()
    light_before = page.locator("#follow-up").inner_text()
    late_period = f"{held:%Y-%m}"
    assert page.locator("#follow-up [data-light]").get_attribute("data-light") == "yellow"
    assert say("Yellow", "黄灯") in light_before
    assert late_period in page.locator("#light-reasons").inner_text()
    walk.shot("project-yellow")

    # --- A milestone with its evidence: the registration, today ---------------------------------------
    page.get_by_role("link", name=say("Milestones and progress", "节点与进度")).click()
    page.wait_for_load_state()
    registered = plant.milestones.order_by("position").first()
    record = page.locator(f"#milestone-{registered.pk} + tr.milestone-forms details").first
    record.locator("summary").click()
    form = record.locator("form")
    form.locator("input[name$=actual_date]").fill(today.isoformat())
    form.locator("input[name$=evidence_number]").fill("91500000MA60XYZ12K")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "business-licence.png", "mimeType": "image/png", "buffer": PIXEL_PNG}]
    )
    walk.shot("milestone-form")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    walk.shot("milestone-recorded")
    registered.refresh_from_db()
    assert registered.actual_date == today and registered.evidence_status == EvidenceStatus.PENDING
    milestone_row = page.locator(f"#milestone-{registered.pk}").inner_text()
    assert "business-licence.png" in milestone_row and today.isoformat() in milestone_row

    # --- Back to the project: a progress report for the late period -----------------------------------
    page.get_by_role("link", name=plant.reference).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name=say("Report progress", "填报进度")).click()
    page.wait_for_load_state()
    while late_period not in page.locator("h1").inner_text():
        page.get_by_role("link", name="← ").first.click()
        page.wait_for_load_state()
    page.fill("input[name$=funds_in_place]", "12000")
    page.fill("input[name$=investment_completed]", "11800")
    page.fill("input[name$=jobs_created]", "35")
    page.fill(
        "textarea[name$=narrative]", say("Site levelled; plant design approved.", "场地平整完成，厂房设计已获批。")
    )
    walk.shot("report-form")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    walk.shot("report-filed")

    # --- The light after: green, and why ----------------------------------------------------------------
    assert page.locator("#follow-up [data-light]").get_attribute("data-light") == "green"
    after = page.locator("#follow-up").inner_text()
    assert say("Green", "绿灯") in after
    assert say("Milestones and reports on schedule.", "节点与填报均按期进行。") in after, after
    assert late_period in page.locator("#latest-report").inner_text()
    assert page.locator("[data-stage]").get_attribute("data-stage") == "registered"

    # --- An issue raised from the project page ------------------------------------------------------------
    page.get_by_role("link", name=say("Raise an issue", "提出问题诉求")).click()
    page.wait_for_load_state()
    title = say("Power connection for the plant is not scheduled", "厂区供电接入尚未排期")
    page.fill("#id_title", title)
    page.select_option("#id_category", "power")
    page.select_option("#id_responsible_unit", label=say("Power Supply Company", "供电公司"))
    page.fill("#id_description", say("A 10 kV line is needed before construction.", "开工前需接入10千伏线路。"))
    walk.shot("issue-form")
    page.get_by_role("button", name=say("Raise issue", "提交问题")).click()
    page.wait_for_load_state()
    walk.shot("issue-raised")
    issue = Issue.objects.get(project=plant)
    page.locator("main").get_by_role("link", name=str(plant)).first.click()
    page.wait_for_load_state()
    open_issues = page.locator("#open-issues").inner_text()
    assert (
        issue.reference in open_issues
        and title in open_issues
        and say("Power Supply Company", "供电公司") in open_issues
    )
    assert page.locator("#follow-up [data-light]").get_attribute("data-light") == "green"
    walk.shot("project-after")

    # --- The ledger of the event, printed as the page filters it ------------------------------------------
    walk.nav("Ledger", "项目台账")
    page.select_option("#id_event", label=say("Winter key projects signing", "冬季重点项目集中签约"))
    page.wait_for_load_state("networkidle")
    walk.shot("ledger-filtered")
    assert page.locator("#ledger-totals").get_attribute("data-count") == "3"
    ledger_total = page.locator("#ledger-totals").inner_text()
    assert shown_total in ledger_total
    name, data = download(page, page.locator("#ledger-print-xlsx"))
    assert name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    lines = [r for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) if len(r) > 9]
    for row in rows:
        line = next(r for r in lines if str(r[1] or "").startswith(row["name"]))
        assert line[2] == row["investor"]
        assert Decimal(str(line[3])) == row["cny"] / (10**9 if language == "en" else 10**8)
    plant_line = next(r for r in lines if str(r[1] or "").startswith(rows[0]["name"]))
    assert plant.reference in plant_line[1]
    assert title in plant_line[8] and say("Green", "绿灯") == plant_line[9]
    name, data = download(page, page.locator("#ledger-print-pdf"))
    assert name.endswith(".pdf")
    text = flat(pdf_text(data))
    for row in rows:
        assert flat(row["name"]) in text and flat(row["investor"]) in text
    assert flat(shown_total) in text

    # --- The monthly report --------------------------------------------------------------------------------
    walk.nav("Dashboard", "数据看板")
    page.get_by_role("link", name=say("Monthly supervision report", "月度督查通报")).click()
    page.wait_for_load_state()
    walk.shot("monthly")
    signed_value = page.locator("main tr", has=page.get_by_text(say("Signed value", "签约额"), exact=True)).first
    signed_value = signed_value.locator("td").nth(1).inner_text()
    city_total = ledger_before + total
    assert signed_value == say(f"RMB {city_total / 10**9:.2f} bn", f"{city_total / 10**8:.2f}亿元")
    flagged = page.locator("main section", has_text=say("Red and yellow projects", "红黄灯项目")).inner_text()
    assert rows[1]["name"] in flagged and rows[2]["name"] in flagged and plant.reference not in flagged
    name, data = download(page, page.get_by_role("link", name=say("PDF English", "PDF 中文"), exact=True))
    assert name.endswith(".pdf")
    text = flat(pdf_text(data))
    assert flat(signed_value) in text
    for row in rows[1:]:
        assert flat(row["name"]) in text
    assert flat(plant.name) not in text  # green now: not among the red and yellow projects
