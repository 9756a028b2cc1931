"""The inbox and the daily digest: nothing twice, one e-mail per user per day."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation import services
from investledger.escalation.models import DigestSent, Notification
from investledger.escalation.notifications import notify, send_digests

from .helpers import FRI, MON, THU, TUE, raise_issue, scan

pytestmark = pytest.mark.django_db


def test_notify_writes_each_message_once_per_recipient(personas):
    for _ in range(2):
        notify([personas.admin, personas.admin, personas.leader], kind="issue_updated", key="k:1", subject="Hello")
    assert Notification.objects.count() == 2


def test_escalation_e_mails_the_new_level_at_once(
    reference_data, park_project, personas, django_capture_on_commit_callbacks
):
    raise_issue(park_project, reference_data.power, on=THU)
    with django_capture_on_commit_callbacks(execute=True):
        scan(MON)
    with django_capture_on_commit_callbacks(execute=True):
        scan(MON)
    to = sorted(address for m in mail.outbox for address in m.to)
    assert to == ["officer_north@example.org", "officer_park@example.org", "unit_power@example.org"]
    assert all("Escalated to District" in m.subject for m in mail.outbox)


def test_the_digest_goes_out_once_per_day(reference_data, park_project, personas):
    raise_issue(park_project, reference_data.power, on=THU)
    scan(MON)
    first = send_digests(MON)
    sent_to = sorted(address for m in mail.outbox for address in m.to)
    assert "unit_power@example.org" in sent_to and "officer_north@example.org" in sent_to
    assert "officer_south@example.org" not in sent_to and "stranger@example.org" not in sent_to
    assert first["sent"] == len(mail.outbox)
    again = send_digests(MON)
    assert again["sent"] == 0 and again["skipped_already_sent"] == first["sent"]
    assert len(mail.outbox) == first["sent"]
    assert DigestSent.objects.filter(day=MON).count() == first["sent"]


def test_the_digest_lists_what_is_overdue_due_and_escalated_for_the_unit(reference_data, park_project, personas):
    overdue = raise_issue(park_project, reference_data.power, on=THU, title="Overdue connection")
    due = raise_issue(park_project, reference_data.power, on=FRI, title="Due on Monday")
    scan(MON)
    send_digests(MON)
    body = next(m.body for m in mail.outbox if m.to == ["unit_power@example.org"])
    assert "OVERDUE" in body and overdue.reference in body
    assert "DUE NEXT" in body and due.reference in body
    assert "ESCALATED" in body


def test_the_digest_command_reports_what_it_sent(reference_data, park_project, personas, capsys):
    raise_issue(park_project, reference_data.power, on=THU)
    call_command("digest", "--as-of", TUE.isoformat())
    call_command("digest", "--as-of", TUE.isoformat())
    out = capsys.readouterr().out.splitlines()
    assert "0 sent" not in out[0] and "0 sent" in out[1]


def test_the_digest_task_sends_once(reference_data, park_project, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from investledger.escalation.tasks import send_digests_task

    raise_issue(park_project, reference_data.power, on=THU)
    first = send_digests_task.enqueue(as_of=TUE.isoformat()).return_value
    second = send_digests_task.enqueue(as_of=TUE.isoformat()).return_value
    assert first["sent"] >= 1 and second["sent"] == 0


def test_the_inbox_shows_the_unread_count_and_marks_read(client, reference_data, park_project, personas):
    raise_issue(park_project, reference_data.power, on=FRI)
    raise_issue(park_project, reference_data.power, on=FRI, title="Second")
    client.force_login(personas.unit_power)
    page = client.get(reverse("escalation:inbox"))
    assert page.status_code == 200
    assert page.context["unread_count"] == 2
    one = Notification.objects.filter(recipient=personas.unit_power).first()
    client.post(reverse("escalation:inbox_mark_read"), {"id": one.pk})
    assert client.get(reverse("escalation:inbox")).context["unread_count"] == 1
    client.post(reverse("escalation:inbox_mark_read"))
    assert client.get(reverse("escalation:inbox")).context["unread_count"] == 0


def test_nobody_marks_anothers_notifications_read(client, reference_data, park_project, personas):
    raise_issue(park_project, reference_data.power, on=FRI)
    theirs = Notification.objects.get(recipient=personas.unit_power)
    client.force_login(personas.officer_north)
    client.post(reverse("escalation:inbox_mark_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("escalation:inbox")).context["unread_count"] == 0


def test_closing_tells_the_unit_and_the_raiser_but_not_the_closer(reference_data, south_project, personas):
    issue = raise_issue(south_project, reference_data.power, by=personas.officer_south)
    with clock.frozen_at(MON), audit_context(actor=personas.supervisor, source="test"):
        services.issue_close(issue=issue, by=personas.supervisor, resolution="Solved.")
    told = set(Notification.objects.filter(kind="issue_closed").values_list("recipient__username", flat=True))
    assert told == {"unit_power", "officer_south"}
