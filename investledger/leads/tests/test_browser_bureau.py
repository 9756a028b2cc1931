"""The bureau keeps the response deadlines and the registry in a real Chromium, reached by clicks from
the navigation, in English and Chinese (screenshots under /tmp)."""

import pytest

from investledger.leads.choices import ReferrerKind
from investledger.leads.models import LeadClass, Referrer
from investledger.leads.tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_edits_deadlines_and_the_registry_from_the_leads_pages(page, live_server, personas):
    LeadClass.objects.create(name="≥ 1亿", min_value_cny=100_000_000, respond_days=1, assess_days=3, feedback_days=7)
    Referrer.objects.create(kind=ReferrerKind.AMBASSADOR, name="王大使", name_en="Ambassador Wang")
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.click("nav a.nav-link:has-text('Leads')")
    with page.expect_navigation():
        page.click("#nav-lead-classes")
    with page.expect_navigation():
        page.click("#new-lead-class")
    page.fill("#id_name", "≥ 10亿")
    page.fill("#id_min_value_cny", "1")
    page.fill("#id_respond_days", "1")
    page.fill("#id_assess_days", "2")
    page.fill("#id_feedback_days", "5")
    with page.expect_navigation():
        page.click("#lead-class-form button[type=submit]")
    assert "≥ 10亿" in page.locator("#lead-class-table").inner_text()
    assert LeadClass.objects.get(name="≥ 10亿").min_value_cny == 1_000_000_000
    page.screenshot(path="/tmp/leads-classes-en.png", full_page=True)

    with page.expect_navigation():
        page.click("ul.nav-tabs a:has-text('Ambassadors and agencies')")
    with page.expect_navigation():
        page.click("#new-referrer")
    page.select_option("#id_kind", "agency")
    page.fill("#id_name", "成都示例咨询")
    page.fill("#id_name_en", "Chengdu Example Advisory")
    with page.expect_navigation():
        page.click("#referrer-form button[type=submit]")
    assert "Chengdu Example Advisory" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.click("#referrer-active-form button[type=submit]")
    assert page.locator("#referrer-inactive").is_visible()
    assert not Referrer.objects.get(name="成都示例咨询").active
    page.screenshot(path="/tmp/leads-referrer-en.png", full_page=True)

    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.reload()
    assert "已停用" in page.locator("#referrer-inactive").inner_text()
    page.screenshot(path="/tmp/leads-referrer-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#edit-referrer")
    page.screenshot(path="/tmp/leads-referrer-form-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("#nav-lead-classes")
    assert "响应时限" in page.locator("h1").inner_text()
    page.screenshot(path="/tmp/leads-classes-zh.png", full_page=True)


def test_the_bureau_opens_a_lead_from_the_inbox_with_one_click(page, live_server, reference_data, personas):
    import importlib

    from django.apps import apps

    from investledger.ledger.opportunities.models import Interest
    from investledger.ledger.opportunities.tests.conftest import add_opportunity, north_list

    importlib.import_module("investledger.ledger.opportunities.migrations.0002_seed_categories").seed(apps, None)
    the_list = north_list.__wrapped__(reference_data)
    opportunity = add_opportunity(the_list, title="北区物流园", area=reference_data.north, code="industrial-carriers")
    interest = Interest.objects.create(
        opportunity=opportunity,
        name="李女士",
        organisation="顺丰速运",
        email="li@example.org",
        message="Site visit in May?",
    )
    login(page, live_server, "admin")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(f"{live_server.url}/opportunities/inbox/")
    page.locator("#interest-list").screenshot(path="/tmp/leads-inbox-zh.png")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/opportunities/inbox/")
    with page.expect_navigation():
        page.click(f"[data-interest='{interest.pk}'] button[data-offer='open-lead']")
    assert "顺丰速运" in page.locator("h1").inner_text()
    assert "北区物流园" in page.locator("#lead-opportunity").inner_text()
    page.screenshot(path="/tmp/leads-from-interest-en.png", full_page=True)
