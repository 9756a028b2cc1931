"""/api/projects/: scope per persona, the ledger's filters, validation, duplicates and edit conflicts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.models import Project
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ledger(reference_data):
    """Three projects: one in North District, one in North Park, one in South District."""
    r = reference_data
    return {
        "north": make_project(
            area=r.north, sector=r.ev, name="North battery plant", value=3 * BN, event=r.event, signed_on=r.event.date
        ),
        "park": make_project(
            area=r.north_park,
            sector=r.bio,
            name="Park vaccine centre",
            value=Decimal("200000000"),
            event=r.event,
            signed_on=dt.date(2023, 3, 1),
        ),
        "south": make_project(
            area=r.south, sector=r.food, name="South dairy", value=Decimal("50000000"), signed_on=dt.date(2024, 6, 1)
        ),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def new_project_body(reference_data, **overrides) -> dict:
    body = {
        "name": "Lakeside chip packaging line",
        "investor": make_investor("Lakeside Semiconductor Co.").pk,
        "host_area": reference_data.north_park.pk,
        "sector": reference_data.ev.pk,
        "contract_value": "1500000000.00",
        "planned_start": "2025-03-01",
        "planned_completion": "2026-06-30",
    }
    body.update(overrides)
    return body


class TestScope:
    def test_it_hides_projects_of_other_districts(self, personas, ledger):
        seen = ids(client_for(personas.officer_north).get("/api/projects/"))
        assert seen == {ledger["north"].pk, ledger["park"].pk}

    def test_it_limits_a_park_officer_to_the_park(self, personas, ledger):
        assert ids(client_for(personas.officer_park).get("/api/projects/")) == {ledger["park"].pk}

    def test_it_shows_city_wide_readers_every_project(self, personas, ledger):
        for user in (personas.admin, personas.supervisor, personas.leader):
            assert ids(client_for(user).get("/api/projects/")) == {p.pk for p in ledger.values()}

    def test_it_shows_a_unit_the_projects_it_leads_or_acts_on(self, reference_data, personas, ledger):
        led = make_project(area=reference_data.south, sector=reference_data.food, lead_unit=reference_data.power)
        ledger["north"].involved_units.add(reference_data.power, reference_data.bureau)
        assert ids(client_for(personas.unit_power).get("/api/projects/")) == {led.pk, ledger["north"].pk}

    def test_it_shows_a_contact_only_their_own_projects(self, personas, ledger):
        ledger["south"].contacts.add(personas.contact_a)
        assert ids(client_for(personas.contact_a).get("/api/projects/")) == {ledger["south"].pk}

    def test_it_answers_404_for_a_project_outside_the_scope(self, personas, ledger):
        client = client_for(personas.officer_north)
        assert client.get(f"/api/projects/{ledger['south'].pk}/").status_code == 404
        assert client.patch(f"/api/projects/{ledger['south'].pk}/", {"name": "x", "version": 1}).status_code == 404
        assert client.get(f"/api/projects/{ledger['south'].pk}/signings/").status_code == 404
        assert client.post(f"/api/projects/{ledger['south'].pk}/side-state/", {}).status_code == 404

    def test_it_refuses_a_signed_in_user_without_a_role(self, personas, ledger):
        assert client_for(personas.stranger).get("/api/projects/").status_code == 403

    def test_it_asks_anonymous_clients_to_authenticate(self, ledger):
        assert APIClient().get("/api/projects/").status_code == 401

    def test_it_lets_a_leader_read_but_not_create(self, reference_data, personas, ledger):
        client = client_for(personas.leader)
        assert client.get(f"/api/projects/{ledger['south'].pk}/").status_code == 200
        assert client.post("/api/projects/", new_project_body(reference_data), format="json").status_code == 403

    def test_it_answers_403_when_a_leader_edits_a_visible_project(self, personas, ledger):
        project = ledger["north"]
        response = client_for(personas.leader).patch(
            f"/api/projects/{project.pk}/", {"name": "Renamed", "version": project.version}, format="json"
        )
        assert response.status_code == 403
        project.refresh_from_db()
        assert project.name == "North battery plant"

    def test_it_answers_403_when_a_supervisor_deletes(self, personas, ledger):
        response = client_for(personas.supervisor).delete(f"/api/projects/{ledger['north'].pk}/?reason=test")
        assert response.status_code == 403
        assert Project.objects.filter(pk=ledger["north"].pk).exists()


class TestFilters:
    def test_the_area_filter_includes_sub_areas(self, reference_data, personas, ledger):
        response = client_for(personas.admin).get(f"/api/projects/?area={reference_data.north.pk}")
        assert ids(response) == {ledger["north"].pk, ledger["park"].pk}

    def test_the_value_range_filter_is_in_cny(self, personas, ledger):
        response = client_for(personas.admin).get("/api/projects/?value_cny_min=100000000&value_cny_max=1000000000")
        assert ids(response) == {ledger["park"].pk}

    def test_the_value_range_filter_also_takes_100_million_units(self, personas, ledger):
        assert ids(client_for(personas.admin).get("/api/projects/?value_min=10")) == {ledger["north"].pk}

    def test_the_date_range_filter_uses_the_signing_date(self, personas, ledger):
        response = client_for(personas.admin).get("/api/projects/?signed_from=2023-01-01&signed_to=2023-12-31")
        assert ids(response) == {ledger["park"].pk}

    def test_the_search_finds_name_investor_and_reference(self, personas, ledger):
        client = client_for(personas.admin)
        assert ids(client.get("/api/projects/?q=dairy")) == {ledger["south"].pk}
        assert ids(client.get(f"/api/projects/?q={ledger['park'].investor.name}")) == {ledger["park"].pk}
        assert ids(client.get(f"/api/projects/?q={ledger['north'].reference}")) == {ledger["north"].pk}

    def test_the_search_stays_within_the_scope(self, personas, ledger):
        assert ids(client_for(personas.officer_north).get("/api/projects/?q=dairy")) == set()

    def test_it_filters_by_stage_and_sector(self, reference_data, personas, ledger):
        client = client_for(personas.admin)
        assert ids(client.get(f"/api/projects/?sector={reference_data.bio.pk}")) == {ledger["park"].pk}
        assert ids(client.get("/api/projects/?stage=signed")) == {p.pk for p in ledger.values()}
        assert ids(client.get("/api/projects/?stage=started")) == set()

    def test_it_sorts_by_value_with_a_stable_tie_break(self, personas, ledger):
        rows = client_for(personas.admin).get("/api/projects/?ordering=-value").json()["results"]
        assert [r["id"] for r in rows] == [ledger["north"].pk, ledger["park"].pk, ledger["south"].pk]

    def test_it_rejects_an_unknown_filter_value_naming_the_filter(self, personas, ledger):
        response = client_for(personas.admin).get("/api/projects/?area=99999")
        assert response.status_code == 400
        assert "area" in response.json()

    def test_money_is_given_as_decimal_strings(self, personas, ledger):
        row = client_for(personas.admin).get(f"/api/projects/{ledger['park'].pk}/").json()
        assert row["contract_value_cny"] == "200000000.00"

    def test_the_list_costs_the_same_number_of_queries_for_any_page_size(self, reference_data, personas):
        for _ in range(12):
            make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
        client = client_for(personas.officer_north)
        client.get("/api/projects/?page_size=1")  # loads the role assignments cached on the user
        counts = []
        for size in (2, 12):
            with CaptureQueriesContext(connection) as captured:
                assert len(client.get(f"/api/projects/?page_size={size}").json()["results"]) == size
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1]


class TestCreate:
    def test_an_officer_creates_a_project_in_their_area(self, reference_data, personas):
        body = new_project_body(reference_data, event=reference_data.event.pk)
        response = client_for(personas.officer_north).post("/api/projects/", body, format="json")
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["reference"].startswith("P2022-")
        assert data["contract_value_cny"] == "1500000000.00"
        assert data["first_event"] == reference_data.event.pk
        assert response["Location"] == f"/api/projects/{data['id']}/"
        entry = AuditEntry.objects.filter(object_id=str(data["id"]), kind="create").latest("id")
        assert entry.actor == personas.officer_north
        assert entry.source.startswith("api:")

    def test_it_refuses_a_project_in_another_districts_area_naming_host_area(self, reference_data, personas):
        body = new_project_body(reference_data, host_area=reference_data.south.pk)
        response = client_for(personas.officer_north).post("/api/projects/", body, format="json")
        assert response.status_code == 400
        assert "host_area" in response.json()
        assert not Project.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"contract_value": "-5"}, "contract_value"),
            ({"contract_value": "twelve"}, "contract_value"),
            ({"contract_value": "1.005"}, "contract_value"),
            ({"planned_completion": "2024-01-01"}, "planned_completion"),
            ({"host_area": 99999}, "host_area"),
            ({"sector": 99999}, "sector"),
            ({"currency": "USD"}, "fx_rate"),
            ({"currency": "USD", "fx_rate": "7.1"}, "fx_date"),
            ({"name": ""}, "name"),
        ],
    )
    def test_it_names_the_field_of_invalid_input(self, reference_data, personas, overrides, field):
        body = new_project_body(reference_data, **overrides)
        response = client_for(personas.admin).post("/api/projects/", body, format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert not Project.objects.exists()

    def test_it_converts_a_foreign_amount_at_the_given_rate(self, reference_data, personas):
        body = new_project_body(
            reference_data, currency="USD", fx_rate="7.1", fx_date="2025-01-02", contract_value="100"
        )
        response = client_for(personas.admin).post("/api/projects/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["contract_value_cny"] == "710.00"

    def test_it_asks_before_creating_a_likely_duplicate(self, reference_data, personas):
        investor = make_investor("Dragon Motors")
        existing = make_project(
            area=reference_data.north_park, sector=reference_data.ev, investor=investor, name="Dragon Motors EV plant"
        )
        body = new_project_body(reference_data, investor=investor.pk, name="Dragon Motors EV plant phase one")
        client = client_for(personas.officer_north)

        first = client.post("/api/projects/", body, format="json")
        assert first.status_code == 409
        candidates = first.json()["possible_duplicates"]
        assert [c["reference"] for c in candidates] == [existing.reference]
        assert candidates[0]["reasons"]
        assert Project.objects.count() == 1

        confirmed = client.post("/api/projects/", {**body, "confirm_not_duplicate": True}, format="json")
        assert confirmed.status_code == 201
        assert Project.objects.count() == 2


class TestUpdate:
    def test_it_saves_an_edit_and_bumps_the_version(self, personas, ledger):
        project = ledger["north"]
        response = client_for(personas.officer_north).patch(
            f"/api/projects/{project.pk}/",
            {"name": "North battery plant II", "version": project.version},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["version"] == project.version + 1
        project.refresh_from_db()
        assert project.name == "North battery plant II"

    def test_it_refuses_an_edit_made_on_an_old_version(self, personas, ledger):
        project = ledger["north"]
        client = client_for(personas.officer_north)
        client.patch(f"/api/projects/{project.pk}/", {"name": "First edit", "version": 1}, format="json")
        response = client.patch(f"/api/projects/{project.pk}/", {"name": "Second edit", "version": 1}, format="json")
        assert response.status_code == 409
        assert response.json()["current_version"] == 2
        project.refresh_from_db()
        assert project.name == "First edit"

    def test_it_requires_the_version(self, personas, ledger):
        response = client_for(personas.officer_north).patch(
            f"/api/projects/{ledger['north'].pk}/", {"name": "No version"}, format="json"
        )
        assert response.status_code == 400
        assert "version" in response.json()

    def test_it_refuses_moving_a_project_out_of_the_officers_areas(self, reference_data, personas, ledger):
        project = ledger["north"]
        response = client_for(personas.officer_north).patch(
            f"/api/projects/{project.pk}/", {"host_area": reference_data.south.pk, "version": 1}, format="json"
        )
        assert response.status_code == 400
        assert "host_area" in response.json()

    def test_a_changed_amount_changes_what_the_event_counts(self, reference_data, personas, ledger):
        project = ledger["north"]
        client_for(personas.admin).patch(
            f"/api/projects/{project.pk}/", {"contract_value": "4000000000", "version": 1}, format="json"
        )
        event = client_for(personas.admin).get(f"/api/events/{reference_data.event.pk}/").json()
        assert event["signed_value_cny"] == str(4 * BN + Decimal("200000000")) + ".00"

    def test_a_full_update_validates_the_dates(self, reference_data, personas, ledger):
        project = ledger["north"]
        body = new_project_body(reference_data, planned_completion="2020-01-01", version=1)
        response = client_for(personas.admin).put(f"/api/projects/{project.pk}/", body, format="json")
        assert response.status_code == 400
        assert "planned_completion" in response.json()


class TestDelete:
    def test_an_administrator_deletes_with_a_reason(self, personas, ledger):
        project = ledger["north"]
        response = client_for(personas.admin).delete(
            f"/api/projects/{project.pk}/", {"reason": "entered twice"}, format="json"
        )
        assert response.status_code == 204
        assert not Project.objects.filter(pk=project.pk).exists()
        entry = AuditEntry.objects.filter(object_id=str(project.pk), kind="delete").latest("id")
        assert entry.message == "entered twice"

    def test_it_requires_a_reason(self, personas, ledger):
        response = client_for(personas.admin).delete(f"/api/projects/{ledger['north'].pk}/")
        assert response.status_code == 400
        assert "reason" in response.json()
        assert Project.objects.filter(pk=ledger["north"].pk).exists()

    def test_a_district_officer_may_not_delete(self, personas, ledger):
        response = client_for(personas.officer_north).delete(f"/api/projects/{ledger['north'].pk}/?reason=oops")
        assert response.status_code == 403


class TestSideState:
    def test_an_officer_terminates_a_project_with_a_reason(self, personas, ledger):
        project = ledger["north"]
        response = client_for(personas.officer_north).post(
            f"/api/projects/{project.pk}/side-state/",
            {"side_state": "terminated", "reason": "Investor withdrew", "since": "2025-02-01"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["side_state"] == "terminated"
        assert response.json()["side_state_date"] == "2025-02-01"

    def test_it_requires_a_reason(self, personas, ledger):
        response = client_for(personas.officer_north).post(
            f"/api/projects/{ledger['north'].pk}/side-state/", {"side_state": "stalled"}, format="json"
        )
        assert response.status_code == 400
        assert "reason" in response.json()

    def test_it_refuses_an_unknown_side_state(self, personas, ledger):
        response = client_for(personas.officer_north).post(
            f"/api/projects/{ledger['north'].pk}/side-state/", {"side_state": "paused", "reason": "x"}, format="json"
        )
        assert response.status_code == 400
        assert "side_state" in response.json()

    def test_it_refuses_a_stale_version(self, personas, ledger):
        response = client_for(personas.officer_north).post(
            f"/api/projects/{ledger['north'].pk}/side-state/",
            {"side_state": "stalled", "reason": "Land dispute", "version": 7},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["current_version"] == 1

    def test_a_leader_may_not_terminate(self, personas, ledger):
        response = client_for(personas.leader).post(
            f"/api/projects/{ledger['north'].pk}/side-state/",
            {"side_state": "terminated", "reason": "x"},
            format="json",
        )
        assert response.status_code == 403


class TestSignings:
    @pytest.fixture
    def expo(self):
        return SigningEvent.objects.create(
            name="投洽会", name_en="Investment fair", kind="expo", date=dt.date(2024, 9, 8)
        )

    def test_a_re_signing_is_recorded_but_adds_no_amount(self, personas, ledger, expo):
        project = ledger["north"]
        client = client_for(personas.officer_north)
        response = client.post(
            f"/api/projects/{project.pk}/signings/",
            {"event": expo.pk, "signed_on": "2024-09-08", "kind": "resigning", "stated_value_cny": "3500000000"},
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["counted_project"] is False
        assert response.json()["counted_value_cny"] == "0.00"
        assert len(client.get(f"/api/projects/{project.pk}/signings/").json()) == 2

    def test_it_refuses_signing_twice_at_the_same_event(self, reference_data, personas, ledger):
        response = client_for(personas.officer_north).post(
            f"/api/projects/{ledger['north'].pk}/signings/",
            {"event": reference_data.event.pk, "signed_on": "2022-08-22", "stated_value_cny": "1"},
            format="json",
        )
        assert response.status_code == 400
        assert "non_field_errors" in response.json()

    def test_it_names_a_negative_amount(self, personas, ledger, expo):
        response = client_for(personas.officer_north).post(
            f"/api/projects/{ledger['north'].pk}/signings/",
            {"event": expo.pk, "signed_on": "2024-09-08", "stated_value_cny": "-1"},
            format="json",
        )
        assert response.status_code == 400
        assert "stated_value_cny" in response.json()

    def test_a_leader_reads_signings_but_may_not_add_one(self, personas, ledger, expo):
        client = client_for(personas.leader)
        assert client.get(f"/api/projects/{ledger['north'].pk}/signings/").status_code == 200
        response = client.post(
            f"/api/projects/{ledger['north'].pk}/signings/",
            {"event": expo.pk, "signed_on": "2024-09-08", "stated_value_cny": "1"},
            format="json",
        )
        assert response.status_code == 403

    def test_signings_of_a_project_outside_the_scope_are_not_found(self, personas, ledger):
        assert (
            client_for(personas.officer_south).get(f"/api/projects/{ledger['north'].pk}/signings/").status_code == 404
        )
