"""The dashboard in a real Chromium: the charts draw, and a click on a bar opens the filtered ledger."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_page(page, live_server, ledger, personas):
    client = Client()
    client.force_login(personas.leader)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def test_the_charts_render_and_a_bar_opens_the_filtered_ledger(signed_in_page, live_server, reference_data):
    page = signed_in_page
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(live_server.url + reverse("reporting:dashboard"))
    page.wait_for_selector('[data-chart="by-sector"][data-rendered="true"] canvas')
    for chart in ("by-sector", "by-area", "by-event", "by-month", "funnel", "ranking"):
        assert page.locator(f'[data-chart="{chart}"] canvas').count() >= 1, chart
    page.screenshot(path="/tmp/reporting-dashboard.png", full_page=True)
    # No script of the page was refused by the Content-Security-Policy.
    assert not [e for e in errors if "script" in e.lower() and "Content Security Policy" in e], errors

    # The Food processing bar (RMB 4 bn) in "Signed value by sector": click its middle.
    point = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="by-sector"]'));
            const index = chart.getOption().xAxis[0].data.indexOf('Food processing');
            const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
            return {x: bar.x + bar.width / 2, y: bar.y + bar.height / 2};
        }"""
    )
    with page.expect_navigation():
        page.locator('[data-chart="by-sector"]').click(position=point)
    assert f"sector={reference_data.food.pk}" in page.url


def test_the_figures_are_readable_without_javascript(browser, live_server, ledger, personas):
    context = browser.new_context(java_script_enabled=False)
    client = Client()
    client.force_login(personas.leader)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + reverse("reporting:dashboard"))
    page.locator('details:has([data-table="by-sector"]) summary').click()
    table = page.locator('[data-table="by-sector"]')
    assert table.is_visible()
    assert "Food processing" in table.inner_text()
    context.close()
