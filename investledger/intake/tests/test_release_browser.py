"""Reading press releases in a real Chromium: an English and a Chinese release pasted, their deals
reviewed with the evidence highlighted, and the accepted ones written to the ledger.

Screenshots are saved under /tmp (release-review-en.png, release-review-zh.png, release-committed-zh.png,
release-event-en.png, release-event-zh.png, release-watch-zh.png, release-watch-en.png).
"""

import pytest

from investledger.intake.tests.test_browser import login
from investledger.intake.tests.test_release_review import CHINESE, ENGLISH
from investledger.ledger.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def paste(page, live_server, text, event):
    page.goto(f"{live_server.url}/intake/")
    page.click("#release-new")
    page.fill("#id_text", text)
    page.select_option("#id_event", str(event.pk))
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-text")


def decide(page, number, decision):
    page.click(f"#deal-{number} button[value={decision}]")
    page.wait_for_selector(f"#deal-{number} .decision")


def check_and_commit(page):
    page.click("#check-form button")
    page.wait_for_selector("#commit-form button:not([disabled])")
    page.click("#commit-form button")
    page.wait_for_selector(".alert-success")


def test_an_officer_turns_an_english_and_a_chinese_release_into_ledger_entries(
    page, live_server, reference_data, personas, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    login(page, live_server, "officer_north")

    paste(page, live_server, ENGLISH, reference_data.event)
    evidence = page.locator("#release-text mark#evidence-1")
    assert evidence.inner_text().startswith("Acme Biotech Co., Ltd. signed an agreement")
    assert "aims to attract" not in page.locator("#release-text mark").all_inner_texts()[-1]
    page.screenshot(path="/tmp/release-review-en.png", full_page=True)
    page.fill("#id_d1-name", "Acme biomedicine production base")
    decide(page, 1, "accepted")
    assert page.locator("#deal-1 .decision").inner_text() == "Accepted"
    decide(page, 2, "rejected")
    check_and_commit(page)
    assert "1 new projects" in page.locator(".alert-success").inner_text()
    page.goto(f"{live_server.url}/events/{reference_data.event.pk}/")
    assert "1 project missing" in page.locator("#announced-releases").inner_text()
    page.screenshot(path="/tmp/release-event-en.png", full_page=True)

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
    paste(page, live_server, CHINESE, reference_data.event)
    assert "华康生物医药有限公司与北区签约" in page.locator("#release-text mark#evidence-1").inner_text()
    assert "南山食品集团有限公司投资10亿元" in page.locator("#release-text mark#evidence-2").inner_text()
    assert "提取的项目" in page.content()
    page.screenshot(path="/tmp/release-review-zh.png", full_page=True)
    decide(page, 1, "accepted")
    page.select_option("#id_d2-host_area", "北区")
    page.select_option("#id_d2-sector", "食品加工")
    decide(page, 2, "accepted")
    assert page.locator("#deal-2 .decision").inner_text() == "已采纳"
    check_and_commit(page)
    page.screenshot(path="/tmp/release-committed-zh.png", full_page=True)
    page.goto(f"{live_server.url}/events/{reference_data.event.pk}/")
    assert "台账中有 3 个" in page.locator("#announced-releases").inner_text()
    page.screenshot(path="/tmp/release-event-zh.png", full_page=True)

    # An article about one of these projects: the watch flags it on the project's page.
    page.goto(f"{live_server.url}/intake/releases/new/")
    page.fill("#id_text", "据报道，华康生物医药有限公司在北区投资建设的项目已终止，公司称资金未能到位。")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-signals")
    page.click("#release-signals a")
    page.wait_for_selector("#watch-signals")
    assert "已终止" in page.locator("#watch-signals").inner_text()
    page.screenshot(path="/tmp/release-watch-zh.png", full_page=True)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.reload()
    assert "terminated" in page.locator("#watch-signals").inner_text()
    page.screenshot(path="/tmp/release-watch-en.png", full_page=True)

    names = set(Project.objects.values_list("investor__name", flat=True))
    assert names == {"Acme Biotech Co., Ltd.", "华康生物医药有限公司", "南山食品集团有限公司"}
    assert Project.objects.get(investor__name="南山食品集团有限公司").sector == reference_data.food
