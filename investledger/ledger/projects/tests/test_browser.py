"""A district officer uses the ledger in a real browser: filter, open a project, switch to Chinese."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from investledger.testing import PASSWORD, make_project

SHOTS = Path("/tmp/shots")
BN = Decimal("1000000000")


@pytest.fixture
def ledger(transactional_db, reference_data):
    ref = reference_data
    return {
        "north": make_project(name="北区电池工厂", area=ref.north, sector=ref.ev, value=3 * BN, event=ref.event),
        "park": make_project(name="园区生物药基地", area=ref.north_park, sector=ref.bio, value=BN / 2),
        "south": make_project(name="南区食品加工", area=ref.south, sector=ref.food, value=2 * BN, event=ref.event),
    }


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_a_district_officer_filters_the_ledger_and_reads_a_project_in_chinese(
    live_server, page, personas, reference_data, ledger
):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/projects/")
    page.fill("#id_username", personas.officer_north.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/projects/$"))

    rows = page.locator("#ledger-table tbody tr[data-project]")
    assert rows.count() == 2  # North District and its park; South District is not theirs
    assert "南区食品加工" not in page.content()
    shot(page, "ledger-en")

    # Filtering swaps only the table (htmx) and keeps the filters in the address bar.
    page.select_option("#id_area", str(reference_data.north_park.pk))
    page.wait_for_url(re.compile(rf"area={reference_data.north_park.pk}"))
    expect(rows).to_have_count(1)
    assert page.locator("#ledger-totals").get_attribute("data-count") == "1"
    assert page.locator("#id_area").input_value() == str(reference_data.north_park.pk)  # the panel was not reset
    shot(page, "ledger-filtered")

    # Sorting by a header keeps the filter.
    page.select_option("#id_area", str(reference_data.north.pk))
    expect(rows).to_have_count(2)
    page.click("#ledger-table thead a:has-text('Contract investment')")
    page.wait_for_url(re.compile(r"ordering=-value"))
    assert page.locator("#ledger-table tbody tr[data-project]").first.get_attribute("data-project") == str(
        ledger["north"].pk
    )

    page.click("text=北区电池工厂")
    page.wait_for_url(re.compile(rf"/projects/{ledger['north'].pk}/$"))
    assert page.locator("h1").inner_text() == "北区电池工厂"
    assert page.locator("a:has-text('Edit')").count() >= 1
    shot(page, "project-en")

    page.click("button[data-language=zh-hans]")
    page.wait_for_load_state("load")
    body = page.content()
    assert "签约额" in body
    assert "签约记录" in body
    assert "落地区域" in body
    shot(page, "project-zh")

    page.goto(f"{live_server.url}/projects/")
    assert "签约项目台账" in page.content()
    shot(page, "ledger-zh")

    page.goto(f"{live_server.url}/projects/{ledger['north'].pk}/edit/")
    shot(page, "project-edit-zh")
    page.goto(f"{live_server.url}/events/{reference_data.event.pk}/")
    assert page.locator("#ledger-count").inner_text() == "1"  # within the officer's scope: the north project only
    assert page.locator("#scope-note").count() == 1
    shot(page, "event-zh")
    page.goto(f"{live_server.url}/events/")
    shot(page, "events-zh")
    page.goto(f"{live_server.url}/investors/{ledger['park'].investor_id}/")
    shot(page, "investor-zh")

    # Bad input is named on its field.
    page.goto(f"{live_server.url}/projects/new/")
    page.fill("#id_name", "测试项目")
    page.fill("#id_contract_value", "-1")
    page.click("main button[type=submit]")
    assert page.locator("[data-error-for=contract_value]").count() == 1
    shot(page, "project-new-errors-zh")
