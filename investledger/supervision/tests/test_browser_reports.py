"""In a real Chromium, from the login page with clicks and typing only, in English and in Chinese:
an officer files the month's progress with one bad row and sees the other rows saved, then raises an
issue from a project's page. Screenshots under /tmp."""

from decimal import Decimal

import pytest
from django.utils import timezone

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation.models import Issue
from investledger.supervision import periods, selectors, services
from investledger.supervision.models import ProgressReport
from investledger.supervision.tests.helpers import signed_project
from investledger.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_officer_files_progress_with_one_bad_row_and_raises_an_issue_from_a_project_page(
    language, page, live_server, reference_data, personas
):
    today = timezone.localdate()
    signed = periods.add_months(today, -10).replace(day=15)
    prefilled = signed_project(reference_data, signed_on=signed, name="North battery plant", value="26000000000")
    bad = signed_project(reference_data, signed_on=signed, name="North cathode works")
    good = signed_project(reference_data, area=reference_data.north_park, signed_on=signed, name="Park chip fab")
    period = selectors.default_report_period(1, today)
    with audit_context(source="test"), clock.frozen_at(today):
        services.report_submit(
            project=prefilled,
            period=period,
            funds_in_place_cny=Decimal("13000000720"),  # 1,300,000.072 万元
            investment_completed_cny=Decimal("13000000720"),
        )
    shot = f"/tmp/progress-{language}"

    page.goto(f"{live_server.url}/accounts/login/")
    if language != "en":
        with page.expect_navigation():
            page.click(f"button[data-language={language}]")
    page.fill("#id_username", "officer_north")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert "/accounts/login/" not in page.url, "login failed"

    # Supervision → Progress reports: the month to report, every row of the officer's projects.
    page.click("nav a.nav-link[href*='/supervision/']")
    page.click("a[href$='/supervision/reports/']")
    page.wait_for_selector("#report-batch")
    row = {p: page.locator(f"#report-row-{p.pk}") for p in (prefilled, bad, good)}
    assert row[prefilled].locator("input[name$=funds_in_place]").input_value() == "1300000.07"
    page.screenshot(path=f"{shot}-batch.png", full_page=True)
    row[bad].locator("input[name$=funds_in_place]").fill("12.345")
    row[bad].locator("input[name$=investment_completed]").fill("12")
    row[good].locator("input[name$=funds_in_place]").fill("250")
    row[good].locator("input[name$=investment_completed]").fill("250")
    row[good].locator("input[name$=jobs_created]").fill("40")
    with page.expect_navigation():
        page.click("#report-batch button[type=submit]")
    failures = page.locator("#report-failures")
    assert bad.reference in failures.inner_text()
    assert row[good].locator(".badge.text-bg-success").count() == 1
    assert row[bad].locator("input[name$=funds_in_place]").input_value() == "12.345"
    page.screenshot(path=f"{shot}-batch-one-bad-row.png", full_page=True)
    assert ProgressReport.objects.get(project=good, period=period).funds_in_place_cny == Decimal("2500000")
    assert not ProgressReport.objects.filter(project=bad).exists()
    assert ProgressReport.objects.get(project=prefilled).funds_in_place_cny == Decimal("13000000720")

    # The bad row corrected: saved too, and the page says so.
    row[bad].locator("input[name$=funds_in_place]").fill("12.35")
    with page.expect_navigation():
        page.click("#report-batch button[type=submit]")
    assert page.locator("#report-failures").count() == 0
    assert ProgressReport.objects.get(project=bad).funds_in_place_cny == Decimal("123500")

    # Ledger → the project → Raise an issue.
    page.click("nav a.nav-link[href*='/projects/']")
    page.click(f"a:has-text('{bad.name}')")
    page.wait_for_selector("#project-follow-up")
    assert "12.35" in page.locator("#latest-report").inner_text()
    page.screenshot(path=f"{shot}-project.png", full_page=True)
    page.click("#raise-issue")
    page.fill("#id_title", "Grid connection for the cathode line")
    page.select_option("#id_category", "power")
    page.select_option("#id_responsible_unit", str(reference_data.power.pk))
    page.fill("#id_description", "The 110 kV line is not yet scheduled.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    issue = Issue.objects.get(project=bad)
    assert issue.reference in page.content()
    page.screenshot(path=f"{shot}-issue.png", full_page=True)

    # Back on the project page, the open issue is listed; the project's own report form is one click away.
    page.click(f"a:has-text('{bad.name}')")
    page.wait_for_selector("#open-issues")
    assert issue.title in page.locator("#open-issues").inner_text()
    page.click("#report-progress")
    page.wait_for_selector("#project-report")
    assert page.locator("#id_funds_in_place").input_value() == "12.35"
    page.fill("#id_narrative", "Cathode line installed")
    page.screenshot(path=f"{shot}-project-report.png", full_page=True)
    with page.expect_navigation():
        page.click("#project-report button[type=submit]")
    assert ProgressReport.objects.get(project=bad).narrative == "Cathode line installed"

    # The project's issues: the list says what it is filtered by, and raising pre-fills the project.
    page.click("#project-follow-up a[href*='/issues/?project=']")
    assert bad.reference in page.locator("#issue-list-heading").inner_text()
    page.screenshot(path=f"{shot}-issue-list.png", full_page=True)
    page.click("#raise-issue")
    assert bad.reference in page.locator("#issue-project").inner_text()
