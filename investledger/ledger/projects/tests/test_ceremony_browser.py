"""A district officer records a ceremony's projects through the grid in a real browser, in both languages."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import PASSWORD, make_investor, make_project

SHOTS = Path("/tmp/shots")
BN = Decimal("1000000000")

WORDS = {
    "en": {
        "events": "Signing events",
        "enter": "Enter projects",
        "flagged": "Likely already in the ledger",
        "recorded": "Recorded at",
        "resigning_note": "1 re-signing of a project counted at an earlier event adds nothing.",
        "unit": "RMB bn",
        "amounts": ("6.3", "1.5", "5"),
        "increase": "Record a capital increase",
        "increment": "Increment",
        "new_total_warning": "the new total",
        "increment_typed": "1",
    },
    "zh-hans": {
        "events": "签约活动",
        "enter": "录入项目",
        "flagged": "疑似台账中已有",
        "recorded": "已在",
        "resigning_note": "1个项目为此前活动已计入项目的重复签约，不再计入。",
        "unit": "亿元",
        "amounts": ("63", "15", "50"),
        "increase": "登记增资",
        "increment": "增资额",
        "new_total_warning": "增资后的总额",
        "increment_typed": "10",
    },
}


@pytest.fixture
def ceremony(transactional_db, reference_data):
    ref = reference_data
    earlier = SigningEvent.objects.create(
        name="2021年重点项目签约会", name_en="2021 key projects signing", kind="expo", date=dt.date(2021, 5, 20)
    )
    existing = make_project(
        name="长安新能源整车基地",
        investor=make_investor("重庆长安汽车股份有限公司"),
        area=ref.north,
        sector=ref.ev,
        value=5 * BN,
        event=earlier,
    )
    make_investor("成都京东方光电科技有限公司", name_en="BOE Chengdu")
    return {"event": ref.event, "existing": existing}


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, user, language):
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/")
    if language != "en":
        page.click(f"button[data-language={language}]")
        page.wait_for_load_state("load")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


def pick_investor(page, index, typed, option_selector):
    field = page.locator(f"#id_form-{index}-investor_name")
    field.click()
    field.press_sequentially(typed, delay=30)
    option = page.locator(f"#row-form-{index} {option_selector}")
    expect(option).to_be_visible()
    option.click()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_district_officer_records_a_ceremony_through_the_grid(
    live_server, page, personas, reference_data, ceremony, language
):
    ref, words = reference_data, WORDS[language]
    existing = ceremony["existing"]
    log_in(page, live_server, personas.officer_north, language)

    page.click(f"nav a:has-text('{words['events']}')")
    event_name = ceremony["event"].name_en if language == "en" else ceremony["event"].name
    page.click(f"#event-table a:has-text('{event_name}')")
    page.click("#enter-projects")
    expect(page.locator("#ceremony-grid")).to_be_visible()
    assert page.locator("#row-form-0 .input-group-text").inner_text() == words["unit"]

    first, second, third = words["amounts"]
    # Row 1: an investor already in the ledger, found by typing part of its name.
    page.fill("#id_form-0-name", "京东方第8.6代OLED生产线")
    pick_investor(page, 0, "京东方", ".investor-option:has-text('成都京东方光电科技有限公司')")
    page.select_option("#id_form-0-host_area", str(ref.north.pk))
    page.select_option("#id_form-0-sector", str(ref.ev.pk))
    page.fill("#id_form-0-amount", first)
    page.keyboard.press("Tab")
    expect(page.locator("#row-form-0 .no-duplicate")).to_be_visible()

    # Row 2: a new investor, created inline.
    page.fill("#id_form-1-name", "北区生物药研发中心")
    pick_investor(page, 1, "四川新药研发有限公司", ".investor-new")
    expect(page.locator("#row-form-1 .new-investor-badge")).to_be_visible()
    page.select_option("#id_form-1-host_area", str(ref.north_park.pk))
    page.select_option("#id_form-1-sector", str(ref.bio.pk))
    page.fill("#id_form-1-amount", second)
    page.keyboard.press("Tab")

    # Row 3: the project signed in 2021, signed again: flagged before saving, recorded as a re-signing.
    page.fill("#id_form-2-name", "长安新能源整车基地项目")
    pick_investor(page, 2, "长安汽车", ".investor-option")
    page.select_option("#id_form-2-host_area", str(ref.north.pk))
    page.select_option("#id_form-2-sector", str(ref.ev.pk))
    page.fill("#id_form-2-amount", third)
    page.keyboard.press("Tab")
    flagged = page.locator("#row-form-2 .duplicate-check")
    expect(flagged).to_contain_text(words["flagged"])
    expect(flagged).to_contain_text(existing.reference)
    page.click(f"#form-2-same-{existing.pk}")
    shot(page, f"ceremony-grid-{language}")

    page.click("#ceremony-save")
    page.wait_for_url(re.compile(rf"/events/{ceremony['event'].pk}/$"))
    expect(page.locator("main")).to_contain_text(words["recorded"])
    expect(page.locator("#event-projects tbody tr")).to_have_count(2)
    expect(page.locator("#counting-notes")).to_contain_text(words["resigning_note"])
    shot(page, f"ceremony-saved-{language}")

    created = Project.objects.filter(first_event=ceremony["event"]).order_by("pk")
    assert [p.contract_value_cny for p in created] == [Decimal("6300000000.00"), Decimal("1500000000.00")]
    assert created[1].investor == Investor.objects.get(name="四川新药研发有限公司")
    signing = Signing.objects.get(event=ceremony["event"], project=existing)
    assert signing.kind == SigningKind.RESIGNING


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_capital_increase_starts_at_zero_and_a_new_total_is_questioned(
    live_server, page, personas, reference_data, ceremony, language
):
    words = WORDS[language]
    existing = ceremony["existing"]
    log_in(page, live_server, personas.officer_north, language)
    page.click("nav a.nav-link >> nth=0")  # the ledger
    page.click(f"#ledger-table a:has-text('{existing.name}')")
    page.click(f"a:has-text('{words['increase']}')")
    amount = page.locator("#id_stated_value_cny")
    expect(amount).to_have_value("0")
    expect(page.locator("label[for=id_stated_value_cny]")).to_contain_text(words["increment"])
    page.select_option("#id_event", str(ceremony["event"].pk))
    amount.fill(words["amounts"][2])  # the project's amount again: a new total typed as an increment
    page.click("main button[type=submit]")
    expect(page.locator("#increment-warning")).to_contain_text(words["new_total_warning"])
    shot(page, f"capital-increase-warning-{language}")
    existing.refresh_from_db()
    assert existing.contract_value_cny == 5 * BN
    # The real increment is saved, and the project's amount grows by it.
    amount.fill(words["increment_typed"])
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf"/projects/{existing.pk}/$"))
    shot(page, f"capital-increase-saved-{language}")
    existing.refresh_from_db()
    assert existing.contract_value_cny == 6 * BN
