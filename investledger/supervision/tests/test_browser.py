"""The supervision overview in a real browser, with red and yellow projects and their reasons."""

import pytest

from investledger.supervision import demo
from investledger.testing import PASSWORD, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_the_overview_shows_red_and_yellow_projects_with_reasons(live_server, page, reference_data, personas):
    for i in range(12):
        make_project(
            area=reference_data.north if i % 2 else reference_data.south,
            sector=reference_data.ev if i % 3 else reference_data.bio,
            event=reference_data.event,
            name=f"示范项目 {i + 1}",
            is_demo=True,
        )
    demo.load()  # as of today: the page computes nothing, it shows the stored lights
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, live_server, personas.supervisor)
    page.goto(f"{live_server.url}/supervision/")
    assert page.locator("#flagged tbody tr.flagged-red").count() >= 2
    assert page.locator("#flagged tbody tr.flagged-yellow").count() >= 2
    assert "overdue" in page.locator("#flagged").inner_text()
    page.screenshot(path="/tmp/il_sup/supervision_overview.png", full_page=True)
    page.click("button[data-language=zh-hans]")
    page.wait_for_selector("#flagged")
    assert "节点逾期超过 3 个月" in page.locator("#flagged").inner_text()
    page.screenshot(path="/tmp/il_sup/supervision_overview_zh.png", full_page=True)
    page.click("button[data-language=en]")
    page.wait_for_selector("#flagged")

    page.locator("#flagged a").first.click()
    page.wait_for_selector("#milestones")
    page.screenshot(path="/tmp/il_sup/supervision_project.png", full_page=True)
    page.goto(f"{live_server.url}/supervision/inspections/")
    page.screenshot(path="/tmp/il_sup/supervision_inspections.png", full_page=True)

    sign_in(page, live_server, personas.officer_north)
    page.goto(f"{live_server.url}/supervision/reports/")
    assert page.locator("#report-batch").count() == 1
    page.screenshot(path="/tmp/il_sup/supervision_reports.png", full_page=True)
