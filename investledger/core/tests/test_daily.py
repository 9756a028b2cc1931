"""`investledger daily` runs the day's scans once and changes nothing when run again."""

import io

import pytest
from django.core.management import call_command

from investledger.core import clock
from investledger.core.models import AuditEntry
from investledger.escalation.models import Notification
from investledger.supervision.models import LightAssessment
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def test_it_runs_the_scans_and_is_idempotent(reference_data, personas):
    with clock.frozen_at(reference_data.event.date):  # entered on its signing day, assessed that day
        make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    out = io.StringIO()
    call_command("daily", "--as-of", "2023-06-01", stdout=out)
    assert "supervise" in out.getvalue() and "escalate" in out.getvalue() and "digest" in out.getvalue()
    lights, entries, notes = LightAssessment.objects.count(), AuditEntry.objects.count(), Notification.objects.count()
    assert LightAssessment.objects.filter(assessed_on="2023-06-01", is_current=True).count() == 1
    call_command("daily", "--as-of", "2023-06-01", stdout=io.StringIO())
    assert (LightAssessment.objects.count(), AuditEntry.objects.count(), Notification.objects.count()) == (
        lights,
        entries,
        notes,
    )


def test_revoking_a_token_from_the_command_line_is_audited(personas):
    from rest_framework.authtoken.models import Token

    call_command("token", personas.officer_north.username, stdout=io.StringIO())
    call_command("token", personas.officer_north.username, "--revoke", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Token.objects.filter(user=personas.officer_north).exists()
    entry = AuditEntry.objects.filter(object_id=str(personas.officer_north.pk)).latest("id")
    assert entry.source == "command:token" and "revoked" in entry.message
