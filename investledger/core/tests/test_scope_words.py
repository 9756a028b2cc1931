"""Each role reads a scope note in its own words, and only roles that can import see the Import entry."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from investledger.core import access


def _page(personas, username, url):
    client = Client()
    client.force_login(getattr(personas, username))
    return client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "words"),
    [
        ("officer_north", "You see projects hosted in North District."),
        ("officer_park", "You see projects hosted in North Park."),
        ("unit_power", "You see projects your unit (Power Supply Company) leads or must act on."),
        ("contact_a", "You see your company&#x27;s projects, those that name you as their contact."),
    ],
)
def test_the_ledger_says_whose_projects_each_role_sees_in_its_own_words(personas, username, words):
    body = _page(personas, username, reverse("projects:project_list"))
    assert words in body
    assert "your own areas" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "supervisor", "leader"])
def test_city_wide_roles_get_no_scope_note(personas, username):
    assert 'id="scope-note"' not in _page(personas, username, reverse("projects:project_list"))


@pytest.mark.django_db
def test_the_scope_note_is_in_chinese_for_a_chinese_reader(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(personas.unit_power)
    body = client.get(reverse("projects:project_list")).content.decode()
    assert "您看到的是：贵单位（供电公司）牵头或须办理的项目。" in body


@pytest.mark.django_db
def test_the_scope_description_follows_the_assignments_the_access_rule_applies(personas):
    with translation.override("en"):
        assert access.scope_description(personas.admin) == "all projects of the city"
        assert access.scope_description(personas.stranger) == "no project"
        # The unit may view, not create: for CREATE nothing is in its scope.
        assert access.scope_description(personas.unit_power, access.Action.CREATE) == "no project"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "sees_import"),
    [
        ("admin", True),
        ("officer_north", True),
        ("contact_a", True),  # may report progress, so may upload a progress sheet
        ("supervisor", False),
        ("leader", False),
        ("unit_power", False),
    ],
)
def test_only_roles_that_can_import_see_the_import_entry(personas, username, sees_import):
    body = _page(personas, username, reverse("projects:project_list"))
    assert (f'href="{reverse("intake:index")}"' in body) is sees_import


def test_the_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("investledger/favicon.svg")
