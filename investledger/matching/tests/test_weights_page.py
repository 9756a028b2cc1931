"""The weights page: read by everyone signed in, changed by the bureau only, audited, in both languages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.matching.models import MatchWeights

pytestmark = pytest.mark.django_db

URL = reverse("matching:weights_edit")
VALUES = {"sector": "40", "size": "20", "region": "15", "mode": "10", "history": "15", "text": "0"}


def test_the_bureau_changes_the_weights_and_the_change_is_audited(client, personas):
    client.force_login(personas.admin)
    response = client.post(URL, VALUES | {"version": "1"})
    assert response.status_code == 302
    assert MatchWeights.current().as_mapping()["sector"] == Decimal(40)
    entry = AuditEntry.objects.filter(object_repr="Match weights").get()
    assert entry.actor == personas.admin and entry.source.startswith("web:")


def test_it_explains_what_a_partial_fit_gives(client, personas):
    client.force_login(personas.officer_north)
    page = client.get(URL).content.decode()
    assert "same industry chain 60%" in page and "scored out of the sum of these weights (now 100.0 points)" in page


def test_it_says_what_is_wrong_with_a_weight(client, personas):
    client.force_login(personas.admin)
    page = client.post(URL, VALUES | {"size": "250", "version": "1"}).content.decode()
    assert "less than or equal to 100" in page
    assert not MatchWeights.objects.exists()


def test_an_edit_on_older_weights_is_refused(client, personas):
    client.force_login(personas.admin)
    client.post(URL, VALUES | {"version": "1"})
    client.post(URL, VALUES | {"sector": "30", "version": "1"})
    page = client.post(URL, VALUES | {"sector": "25", "version": "1"}).content.decode()
    assert "Someone saved the weights after you opened them" in page
    assert MatchWeights.current().sector == Decimal(30)


@pytest.mark.parametrize("persona", ["officer_north", "leader", "supervisor"])
def test_readers_may_not_change_the_weights(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 200
    assert client.post(URL, VALUES).status_code == 403
    assert not MatchWeights.objects.exists()


def test_someone_without_a_role_may_not_read_them(client, personas):
    client.force_login(personas.stranger)
    assert client.get(URL).status_code == 403


def test_it_reads_in_chinese(client, personas):
    client.force_login(personas.admin)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "匹配权重" in page and "产业契合" in page
