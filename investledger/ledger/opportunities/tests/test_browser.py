"""In Chromium: an officer publishes a list and an opportunity, a reader expresses interest on the public
page, the officer finds it in the inbox and marks the opportunity signed with its project."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from investledger.ledger.opportunities.models import Interest, Opportunity
from investledger.testing import PASSWORD, make_project

SHOTS = Path("/tmp/shots")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"opportunities-{name}.png"), full_page=True)


def log_in(page, url, user):
    page.goto(f"{url}/accounts/login/?next=/opportunities/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/opportunities/$"))


@pytest.fixture
def categories(transactional_db):
    """The category codelist its migration seeds: a browser test's database is emptied after every
    transactional test, so the codelist is seeded again here, as the migration does."""
    importlib.import_module("investledger.ledger.opportunities.migrations.0002_seed_categories").seed(apps, None)


def test_publish_express_interest_and_sign(browser, live_server, personas, reference_data, categories):
    project = make_project(name="北区冷链物流中心项目", area=reference_data.north, sector=reference_data.food)
    officer = browser.new_page(viewport={"width": 1400, "height": 900})
    log_in(officer, live_server.url, personas.officer_north)

    officer.click("text=New list")
    officer.fill("#id_title", "北区2023年第一批机会清单")
    officer.fill("#id_title_en", "North District opportunities, first batch 2023")
    officer.select_option("#id_publishing_area", str(reference_data.north.pk))
    officer.fill("#id_released_on", "2023-04-12")
    officer.check("#id_published")
    officer.click("main button[type=submit]")
    officer.wait_for_url(re.compile(r"/opportunities/lists/\d+/$"))

    officer.click("text=Add an opportunity")
    officer.fill("#id_title", "北区冷链物流中心")
    officer.fill("#id_title_en", "North cold-chain logistics centre")
    officer.select_option("#id_category", label="Industrial carriers")
    officer.select_option("#id_host_area", str(reference_data.north.pk))
    officer.fill("#id_estimated_value", "1.5")
    officer.check("#id_value_approximate")
    officer.select_option("#id_cooperation_mode", "joint")
    officer.click("main button[type=submit]")
    officer.wait_for_url(re.compile(r"/opportunities/\d+/$"))
    opportunity = Opportunity.objects.get(title="北区冷链物流中心")
    officer.click(f"text={opportunity.list.title_en}")
    expect(officer.locator("#list-totals")).to_have_text("1 opportunity in 1 category, about RMB 1.5 bn")
    expect(officer.locator("#category-chart[data-drawn=true]")).to_have_count(1)
    shot(officer, "list-en")

    reader = browser.new_page(viewport={"width": 1280, "height": 900})
    reader.goto(f"{live_server.url}/opportunities/public/")
    reader.click("text=North cold-chain logistics centre")
    reader.fill("#id_name", "陈先生")
    reader.fill("#id_organisation", "Harbour Logistics Ltd")
    reader.fill("#id_email", "chan@example.com")
    reader.fill("#id_message", "We would like to visit the site next month.")
    shot(reader, "public-detail-en")
    reader.click("#interest-form button[type=submit]")
    expect(reader.locator(".alert-success")).to_contain_text("your interest was passed to")
    assert Interest.objects.count() == 1
    reader.click("button[data-language=zh-hans]")
    reader.wait_for_load_state("load")
    assert "表达投资意向" in reader.content()
    shot(reader, "public-detail-zh")

    officer.goto(f"{live_server.url}/opportunities/inbox/")
    expect(officer.locator("#interest-list")).to_contain_text("Harbour Logistics Ltd")
    officer.click("#interest-list a:has-text('North cold-chain logistics centre')")
    officer.click("text=Change status")
    officer.select_option("#id_status", "signed")
    officer.fill("#id_reason", "与港方签约")
    officer.select_option("#id_project", str(project.pk))
    officer.click("main button[type=submit]")
    officer.wait_for_url(re.compile(rf"/opportunities/{opportunity.pk}/$"))
    expect(officer.locator("#opportunity-status")).to_have_text("Signed")
    expect(officer.locator("#signed-project")).to_contain_text(project.reference)
    expect(officer.locator("#status-history")).to_contain_text("与港方签约")
    shot(officer, "signed-en")
    officer.click("button[data-language=zh-hans]")
    officer.wait_for_load_state("load")
    expect(officer.locator("#opportunity-status")).to_have_text("签约")
    shot(officer, "signed-zh")

    reader.goto(f"{live_server.url}/opportunities/public/{opportunity.pk}/")
    assert "404" in reader.title() or reader.locator("h1").count() == 0 or "Not Found" in reader.content()
