"""The issue list and an escalated issue in a real Chromium (screenshots under /tmp)."""

import pytest

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation import services
from investledger.testing import PASSWORD

from .helpers import FRI, MON, THU, raise_issue, scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username, navigate=True):
    if navigate:
        page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "/accounts/login/" not in page.url, "login failed"


def test_the_issue_list_and_an_escalated_issue_render(
    page, live_server, reference_data, park_project, south_project, personas
):
    escalated = raise_issue(park_project, reference_data.power, on=THU, title="110 kV line connection delayed")
    raise_issue(south_project, reference_data.bureau, on=FRI, title="Land pre-approval pending", category="land")
    closed = raise_issue(
        south_project, reference_data.power, on=THU, title="Temporary water for the site", category="water"
    )
    with clock.frozen_at(FRI), audit_context(actor=personas.officer_south, source="test"):
        services.issue_close(issue=closed, by=personas.officer_south, resolution="Connected on Friday.")
    scan(escalated.assess_by.replace(day=escalated.assess_by.day + 1))  # missed respond and assess: bureau

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/escalation/issues/")
    page.wait_for_selector("#issue-table")
    assert page.locator("#issue-table tbody tr").count() == 3
    assert page.locator("#issue-table .badge.level-bureau").count() == 1
    page.screenshot(path="/tmp/escalation-issue-list.png", full_page=True)

    page.goto(f"{live_server.url}/escalation/issues/{escalated.pk}/")
    page.wait_for_selector("#escalation-steps")
    assert page.locator("#escalation-steps li").count() == 2
    assert "City bureau" in page.locator("#issue-level").inner_text()
    assert page.locator(".ladder li.current").inner_text().startswith("3")
    page.screenshot(path="/tmp/escalation-issue-detail.png", full_page=True)

    # The filter form submits itself when a select changes (no inline script: CSP).
    page.goto(f"{live_server.url}/escalation/issues/")
    page.select_option("#id_level", "3")
    page.wait_for_url("**level=3**")
    assert page.locator("#issue-table tbody tr").count() == 1


def test_an_escalated_issue_reads_in_chinese(page, live_server, reference_data, park_project, personas):
    issue = raise_issue(park_project, reference_data.power, on=THU, title="110千伏专线接入滞后")
    scan(issue.respond_by + (issue.assess_by - issue.respond_by))  # missed the response: district

    login(page, live_server, "unit_power")
    page.goto(f"{live_server.url}/escalation/issues/{issue.pk}/")
    with page.expect_navigation():
        page.click("button[data-language=zh-hans]")
    page.wait_for_selector("#escalation-steps")
    assert "区县" in page.locator("#issue-level").inner_text()
    assert "答复" in page.content() and "升级记录" in page.content()
    page.screenshot(path="/tmp/escalation-issue-detail-zh.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_district_officer_answers_an_issue_escalated_to_the_district(
    language, page, live_server, reference_data, park_project, personas
):
    issue = raise_issue(park_project, reference_data.power, on=THU, title="110 kV line connection delayed")
    scan(FRI + (MON - FRI))  # no response by Friday: the district holds it from Monday
    issue.refresh_from_db()
    assert issue.level == 2

    page.goto(f"{live_server.url}/accounts/login/")
    if language != "en":
        with page.expect_navigation():
            page.click(f"button[data-language={language}]")
    login(page, live_server, "officer_north", navigate=False)
    page.click("nav a.nav-link[href*='/escalation/']")
    page.click(f"#issue-table a:has-text('{issue.reference}')")
    page.wait_for_selector("#issue-actions")
    assert page.locator(f"form[action$='/{issue.pk}/respond/']").count() == 1
    assert page.locator(f"form[action$='/{issue.pk}/assess/']").count() == 1
    page.screenshot(path=f"/tmp/escalation-district-actions-{language}.png", full_page=True)
    page.fill("#id_respond-text", "District and grid company met on site; line scheduled.")
    with page.expect_navigation():
        page.click(f"form[action$='/{issue.pk}/respond/'] button[type=submit]")
    issue.refresh_from_db()
    assert issue.status == "responded"
