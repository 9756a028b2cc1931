"""An investor's profile entered and read in a real Chromium, in English and Chinese (screenshots under /tmp)."""

from decimal import Decimal

import pytest

from investledger.ledger.investors.models import InvestorProfile
from investledger.testing import PASSWORD, make_investor, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "/accounts/login/" not in page.url, "login failed"


def test_the_bureau_enters_a_profile_with_its_sources(page, live_server, reference_data, personas):
    investor = make_investor("比亚迪", name_en="BYD")
    make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, value=Decimal("3e9"))
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/investors/{investor.pk}/")
    page.click("text=Add a profile")
    page.select_option("#id_sectors", [str(reference_data.ev.pk)])
    page.fill("#id_ticket_min_cny", "1")
    page.fill("#id_ticket_max_cny", "20")
    page.check("input[name=modes][value=equity]")
    page.fill("#id_source_sectors_text", "Annual report 2022")
    page.fill("#id_source_sectors_on", "2022-08-22")
    page.click("#profile-form button[type=submit]")
    # The ticket is stated without its source: the page says so and keeps what was typed.
    assert "Ticket size: say where this was read" in page.locator("#profile-form").inner_text()
    assert page.input_value("#id_ticket_max_cny") == "20"
    page.fill("#id_source_ticket_url", "https://example.org/report")
    page.fill("#id_source_ticket_on", "2022-08-22")
    page.fill("#id_source_modes_text", "Meeting with the bureau")
    page.fill("#id_source_modes_on", "2023-04-12")
    page.screenshot(path="/tmp/investor-profile-form.png", full_page=True)
    with page.expect_navigation():
        page.click("#profile-form button[type=submit]")
    card = page.locator("#investor-profile").inner_text()
    assert "RMB 1.00 bn to RMB 20.00 bn" in card and "Annual report 2022" in card and "Equity investment" in card
    page.screenshot(path="/tmp/investor-profile.png", full_page=True)
    assert InvestorProfile.objects.get(investor=investor).version == 1

    page.goto(f"{live_server.url}/investors/{investor.pk}/")
    with page.expect_navigation():
        page.click("#language-switch button[data-language=zh-hans]")
    page.wait_for_selector("text=投资意向：该投资方在寻找什么")
    card = page.locator("#investor-profile").inner_text()
    assert "10.00亿元 至 200.00亿元" in card and "股权投资" in card
    page.screenshot(path="/tmp/investor-profile-zh.png", full_page=True)
