"""The printable ledger from the ledger page in a real Chromium: after a filter redraws the table, the
download holds exactly the projects the page shows."""

import io

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_printable_ledger_follows_a_filter_chosen_on_the_page(page, live_server, ledger, personas):
    client = Client()
    client.force_login(personas.leader)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + reverse("projects:project_list"))
    with page.expect_response(lambda r: "sector=" in r.url):
        page.select_option("select[name=sector]", label="Biomedicine")
    page.wait_for_selector("#ledger-table:not(.htmx-request)")
    shown = [row.inner_text().split("\n")[0] for row in page.locator("#ledger-table tbody td.name").all()]
    assert shown == ["Park biomedicine base"]
    page.screenshot(path="/tmp/ledger-printable-filtered.png")
    with page.expect_download() as caught:
        page.click("#ledger-print-xlsx")
    download = caught.value
    assert download.suggested_filename.endswith("-en.xlsx")
    with open(download.path(), "rb") as handle:
        rows = list(openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0].iter_rows(values_only=True))
    lines = rows[4:]
    assert [line[1].split("\n")[0] for line in lines] == ["Park biomedicine base"]
    assert rows[1][0].startswith("Sector: ")
