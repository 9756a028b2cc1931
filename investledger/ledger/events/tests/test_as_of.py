"""An event's figures as the ledger stood at a past date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.projects import services
from investledger.testing import make_project

pytestmark = pytest.mark.django_db
BN = Decimal("1000000000")


def test_the_event_page_shows_its_figures_as_they_stood(client, reference_data, personas):
    with clock.frozen_at(dt.date(2022, 8, 22)):
        project = make_project(
            area=reference_data.north, sector=reference_data.ev, value=2 * BN, event=reference_data.event
        )
    with clock.frozen_at(dt.date(2023, 3, 1)), audit_context(source="test"):
        services.project_update(project=project, fields={"contract_value": 5 * BN})
    client.force_login(personas.admin)
    url = reverse("events:event_detail", args=[reference_data.event.pk])
    then = client.get(url, {"as_of": "2022-12-31"})
    assert then.context["totals"].value_cny == 2 * BN
    assert b'id="as-of-note"' in then.content
    assert client.get(url).context["totals"].value_cny == 5 * BN


def test_a_bad_as_of_date_is_named(client, reference_data, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("events:event_detail", args=[reference_data.event.pk]), {"as_of": "yesterday"})
    assert response.status_code == 200
    assert response.context["as_of_error"]


def test_the_ledger_as_of_a_date_opens_the_rebuilt_ledger(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = client.get(reverse("projects:project_list"), {"as_of": "2023-05-01"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:ledger_as_of")) and "as_of=2023-05-01" in response["Location"]
