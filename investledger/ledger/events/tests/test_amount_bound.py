"""An event's announced value past the one bound of money is refused on the page and the API, field named."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.ledger.events.models import SigningEvent

pytestmark = pytest.mark.django_db

EVENT = {"name": "智博会签约仪式", "name_en": "Smart China Expo signing", "kind": "ceremony", "date": "2022-08-22"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e26", "1e26 RMB bn is more than the largest amount the ledger holds, 100,000 RMB bn."),
        ("1e400", "1e400 RMB bn is more than the largest amount the ledger holds, 100,000 RMB bn."),
        ("Infinity", "Enter the amount as a number in RMB bn, such as 15 or 2.5."),
        ("NaN", "Enter the amount as a number in RMB bn, such as 15 or 2.5."),
        ("-1", "An amount cannot be negative."),
        ("1.000000000001", "Give the amount to the cent at most: 1.000000000001 RMB bn has too many decimal places."),
    ],
)
def test_the_event_form_refuses_an_announced_value_past_the_bound(client, personas, typed, message):
    client.force_login(personas.admin)
    response = client.post(reverse("events:event_create"), {**EVENT, "announced_value_cny": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["announced_value_cny"] == [message]
    assert not SigningEvent.objects.filter(name=EVENT["name"]).exists()


def test_the_event_form_states_the_bound_in_chinese_units(client, personas):
    client.force_login(personas.admin)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = client.post(reverse("events:event_create"), {**EVENT, "announced_value_cny": "2000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["announced_value_cny"] == [
        "2000000 亿元超过台账可记录的最大金额 1,000,000 亿元。"
    ]


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("1e26", "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        (1e26, "1E+26 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        ("1e400", "1E+400 is more than the largest amount the ledger holds, 100,000,000,000,000 yuan"),
        ("Infinity", "A valid number is required."),
        ("NaN", "A valid number is required."),
        ("-1", "An amount cannot be negative."),
        ("1.234", "1.234 has more than 2 decimal places: give the amount to the cent."),
    ],
)
def test_the_api_refuses_an_announced_value_past_the_bound(personas, sent, message):
    client = APIClient()
    client.force_authenticate(personas.admin)
    response = client.post("/api/events/", {**EVENT, "announced_value_cny": sent}, format="json")
    assert response.status_code == 400
    assert response.json()["announced_value_cny"][0].startswith(message)
    assert not SigningEvent.objects.filter(name=EVENT["name"]).exists()
