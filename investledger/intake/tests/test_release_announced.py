"""What a press release announced for its event, beside what the ledger holds for it, on the event page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services
from investledger.intake.kinds import releases
from investledger.intake.models import ReleaseDeal
from investledger.intake.tests.test_release_review import decide, store

pytestmark = pytest.mark.django_db


def event_page(client, user, event):
    client.force_login(user)
    return client.get(reverse("events:event_detail", args=[event.pk])).content.decode()


def test_the_event_page_sets_the_release_announced_total_beside_the_ledger(client, personas, reference_data):
    officer, event = personas.officer_north, reference_data.event
    batch = store(officer, event=event)
    page = event_page(client, officer, event)
    assert 'id="announced-releases"' in page
    assert "announced 2 / " in page and "the ledger has 0 / " in page and "2 projects missing" in page

    decide(batch, 1, "accepted", officer)
    decide(batch, 2, "rejected", officer)
    batch = releases.release_check(batch=batch)
    with audit_context(actor=officer, source="test"):
        services.batch_start_commit(batch=batch, user=officer)
    page = event_page(client, officer, event)
    assert "the ledger has 1 / " in page and "1 project missing" in page


def test_another_district_does_not_see_a_release_on_the_event_page(client, personas, reference_data):
    store(personas.officer_north, event=reference_data.event)
    assert 'id="announced-releases"' not in event_page(client, personas.officer_south, reference_data.event)


def test_a_released_total_becomes_the_event_announced_figures_by_who_manages_events(client, personas, reference_data):
    event = reference_data.event
    batch = store(personas.admin, event=event)
    url = reverse("intake:release_announce", args=[batch.pk, 1])
    client.force_login(personas.admin)
    assert client.post(url).status_code == 302
    event.refresh_from_db()
    assert (event.announced_count, event.announced_value_cny) == (2, Decimal("8000000000.00"))
    entry = AuditEntry.objects.filter(content_type__model="signingevent", object_id=str(event.pk)).latest("id")
    assert entry.message == f"announced figures from import:{batch.pk}"
    assert ReleaseDeal.objects.filter(release__batch=batch).count() == 2


def test_a_district_officer_may_not_set_the_event_announced_figures(client, personas, reference_data):
    batch = store(personas.officer_north, event=reference_data.event)
    client.force_login(personas.officer_north)
    assert client.post(reverse("intake:release_announce", args=[batch.pk, 1])).status_code == 403
    client.force_login(personas.officer_south)
    assert client.post(reverse("intake:release_announce", args=[batch.pk, 1])).status_code == 404
    reference_data.event.refresh_from_db()
    assert reference_data.event.announced_count is None
