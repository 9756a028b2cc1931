"""The watch list: an article's signals of trouble or progress flagged on the projects it names, for a
supervisor to confirm; nothing on the project changes."""

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake.kinds import releases
from investledger.intake.models import WatchSignal
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

TERMINATED = """Biotech plans change in North District

Acme Biotech Co., Ltd. said on Tuesday that its biomedicine base project in North District has been terminated
after the company failed to raise the funds it needed.
Separately, Bolt Motors Inc. denied rumours that its vehicle plant would be suspended."""

CHINESE = "据报道，华康生物医药有限公司在北区投资建设的生物医药产业园项目已暂停建设。南山食品集团有限公司项目正式开工。"


@pytest.fixture
def projects(reference_data):
    ref = reference_data
    return {
        "acme": make_project(
            area=ref.north,
            sector=ref.bio,
            investor=make_investor("Acme Biotech Co., Ltd."),
            name="Acme biomedicine base",
        ),
        "bolt": make_project(
            area=ref.south, sector=ref.ev, investor=make_investor("Bolt Motors Inc."), name="Bolt vehicle plant"
        ),
        "huakang": make_project(
            area=ref.north, sector=ref.bio, investor=make_investor("华康生物医药有限公司"), name="华康生物医药产业园"
        ),
        "nanshan": make_project(
            area=ref.north_park,
            sector=ref.food,
            investor=make_investor("南山食品集团有限公司"),
            name="南山食品加工基地",
        ),
    }


def read(user, text):
    with audit_context(actor=user, source="test"):
        return releases.release_store(user=user, data=text, file_name="article.txt")


def test_a_planted_termination_is_flagged_on_the_right_project_and_a_denial_is_not(personas, projects):
    read(personas.officer_north, TERMINATED)
    flagged = list(WatchSignal.objects.values_list("project__name", "code", "kind"))
    assert flagged == [("Acme biomedicine base", "terminated", "trouble")]
    signal = WatchSignal.objects.get()
    assert "has been terminated" in signal.evidence and signal.status == "pending"


def test_chinese_signals_of_trouble_and_progress_find_their_projects(personas, projects):
    read(personas.officer_north, CHINESE)
    flagged = set(WatchSignal.objects.values_list("project__name", "code", "kind"))
    assert flagged == {("华康生物医药产业园", "suspended", "trouble"), ("南山食品加工基地", "started", "progress")}


def test_the_signal_shows_on_the_project_page_to_those_who_see_the_project(client, personas, projects):
    read(personas.officer_north, TERMINATED)
    url = reverse("projects:project_detail", args=[projects["acme"].pk])
    for user in (personas.supervisor, personas.officer_north):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert 'id="watch-signals"' in page and "has been terminated" in page
    client.force_login(personas.supervisor)
    bolt = client.get(reverse("projects:project_detail", args=[projects["bolt"].pk])).content.decode()
    assert 'id="watch-signals"' not in bolt
    client.force_login(personas.officer_south)
    assert client.get(url).status_code == 404


def test_a_supervisor_confirms_a_signal_and_the_project_is_left_as_it_was(client, personas, projects):
    read(personas.officer_north, TERMINATED)
    signal = WatchSignal.objects.get()
    project = projects["acme"]
    before = (project.stage, project.version)
    client.force_login(personas.supervisor)
    response = client.post(reverse("intake:watch_decide", args=[signal.pk]), {"status": "confirmed", "version": 1})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.status, signal.decided_by) == ("confirmed", personas.supervisor)
    project.refresh_from_db()
    assert (project.stage, project.version) == before
    assert AuditEntry.objects.filter(content_type__model="watchsignal", kind=AuditEntry.Kind.UPDATE).count() == 1


def test_only_a_supervisor_of_the_project_decides_on_its_signals(client, personas, projects):
    read(personas.officer_north, TERMINATED)
    signal = WatchSignal.objects.get()
    url = reverse("intake:watch_decide", args=[signal.pk])
    client.force_login(personas.officer_north)
    assert client.post(url, {"status": "dismissed", "version": 1}).status_code == 403
    client.force_login(personas.officer_south)
    assert client.post(url, {"status": "dismissed", "version": 1}).status_code == 404
    signal.refresh_from_db()
    assert signal.status == "pending"


def test_a_decision_on_an_older_version_of_a_signal_is_refused(client, personas, projects):
    read(personas.officer_north, TERMINATED)
    signal = WatchSignal.objects.get()
    client.force_login(personas.supervisor)
    url = reverse("intake:watch_decide", args=[signal.pk])
    client.post(url, {"status": "dismissed", "version": 1})
    client.post(url, {"status": "confirmed", "version": 1})
    signal.refresh_from_db()
    assert signal.status == "dismissed"
