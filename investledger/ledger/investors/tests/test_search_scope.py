"""The ceremony grid's investor search lists only investors the reader may see, whatever is typed.

A district officer finds the investors of their own area's projects and those no project names yet;
another district's investors are never listed, by prefix, by an English name, or by a single letter.
Roles that may not enter projects are refused.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

# What each role is shown when typing "集团" (the part every name below shares), or None: refused.
LISTED = {
    "admin": {"北区集团", "南区集团", "新来集团"},
    "officer_north": {"北区集团", "新来集团"},
    "officer_park": {"新来集团"},
    "officer_south": {"南区集团", "新来集团"},
    "supervisor": None,
    "leader": None,
    "unit_power": None,
    "contact_a": None,
    "stranger": None,
}


@pytest.fixture
def investors(reference_data):
    north = make_investor("北区集团", name_en="Northern Group")
    south = make_investor("南区集团", name_en="Southern Group")
    make_investor("新来集团", name_en="Newcomer Group")  # no project names it yet
    make_project(area=reference_data.north, sector=reference_data.ev, investor=north, name="North plant")
    make_project(area=reference_data.south, sector=reference_data.bio, investor=south, name="South plant")


def search(user, **params) -> tuple[int, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(reverse("investors:investor_search"), params)
    return response.status_code, response.content.decode()


def listed(body: str) -> set[str]:
    """The investors offered to pick (not the offer to create one of the name typed)."""
    return set(re.findall(r'investor-option"[^>]*data-name="([^"]+)"', body))


@pytest.mark.parametrize("role", sorted(LISTED))
def test_the_investor_search_lists_only_investors_the_role_may_see(investors, personas, role):
    user = getattr(personas, role)
    status, body = search(user, q="集团")
    expected = LISTED[role]
    if expected is None:
        assert status == 403
        return
    assert status == 200
    assert listed(body) == expected
    # The grid's own parameter, an English name and a single letter list no more than that.
    for params in ({"form-0-investor_name": "集团"}, {"q": "Group"}, {"q": "o"}, {"q": "南"}):
        status, body = search(user, **params)
        assert status == 200 and listed(body) <= expected, (params, listed(body))


def test_a_district_officer_is_offered_a_new_investor_rather_than_told_another_districts_name_exists(
    investors, personas
):
    status, body = search(personas.officer_north, q="南区集团")
    assert status == 200
    assert listed(body) == set()
    assert "data-id=" not in body
    assert "investor-new" in body
