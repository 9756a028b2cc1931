"""Two administrators on one signing event, in a real Chromium, in English and Chinese (screenshots under /tmp):
the second save is refused with what the first changed, and what the second typed stays on the form."""

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.events import services
from investledger.ledger.events.models import SigningEvent
from investledger.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert "/accounts/login/" not in page.url, "login failed"


def someone_else_saves(event, place):
    current = SigningEvent.objects.get(pk=event.pk)
    with audit_context(source="test"):
        services.event_update(event=current, fields={"place": place}, expected_version=current.version)


def test_the_second_editor_is_told_what_changed_and_keeps_what_they_typed(page, live_server, reference_data, personas):
    event = reference_data.event
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/events/{event.pk}/edit/")
    someone_else_saves(event, "重庆")
    page.fill("#id_name_en", "Smart China Expo signing")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    alert = page.locator("[data-error-for=__all__]").inner_text()
    assert "changed: place (now “重庆”)" in alert and "Their values are now on the form" in alert
    assert page.input_value("#id_place") == "重庆"
    assert page.input_value("#id_name_en") == "Smart China Expo signing"
    page.screenshot(path="/tmp/event-edit-conflict.png", full_page=True)

    with page.expect_navigation():
        page.click("#language-switch button[data-language=zh-hans]")
    page.goto(f"{live_server.url}/events/{event.pk}/edit/")
    someone_else_saves(event, "成都")
    page.fill("#id_notes", "以新闻稿为准")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    alert = page.locator("[data-error-for=__all__]").inner_text()
    assert "地点（现为“成都”）" in alert
    assert page.input_value("#id_notes") == "以新闻稿为准"
    page.screenshot(path="/tmp/event-edit-conflict-zh.png", full_page=True)
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    saved = SigningEvent.objects.get(pk=event.pk)
    # The first form was never saved again; the second keeps what was typed and the other editor's place.
    assert (saved.notes, saved.name_en, saved.place) == ("以新闻稿为准", "Test signing ceremony", "成都")
