"""The weights page in a real Chromium, in English and Chinese (screenshots under /tmp)."""

from decimal import Decimal

import pytest

from investledger.matching.models import MatchWeights
from investledger.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_changes_a_weight_and_reads_the_page_in_chinese(page, live_server, personas):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    page.goto(f"{live_server.url}/matching/weights/")
    page.fill("#id_sector", "40")
    with page.expect_navigation():
        page.click("#weights-form button[type=submit]")
    assert "Weights saved" in page.content()
    assert "now 105.0 points" in page.content()
    assert MatchWeights.current().sector == Decimal(40)
    page.screenshot(path="/tmp/matching-weights.png", full_page=True)
    with page.expect_navigation():
        page.click("#language-switch button[data-language=zh-hans]")
    assert "目前为 105.0 分" in page.content() and "同一产业链 60%" in page.content()
    page.screenshot(path="/tmp/matching-weights-zh.png", full_page=True)
