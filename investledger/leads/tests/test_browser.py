"""An ambassador's referral followed to a signed project in a real Chromium, with a second district
warned off the same investor (screenshots under /tmp)."""

import pytest

from investledger.leads.choices import ReferrerKind
from investledger.leads.models import CreditShare, Lead, Referrer
from investledger.reference.models import Unit
from investledger.testing import PASSWORD, make_investor, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "/accounts/login/" not in page.url, "login failed"


def test_an_ambassadors_referral_becomes_a_signed_project_with_the_ambassador_credited(
    page, browser, live_server, reference_data, personas
):
    north = Unit.objects.create(
        code="north-promo", name="北区投促中心", name_en="North Promotion Centre", area=reference_data.north
    )
    south = Unit.objects.create(
        code="south-promo", name="南区投促中心", name_en="South Promotion Centre", area=reference_data.south
    )
    investor = make_investor("字节跳动")
    ambassador = Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")

    login(page, live_server, "officer_north")
    page.goto(f"{live_server.url}/leads/")
    page.click("#new-lead")
    page.select_option("#id_investor", str(investor.pk))
    page.select_option("#id_sector", str(reference_data.ev.pk))
    page.fill("#id_size_cny", "10")
    page.fill("#id_need", "Regional headquarters and a data centre")
    page.select_option("#id_source", "ambassador")
    page.select_option("#id_referrer", str(ambassador.pk))
    page.select_option("#id_owning_unit", str(north.pk))
    page.select_option("#id_areas", [str(reference_data.north.pk)])
    with page.expect_navigation():
        page.click("#lead-form button[type=submit]")
    lead = Lead.objects.get(investor=investor)
    assert page.url.endswith(f"/leads/{lead.pk}/")
    for stage in ("contacted", "negotiating"):
        page.select_option("#id_move-stage", stage)
        with page.expect_navigation():
            page.click("#move-form button[type=submit]")
    assert "Negotiating" in page.locator("#lead-stage").inner_text()
    assert page.locator("#stage-log li").count() == 3

    # A second district opening the same investor is warned, without seeing the lead itself.
    other = browser.new_page()
    login(other, live_server, "officer_south")
    other.goto(f"{live_server.url}/leads/new/")
    other.select_option("#id_investor", str(investor.pk))
    other.select_option("#id_source", "walk_in")
    other.select_option("#id_owning_unit", str(south.pk))
    other.select_option("#id_areas", [str(reference_data.south.pk)])
    other.click("#lead-form button[type=submit]")
    warning = other.locator("#duplicate-warning")
    warning.wait_for()
    assert "Another unit is in contact with this investor; ask North Promotion Centre." in warning.inner_text()
    assert lead.reference not in other.content()
    other.screenshot(path="/tmp/leads-duplicate-warning.png", full_page=True)
    other.close()
    assert Lead.objects.count() == 1

    project = make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, value="10000000000")
    page.reload()
    page.fill("#id_convert-project", project.reference)
    page.fill("#id_convert-unit_share", "60")
    page.fill("#id_convert-referrer_share", "40")
    with page.expect_navigation():
        page.click("#convert-form button[type=submit]")
    assert "Signed" in page.locator("#lead-stage").inner_text()
    assert project.reference in page.locator("#lead-project").inner_text()
    assert "Ambassador Wang" in page.locator("#credit-shares").inner_text()
    assert CreditShare.objects.get(referrer=ambassador).percent == 40
    page.screenshot(path="/tmp/leads-lead-signed.png", full_page=True)

    page.goto(f"{live_server.url}/leads/referrers/ranking/")
    row = page.locator("#ranking-table tbody tr").first
    assert "Ambassador Wang" in row.inner_text() and "RMB 4.00 bn" in row.inner_text()
    page.screenshot(path="/tmp/leads-ranking.png", full_page=True)
    page.goto(f"{live_server.url}/leads/")
    page.wait_for_selector("#lead-funnel canvas")
    page.screenshot(path="/tmp/leads-pipeline-en.png", full_page=True)

    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(f"{live_server.url}/leads/")
    page.wait_for_selector("#lead-funnel canvas")
    assert "招商线索" in page.locator("h1").inner_text()
    page.screenshot(path="/tmp/leads-pipeline-zh.png", full_page=True)
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    assert "已签约" in page.locator("#lead-stage").inner_text()
    page.screenshot(path="/tmp/leads-lead-zh.png", full_page=True)
