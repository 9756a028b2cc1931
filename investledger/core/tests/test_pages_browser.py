"""The history tab, the ledger as of a date and user management, as a reader sees them in Chromium."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects import services
from investledger.testing import PASSWORD, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BN = Decimal("1000000000")


@pytest.fixture
def ledger(reference_data, personas):
    ref = reference_data
    with clock.frozen_at(dt.date(2023, 1, 10)):
        project = make_project(name="Battery plant", area=ref.north, sector=ref.ev, value=2 * BN, event=ref.event)
    with clock.frozen_at(dt.date(2023, 3, 15)), audit_context(actor=personas.officer_north, source="web:5f1c2a"):
        services.project_update(
            project=project,
            fields={"contract_value": 3 * BN, "lead_unit": ref.power, "planned_jobs": 420},
            audit_message="Contract amended after land survey",
        )
    return project


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path="/tmp/investledger-login.png")
    assert "/accounts/login/" not in page.url, page.content()[:3000]


def test_the_history_page_reads_well(page, live_server, ledger, personas):
    log_in(page, live_server, "officer_north")
    page.goto(live_server.url + reverse("core:project_history", args=[ledger.pk]) + "?as_of=2023-02-01")
    assert page.locator(".history-item").count() >= 3
    assert page.get_by_text("Contract amended after land survey").first.is_visible()
    assert page.locator("#state-title").is_visible()
    page.screenshot(path="/tmp/investledger-history.png", full_page=True)


def test_the_history_page_speaks_chinese(page, live_server, ledger, personas):
    log_in(page, live_server, "officer_north")
    page.goto(live_server.url + reverse("core:project_history", args=[ledger.pk]))
    page.click("button[data-language=zh-hans]")
    page.wait_for_load_state()
    assert page.get_by_text("变更历史").first.is_visible()
    page.screenshot(path="/tmp/investledger-history-zh.png", full_page=True)


def test_the_ledger_as_of_a_date(page, live_server, ledger, personas):
    log_in(page, live_server, "admin")
    page.goto(live_server.url + reverse("core:ledger_as_of"))
    page.fill("#id_as_of", "2023-02-01")
    page.click("#as-of-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#asof-table tbody tr").count() == 1
    assert "RMB 2.00 bn" in page.locator("#asof-value").inner_text()
    page.screenshot(path="/tmp/investledger-ledger-as-of.png", full_page=True)


def test_user_management_pages(page, live_server, ledger, personas):
    log_in(page, live_server, "admin")
    page.goto(live_server.url + reverse("accounts:user_list"))
    assert page.locator("#user-table tbody tr").count() == 9
    page.screenshot(path="/tmp/investledger-users.png", full_page=True)
    page.goto(live_server.url + reverse("accounts:user_edit", args=[personas.officer_north.pk]))
    assert page.locator("#role-table tbody tr").count() == 3
    page.screenshot(path="/tmp/investledger-user-edit.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_administrators_navigation_fits_one_row_and_the_account_menu_opens_by_click(
    page, live_server, ledger, personas, language
):
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server, "admin")
    page.click(f"#language-switch button[data-language='{language}']")
    page.wait_for_load_state()
    brand = page.locator("nav.navbar .navbar-brand").bounding_box()
    nav = page.locator("nav.navbar").bounding_box()
    assert brand and nav and nav["height"] < 2 * brand["height"] + 20, nav  # one row, not two
    assert not page.locator("#nav-users").is_visible()
    page.click("#account-menu summary")
    page.click("#nav-users")
    page.wait_for_load_state()
    assert "/accounts/users/" in page.url
    page.click("#account-menu summary")
    assert page.locator("#nav-administration").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#nav-administration").is_visible()
    page.screenshot(path=f"/tmp/investledger-navigation-{language}.png")
    page.click("#account-menu summary")
    page.click("#nav-logout")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url


def test_a_long_display_name_keeps_the_navigation_on_one_row(page, live_server, ledger, personas):
    officer = personas.officer_north
    officer.first_name, officer.last_name = (
        "North District Investment Promotion and Economic Cooperation Bureau",
        "officer (demo)",
    )
    officer.save()
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server, "officer_north")
    brand = page.locator("nav.navbar .navbar-brand").bounding_box()
    nav = page.locator("nav.navbar").bounding_box()
    assert brand and nav and nav["height"] < 2 * brand["height"] + 20, nav
    page.click("#account-menu summary")
    assert (
        "North District Investment Promotion and Economic Cooperation Bureau officer (demo)"
        in page.locator("#account-menu").inner_text()
    )
    page.screenshot(path="/tmp/investledger-navigation-officer.png")
