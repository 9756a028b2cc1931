"""Two administrators edit the same signing event: the second save does not overwrite the first.

The page tells the second editor who saved, what they changed and its value now, and keeps everything
the second editor typed; the API answers 409 with the version on file and the fields saved since.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.accounts.models import Role, RoleAssignment
from investledger.core.audit import audit_context
from investledger.ledger.events import services
from investledger.ledger.events.models import SigningEvent
from investledger.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(personas):
    user = get_user_model().objects.create_user(
        "wang_fang", "wang_fang@example.org", PASSWORD, first_name="Fang", last_name="Wang"
    )
    RoleAssignment.objects.create(user=user, role=Role.ADMIN)
    return user


def form_data(event, **overrides) -> dict:
    data = {
        "name": event.name,
        "name_en": event.name_en,
        "kind": event.kind,
        "date": event.date.isoformat(),
        "place": event.place,
        "version": event.version,
    }
    data.update(overrides)
    return data


class TestTwoEditorsOnThePage:
    def test_the_second_save_is_refused_saying_what_changed_and_keeping_what_was_typed(
        self, client, personas, colleague, reference_data
    ):
        event = reference_data.event
        opened = form_data(event)  # both open the form on version 1
        other = Client()
        other.force_login(colleague)
        assert other.post(reverse("events:event_edit", args=[event.pk]), {**opened, "place": "重庆"}).status_code == 302

        client.force_login(personas.admin)
        typed = {**opened, "name": "智博会签约仪式", "notes": "见新闻稿"}
        response = client.post(reverse("events:event_edit", args=[event.pk]), typed)

        assert response.status_code == 200
        event.refresh_from_db()
        assert (event.name, event.place, event.version) == ("测试签约会", "重庆", 2)
        message = " ".join(response.context["form"].non_field_errors())
        assert "Fang Wang saved this signing event" in message and "changed: place (now “重庆”)" in message
        assert "name (now" not in message  # only what they changed is named
        page = response.content.decode()
        assert 'value="智博会签约仪式"' in page and "见新闻稿" in page  # nothing typed is lost
        assert 'value="重庆"' in page  # and their change is on the form, since this editor left the place alone
        assert 'name="version" value="2"' in page

        # Saving the form as shown keeps both changes.
        again = client.post(reverse("events:event_edit", args=[event.pk]), {**typed, "place": "重庆", "version": 2})
        assert again.status_code == 302
        event.refresh_from_db()
        assert (event.name, event.notes, event.place, event.version) == ("智博会签约仪式", "见新闻稿", "重庆", 3)

    def test_a_field_both_changed_keeps_what_this_editor_typed_and_says_so(
        self, client, personas, colleague, reference_data
    ):
        event = reference_data.event
        opened = form_data(event)
        with audit_context(actor=colleague, source="test"):
            services.event_update(event=event, fields={"place": "重庆"}, expected_version=1)
        client.force_login(personas.admin)
        typed = {**opened, "place": "成都"}
        refused = client.post(reverse("events:event_edit", args=[event.pk]), typed)
        assert refused.status_code == 200
        message = " ".join(refused.context["form"].non_field_errors())
        assert "You changed place too" in message
        assert 'value="成都"' in refused.content.decode()
        again = client.post(reverse("events:event_edit", args=[event.pk]), {**typed, "version": 2})
        assert again.status_code == 302
        event.refresh_from_db()
        assert (event.place, event.version) == ("成都", 3)

    def test_an_edit_on_the_current_version_is_saved_as_the_next(self, client, personas, reference_data):
        event = reference_data.event
        client.force_login(personas.admin)
        response = client.post(reverse("events:event_edit", args=[event.pk]), form_data(event, place="成都"))
        assert response.status_code == 302
        event.refresh_from_db()
        assert (event.place, event.version) == ("成都", 2)

    def test_the_message_reads_in_chinese(self, client, personas, colleague, reference_data):
        event = reference_data.event
        opened = form_data(event)
        with audit_context(actor=colleague, source="test"):
            services.event_update(event=event, fields={"place": "重庆"}, expected_version=1)
        client.force_login(personas.admin)
        response = client.post(reverse("events:event_edit", args=[event.pk]), opened, HTTP_ACCEPT_LANGUAGE="zh-hans")
        message = " ".join(response.context["form"].non_field_errors())
        assert "重庆" in message and "保存" in message


class TestTwoEditorsOnTheApi:
    def client_for(self, user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    def test_an_update_on_an_older_version_answers_409_naming_what_changed(self, personas, colleague, reference_data):
        event = reference_data.event
        url = f"/api/events/{event.pk}/"
        first = self.client_for(colleague).patch(url, {"place": "重庆", "version": 1}, format="json")
        assert first.status_code == 200 and first.json()["version"] == 2
        second = self.client_for(personas.admin).patch(url, {"name": "改名", "version": 1}, format="json")
        assert second.status_code == 409
        body = second.json()
        assert (body["code"], body["current_version"], body["changed"]) == ("edited_meanwhile", 2, ["place"])
        event.refresh_from_db()
        assert (event.name, event.place) == ("测试签约会", "重庆")

    def test_an_update_must_name_the_version_it_read(self, personas, reference_data):
        url = f"/api/events/{reference_data.event.pk}/"
        response = self.client_for(personas.admin).patch(url, {"place": "重庆"}, format="json")
        assert response.status_code == 400 and "version" in response.json()

    def test_a_district_officer_may_not_update_an_event_whatever_the_version(self, personas, reference_data):
        url = f"/api/events/{reference_data.event.pk}/"
        response = self.client_for(personas.officer_north).patch(url, {"place": "重庆", "version": 1}, format="json")
        assert response.status_code == 403
        assert SigningEvent.objects.get(pk=reference_data.event.pk).place == ""
