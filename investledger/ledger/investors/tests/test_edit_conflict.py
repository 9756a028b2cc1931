"""Two administrators edit the same investor: the second save does not overwrite the first.

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
from investledger.ledger.investors import services
from investledger.ledger.investors.models import Investor
from investledger.testing import PASSWORD, make_investor, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(personas):
    user = get_user_model().objects.create_user(
        "wang_fang", "wang_fang@example.org", PASSWORD, first_name="Fang", last_name="Wang"
    )
    RoleAssignment.objects.create(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def byd(reference_data):
    investor = make_investor("比亚迪", name_en="BYD", origin=Investor.Origin.OTHER_PROVINCE)
    make_project(name="北区电池", area=reference_data.north, sector=reference_data.ev, investor=investor)
    return investor


def form_data(investor, **overrides) -> dict:
    data = {
        "name": investor.name,
        "name_en": investor.name_en,
        "origin": investor.origin,
        "country": investor.country,
        "ownership": investor.ownership,
        "notes": investor.notes,
        "version": investor.version,
    }
    data.update(overrides)
    return data


class TestTwoEditorsOnThePage:
    def test_the_second_save_is_refused_saying_what_changed_and_keeping_what_was_typed(
        self, client, personas, colleague, byd
    ):
        opened = form_data(byd)
        other = Client()
        other.force_login(colleague)
        saved = other.post(reverse("investors:investor_edit", args=[byd.pk]), {**opened, "ownership": "mixed"})
        assert saved.status_code == 302

        client.force_login(personas.admin)
        response = client.post(
            reverse("investors:investor_edit", args=[byd.pk]),
            {**opened, "notes": "深圳总部，2024 年走访", "listed": "on"},
        )

        assert response.status_code == 200
        byd.refresh_from_db()
        assert (byd.ownership, byd.notes, byd.listed, byd.version) == ("mixed", "", False, 2)
        message = " ".join(response.context["form"].non_field_errors())
        assert "Fang Wang saved this investor" in message and "ownership (now “Mixed ownership”)" in message
        page = response.content.decode()
        assert "深圳总部，2024 年走访" in page and 'name="version" value="2"' in page
        form = response.context["form"]
        assert form["listed"].value() is True  # what was typed stays
        assert form["ownership"].value() == "mixed"  # their change is on the form: this editor left it alone

    def test_a_profile_save_that_changes_the_ownership_is_a_new_version_of_the_investor(
        self, client, personas, colleague, byd
    ):
        opened = form_data(byd)
        with audit_context(actor=colleague, source="test"):
            services.profile_save(investor=byd, fields={}, ownership="central_soe")
        client.force_login(personas.admin)
        response = client.post(reverse("investors:investor_edit", args=[byd.pk]), {**opened, "country": "中国"})
        assert response.status_code == 200
        assert "Central state-owned" in " ".join(response.context["form"].non_field_errors())
        byd.refresh_from_db()
        assert (byd.ownership, byd.country, byd.version) == ("central_soe", "", 2)


class TestTwoEditorsOnTheApi:
    def client_for(self, user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    def test_an_update_on_an_older_version_answers_409_naming_what_changed(self, personas, colleague, byd):
        url = f"/api/investors/{byd.pk}/"
        first = self.client_for(colleague).patch(url, {"listed": True, "version": 1}, format="json")
        assert first.status_code == 200 and first.json()["version"] == 2
        second = self.client_for(personas.admin).patch(url, {"name_en": "BYD Co.", "version": 1}, format="json")
        assert second.status_code == 409
        body = second.json()
        assert (body["code"], body["current_version"], body["changed"]) == ("edited_meanwhile", 2, ["listed"])
        byd.refresh_from_db()
        assert (byd.name_en, byd.listed) == ("BYD", True)

    def test_an_update_must_name_the_version_it_read(self, personas, byd):
        response = self.client_for(personas.admin).patch(f"/api/investors/{byd.pk}/", {"listed": True}, format="json")
        assert response.status_code == 400 and "version" in response.json()

    def test_another_district_does_not_find_the_investor_whatever_the_version(self, personas, byd):
        response = self.client_for(personas.officer_south).patch(
            f"/api/investors/{byd.pk}/", {"listed": True, "version": 1}, format="json"
        )
        assert response.status_code in (403, 404)
        byd.refresh_from_db()
        assert not byd.listed
