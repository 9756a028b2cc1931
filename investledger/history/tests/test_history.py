"""The history tab: a readable account of a project's changes, for those who may see the project."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.history import readable as history
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SideState, SigningKind
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def project(reference_data, personas):
    ref = reference_data
    with clock.frozen_at(dt.date(2023, 1, 10)):
        p = make_project(name="Battery plant", area=ref.north, sector=ref.ev, value=2 * BN, event=ref.event)
    with clock.frozen_at(dt.date(2023, 3, 15)), audit_context(actor=personas.officer_north, source="web:abc123"):
        services.project_update(
            project=p,
            fields={"contract_value": 3 * BN, "sector": ref.bio, "lead_unit": ref.power},
            m2m={"involved_units": [ref.bureau.pk, ref.power.pk]},
            audit_message="Contract amended",
        )
    with clock.frozen_at(dt.date(2023, 4, 2)), audit_context(actor=personas.officer_north, source="api:def456"):
        services.project_set_side_state(
            project=p, side_state=SideState.STALLED, reason="Land not yet handed over", since=dt.date(2023, 4, 1)
        )
    return p


def items_for(project):
    return history.describe(history.project_entries(project.pk).order_by("-id"))


def test_it_shows_each_changed_field_with_its_label_and_display_values(project):
    amended = next(i for i in items_for(project) if i.message == "Contract amended" and i.record == "projects.project")
    changes = {c.label: (c.before_display, c.after_display) for c in amended.changes}
    assert changes["Contract investment (CNY)"] == ("RMB 2.00 bn", "RMB 3.00 bn")
    assert changes["Sector"] == ("Smart connected NEV", "Biomedicine")
    assert changes["Lead unit"] == ("—", "Power Supply Company")
    assert changes["Units that must act"] == ("—", "Investment Promotion Bureau, Power Supply Company")
    assert (amended.actor_name, amended.door, amended.source) == ("officer_north", "page", "web:abc123")


def test_it_shows_choice_labels_and_dates(project):
    stalled = items_for(project)[0]
    changes = {c.label: (c.before_display, c.after_display) for c in stalled.changes}
    assert changes["Side state"] == ("—", "Stalled")
    assert changes["Since"][1] == "April 1, 2023"
    assert stalled.door == "API"


def test_it_includes_the_signings_and_what_they_counted(project, reference_data):
    subjects = [i.subject for i in items_for(project)]
    assert "Signing at Test signing ceremony" in subjects
    recount = [i for i in items_for(project) if i.subject.startswith("Signing") and i.kind == "update"]
    assert any(
        c.label == "Amount counted (CNY)" and c.after_display == "RMB 3.00 bn" for i in recount for c in i.changes
    )


def test_it_speaks_chinese(project):
    with translation.override("zh-hans"):
        amended = next(
            i for i in items_for(project) if i.message == "Contract amended" and i.record == "projects.project"
        )
        changes = {c.name: (c.label, c.before_display, c.after_display) for c in amended.changes}
        assert changes["contract_value_cny"][1:] == ("20.00亿元", "30.00亿元")
        assert changes["sector_id"][1:] == ("智能网联新能源汽车", "生物医药")
        assert amended.door == "页面"


def test_the_fragment_is_served_to_htmx_and_the_page_to_browsers(project, personas):
    client = Client()
    client.force_login(personas.officer_north)
    url = reverse("core:project_history", args=[project.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert [t.name for t in fragment.templates][0] == "history/_history.html"
    assert "<html" not in fragment.content.decode()
    assert "Land not yet handed over" in fragment.content.decode()
    page = client.get(url)
    assert "<html" in page.content.decode()
    assert "Contract amended" in page.content.decode()


def test_it_hides_the_history_of_projects_outside_scope(project, personas):
    url = reverse("core:project_history", args=[project.pk])
    for persona in (personas.officer_south, personas.officer_park, personas.stranger, personas.contact_a):
        client = Client()
        client.force_login(persona)
        assert client.get(url).status_code == 404, persona
    for persona in (personas.leader, personas.supervisor, personas.admin, personas.unit_power):
        client = Client()
        client.force_login(persona)
        assert client.get(url).status_code == 200, persona


def test_anonymous_readers_are_sent_to_log_in(project):
    response = Client().get(reverse("core:project_history", args=[project.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_deleted_project_keeps_its_history_for_those_who_saw_it(project, personas):
    with audit_context(source="test"):
        services.project_delete(project=project, reason="entered twice")
    url = reverse("core:project_history", args=[project.pk])
    north, south = Client(), Client()
    north.force_login(personas.officer_north)
    south.force_login(personas.officer_south)
    response = north.get(url)
    assert response.status_code == 200
    assert "entered twice" in response.content.decode()
    assert south.get(url).status_code == 404


def test_the_api_gives_the_same_history(project, personas):
    client = APIClient()
    client.force_authenticate(personas.officer_north)
    response = client.get(f"/api/history/project/{project.pk}/")
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["kind"] == "stage" and first["actor"] == "officer_north"
    assert {c["field"]: c["after"] for c in first["changes"]}["side_state"] == "stalled"
    via_query = client.get("/api/history/", {"object": f"projects.project:{project.pk}"})
    assert via_query.json()["count"] == response.json()["count"]


def test_the_api_hides_history_outside_scope(project, personas):
    client = APIClient()
    client.force_authenticate(personas.officer_south)
    assert client.get(f"/api/history/project/{project.pk}/").status_code == 404
    assert client.get("/api/history/", {"object": f"projects.project:{project.pk}"}).status_code == 404
    signing = project.signings.get()
    assert client.get("/api/history/", {"object": f"projects.signing:{signing.pk}"}).status_code == 404
    assert client.get("/api/history/", {"object": f"accounts.user:{personas.admin.pk}"}).status_code == 404
    assert client.get("/api/history/", {"object": "nonsense"}).status_code == 400
    assert APIClient().get(f"/api/history/project/{project.pk}/").status_code in (401, 403)


def test_the_history_of_a_signing_is_shown_to_readers_of_its_project(project, personas):
    signing = project.signings.get()
    client = Client()
    client.force_login(personas.officer_north)
    url = reverse("core:object_history", args=["projects.signing", signing.pk])
    assert client.get(url).status_code == 200
    client.force_login(personas.officer_south)
    assert client.get(url).status_code == 404


def test_a_signing_added_later_appears_in_the_project_history(project, personas):
    from investledger.ledger.events.models import SigningEvent

    later = SigningEvent.objects.create(name="第二次", name_en="Second expo", kind="expo", date=dt.date(2023, 5, 1))
    with audit_context(actor=personas.officer_north, source="web:zzz"):
        services.signing_add(
            project=project, event=later, signed_on=later.date, kind=SigningKind.RESIGNING, stated_value_cny=BN
        )
    assert items_for(project)[0].subject.startswith("Signing at Second expo") or any(
        i.subject == "Signing at Second expo" for i in items_for(project)[:3]
    )


def test_a_creation_lists_its_fields_from_the_snapshot_as_entries_that_repeated_them_do(project, personas):
    from investledger.core import audit
    from investledger.core.models import AuditEntry

    created = history.project_entries(project.pk).get(content_type__model="project", kind="create")
    assert created.changes == {}
    # The same creation as written before creations stopped repeating their state in `changes`.
    old_form = AuditEntry(**{f.attname: getattr(created, f.attname) for f in AuditEntry._meta.concrete_fields})
    old_form.id, old_form.changes = created.id + 10_000, audit.diff(None, created.snapshot)
    new_item, old_item = history.describe([created, old_form])
    shown = {c.label: (c.before_display, c.after_display) for c in new_item.changes}
    assert shown == {c.label: (c.before_display, c.after_display) for c in old_item.changes}
    assert shown["Project name"] == ("—", "Battery plant")
    assert shown["Contract investment (CNY)"] == ("—", "RMB 2.00 bn")
    assert shown["Sector"] == ("—", "Smart connected NEV")
    assert "Lead unit" not in shown  # empty fields of a new record are not listed

    client = APIClient()
    client.force_authenticate(personas.officer_north)
    items = client.get(f"/api/history/project/{project.pk}/").json()["results"]
    creation = next(i for i in items if i["record"] == "projects.project" and i["kind"] == "create")
    fields = {c["field"]: (c["before"], c["after"]) for c in creation["changes"]}
    assert fields["name"] == (None, "Battery plant") and fields["contract_value_cny"] == (None, "2000000000.00")
