"""/api/events/: figures by the counting-once rule within the reader's scope; administrators write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def money(value) -> str:
    return f"{Decimal(value):.2f}"


@pytest.fixture
def later_event():
    return SigningEvent.objects.create(
        name="第二次签约", name_en="Second ceremony", kind="expo", date=dt.date(2023, 4, 12)
    )


@pytest.fixture
def signed(reference_data, later_event):
    """At the test ceremony: a RMB 3 bn NEV project in North, RMB 0.5 bn food in South.

    At the later event: the North project signed again (adds nothing) and a new RMB 2 bn
    biomedicine project in North Park.
    """
    r = reference_data
    north = make_project(area=r.north, sector=r.ev, value=3 * BN, event=r.event)
    south = make_project(area=r.south, sector=r.food, value=BN / 2, event=r.event)
    park = make_project(area=r.north_park, sector=r.bio, value=2 * BN, event=later_event)
    with audit_context(source="test"):
        services.signing_add(
            project=north,
            event=later_event,
            signed_on=later_event.date,
            kind=SigningKind.RESIGNING,
            stated_value_cny=4 * BN,
        )
    return {"north": north, "south": south, "park": park}


def event_row(client, event):
    response = client.get(f"/api/events/{event.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


class TestFigures:
    def test_an_administrator_sees_the_whole_event(self, reference_data, personas, signed):
        row = event_row(client_for(personas.admin), reference_data.event)
        assert row["project_count"] == 2
        assert row["signed_value_cny"] == money(3 * BN + BN / 2)
        assert row["large_project_count"] == 1
        assert row["strategic_emerging_value_cny"] == money(3 * BN)

    def test_a_re_signed_project_adds_nothing_to_the_later_event(self, personas, signed, later_event):
        row = event_row(client_for(personas.admin), later_event)
        assert (row["project_count"], row["signed_value_cny"]) == (1, money(2 * BN))

    def test_a_district_officer_sees_only_their_districts_part(self, reference_data, personas, signed):
        row = event_row(client_for(personas.officer_south), reference_data.event)
        assert (row["project_count"], row["signed_value_cny"]) == (1, money(BN / 2))
        assert row["strategic_emerging_value_cny"] == money(0)

    def test_the_figures_agree_with_the_event_selector(self, reference_data, personas, signed, later_event):
        for event in (reference_data.event, later_event):
            totals = event_totals(event, personas.admin)
            row = event_row(client_for(personas.admin), event)
            assert row["project_count"] == totals.count
            assert Decimal(row["signed_value_cny"]) == totals.value_cny
            assert row["large_project_count"] == totals.large_count
            assert Decimal(row["strategic_emerging_value_cny"]) == totals.strategic_value_cny

    def test_a_unit_counts_a_project_once_even_when_it_leads_and_acts_on_it(self, reference_data, personas, signed):
        north = signed["north"]
        north.lead_unit = reference_data.power
        north.save(update_fields=["lead_unit"])
        north.involved_units.add(reference_data.power, reference_data.bureau)
        row = event_row(client_for(personas.unit_power), reference_data.event)
        assert (row["project_count"], row["signed_value_cny"]) == (1, money(3 * BN))

    def test_the_detail_breaks_the_event_down_by_sector(self, reference_data, personas, signed):
        lines = event_row(client_for(personas.admin), reference_data.event)["by_sector"]
        assert [(line["sector"], line["project_count"], line["value_cny"]) for line in lines] == [
            (reference_data.ev.pk, 1, money(3 * BN)),
            (reference_data.food.pk, 1, money(BN / 2)),
        ]

    def test_the_list_gives_the_same_figures_as_the_detail(self, reference_data, personas, signed, later_event):
        client = client_for(personas.officer_north)
        rows = {row["id"]: row for row in client.get("/api/events/").json()["results"]}
        for event in (reference_data.event, later_event):
            detail = event_row(client, event)
            assert rows[event.pk]["project_count"] == detail["project_count"]
            assert rows[event.pk]["signed_value_cny"] == detail["signed_value_cny"]

    def test_it_sorts_events_by_signed_value(self, reference_data, personas, signed, later_event):
        rows = client_for(personas.admin).get("/api/events/?ordering=-signed_value_cny").json()["results"]
        assert [r["id"] for r in rows] == [reference_data.event.pk, later_event.pk]

    def test_the_list_costs_the_same_number_of_queries_for_more_events(self, reference_data, personas, signed):
        client = client_for(personas.officer_north)
        client.get("/api/events/")
        with CaptureQueriesContext(connection) as few:
            client.get("/api/events/")
        for day in range(1, 15):
            SigningEvent.objects.create(name=f"路演{day}", kind="roadshow", date=dt.date(2024, 1, day))
        with CaptureQueriesContext(connection) as many:
            assert client.get("/api/events/").json()["count"] == 16
        assert len(few.captured_queries) == len(many.captured_queries)

    def test_it_filters_events_by_date_and_text(self, reference_data, personas, signed, later_event):
        client = client_for(personas.leader)
        rows = client.get("/api/events/?date_from=2023-01-01").json()["results"]
        assert [r["id"] for r in rows] == [later_event.pk]
        rows = client.get("/api/events/?q=Second").json()["results"]
        assert [r["id"] for r in rows] == [later_event.pk]


class TestWrites:
    def test_an_administrator_creates_an_event(self, personas):
        body = {"name": "西洽会", "name_en": "Western China Fair", "kind": "expo", "date": "2025-05-20"}
        response = client_for(personas.admin).post("/api/events/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["project_count"] == 0
        assert response.json()["signed_value_cny"] == "0.00"
        assert AuditEntry.objects.filter(object_id=str(response.json()["id"]), kind="create").exists()

    def test_a_district_officer_may_not_create_an_event(self, personas):
        body = {"name": "区招商会", "kind": "ceremony", "date": "2025-05-20"}
        assert client_for(personas.officer_north).post("/api/events/", body, format="json").status_code == 403
        assert not SigningEvent.objects.filter(name="区招商会").exists()

    def test_a_leader_may_not_change_an_event(self, reference_data, personas):
        response = client_for(personas.leader).patch(
            f"/api/events/{reference_data.event.pk}/", {"place": "Online"}, format="json"
        )
        assert response.status_code == 403

    def test_it_names_a_last_day_before_the_first(self, reference_data, personas):
        response = client_for(personas.admin).patch(
            f"/api/events/{reference_data.event.pk}/", {"end_date": "2022-08-01", "version": 1}, format="json"
        )
        assert response.status_code == 400
        assert "end_date" in response.json()

    def test_an_administrator_changes_an_event_with_an_audit_entry(self, reference_data, personas, signed):
        response = client_for(personas.admin).patch(
            f"/api/events/{reference_data.event.pk}/", {"place": "Chongqing", "version": 1}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["project_count"] == 2
        entry = AuditEntry.objects.filter(object_id=str(reference_data.event.pk), kind="update").latest("id")
        assert entry.changes["place"] == ["", "Chongqing"]
        assert entry.actor == personas.admin

    def test_an_event_with_signings_cannot_be_deleted(self, reference_data, personas, signed):
        response = client_for(personas.admin).delete(f"/api/events/{reference_data.event.pk}/")
        assert response.status_code == 409
        assert SigningEvent.objects.filter(pk=reference_data.event.pk).exists()

    def test_a_user_without_a_role_cannot_read_events(self, personas):
        assert client_for(personas.stranger).get("/api/events/").status_code == 403
