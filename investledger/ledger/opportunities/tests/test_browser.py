"""In Chromium: an officer publishes a list and an opportunity, a reader expresses interest on the public
page, the officer finds it in the inbox, reads the investors matched to the opportunity (dismisses one,
undoes it), and marks the opportunity signed with the project of the investor that fits best."""

import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from investledger.core.audit import audit_context
from investledger.ledger.investors.services import profile_save
from investledger.ledger.opportunities.models import Interest, Opportunity
from investledger.testing import PASSWORD, make_investor, make_project

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


def project_value_zh(project) -> str:
    return f"{project.contract_value_cny / 100_000_000:.2f}亿元"


def profiled(name, reference_data, *, low, high):
    investor = make_investor(name)
    source = {"text": "Visit to the bureau", "url": "", "on": "2023-03-01"}
    with audit_context(source="test"):
        profile_save(
            investor=investor,
            fields={
                "ticket_min_cny": Decimal(low),
                "ticket_max_cny": Decimal(high),
                "modes": ["joint"],
                "plans": "",
                "sources": {fact: source for fact in ("sectors", "ticket", "regions", "modes")},
            },
            sectors=[reference_data.food.pk],
            regions=[reference_data.north.pk],
        )
    return investor


def test_publish_express_interest_match_and_sign(browser, live_server, personas, reference_data, categories):
    harbour = profiled("Harbour Logistics Ltd", reference_data, low="1000000000", high="3000000000")
    inland = profiled("Inland Cold Chain Co", reference_data, low="100000000", high="500000000")
    project = make_project(
        name="北区冷链物流中心项目",
        area=reference_data.north,
        sector=reference_data.food,
        investor=harbour,
        event=reference_data.event,
    )
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
    officer.select_option("#id_sectors", [str(reference_data.food.pk)])
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
    matches = officer.locator("#match-list > li")
    expect(matches).to_have_count(2)
    expect(matches.nth(0)).to_contain_text("Harbour Logistics Ltd")
    for item in (matches.nth(0), matches.nth(1)):
        score = Decimal(item.locator("[data-score]").get_attribute("data-score"))
        points = [
            Decimal(p) for p in item.locator("[data-points]").evaluate_all("cells => cells.map(c => c.dataset.points)")
        ]
        assert sum(points) == score
    shot(officer, "matches-en")
    officer.fill(f"#dismiss-reason-{inland.pk}", "只做小型仓储")
    officer.click(f"#match-list li[data-investor='{inland.pk}'] button[type=submit]")
    officer.wait_for_url(re.compile(rf"/opportunities/{opportunity.pk}/#matches$"))
    expect(officer.locator("#match-list > li")).to_have_count(1)
    expect(officer.locator("#dismissed-matches")).to_contain_text("只做小型仓储")
    expect(officer.locator("#dismissed-matches")).to_contain_text("officer_north")
    officer.click("button[data-language=zh-hans]")
    officer.wait_for_load_state("load")
    expect(officer.locator("#matches-title")).to_have_text("适合该机会的投资方")
    shot(officer, "matches-zh")
    officer.click("#dismissed-matches button[type=submit]")
    officer.wait_for_url(re.compile(rf"/opportunities/{opportunity.pk}/#matches$"))
    expect(officer.locator("#match-list > li")).to_have_count(2)
    officer.click(f"#match-list li[data-investor='{harbour.pk}'] a")
    expect(officer.locator("#opportunity-match-list > li")).to_have_count(1)
    expect(officer.locator("#opportunity-match-list")).to_contain_text("北区冷链物流中心")
    shot(officer, "investor-matches-zh")
    officer.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    officer.click("button[data-language=en]")
    officer.wait_for_load_state("load")
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
    officer.goto(f"{live_server.url}/opportunities/lists/{opportunity.list_id}/")
    expect(officer.locator("[data-figure=opportunities_signed]")).to_have_text("1")
    expect(officer.locator("[data-figure=opportunity_signed_value]")).to_have_text(project_value_zh(project))
    shot(officer, "list-signed-zh")

    reader.goto(f"{live_server.url}/opportunities/public/{opportunity.pk}/")
    assert "404" in reader.title() or reader.locator("h1").count() == 0 or "Not Found" in reader.content()
