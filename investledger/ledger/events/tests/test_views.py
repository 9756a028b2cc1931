"""Signing-event pages: ledger figures by the counting-once rule, within the reader's scope."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.events import views
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def expo(reference_data):
    """An event with 3 projects in the ledger (one re-signed later) and its announced figures."""
    ref = reference_data
    event = ref.event
    event.announced_count = 4
    event.announced_value_cny = 8 * BN
    event.save()
    north = make_project(name="北区整车", area=ref.north, sector=ref.ev, value=3 * BN, event=event)
    park = make_project(name="园区药厂", area=ref.north_park, sector=ref.bio, value=BN / 2, event=event)
    south = make_project(name="南区食品", area=ref.south, sector=ref.food, value=2 * BN, event=event)
    later = SigningEvent.objects.create(name="后续签约", name_en="Later signing", kind="expo", date=dt.date(2023, 4, 1))
    with audit_context(source="test"):
        services.signing_add(
            project=north, event=later, signed_on=later.date, kind=SigningKind.RESIGNING, stated_value_cny=3 * BN
        )
    return {"event": event, "later": later, "north": north, "park": park, "south": south}


def login(client, user):
    client.force_login(user)
    return client


def row(response, event):
    return next(e for e in response.context["object_list"] if e.pk == event.pk)


class TestEventList:
    def test_it_counts_each_project_once_under_its_first_event(self, client, personas, expo):
        response = login(client, personas.admin).get(reverse("events:event_list"))
        first, later = row(response, expo["event"]), row(response, expo["later"])
        assert (first.ledger_count, first.ledger_value) == (3, Decimal("5.5") * BN)
        assert (later.ledger_count, later.ledger_value) == (0, 0)

    def test_an_event_whose_amounts_are_all_undisclosed_reads_undisclosed_not_zero(
        self, client, personas, reference_data
    ):
        ref = reference_data
        fair = SigningEvent.objects.create(
            name="博览会签约", name_en="Fair signings", kind="expo", date=dt.date(2023, 4, 12)
        )
        for name in ("卫星地面站", "测控中心"):
            make_project(name=name, area=ref.north, sector=ref.ev, value=0, event=fair, value_undisclosed=True)
        response = login(client, personas.admin).get(reverse("events:event_list"))
        cell = re.search(rf'<tr data-event="{fair.pk}">.*?ledger-value">(.*?)</td>', response.content.decode(), re.S)
        assert cell and cell.group(1).strip() == "undisclosed"
        api = client.get("/api/events/").json()["results"]
        assert next(e for e in api if e["id"] == fair.pk)["undisclosed_project_count"] == 2

    def test_an_event_with_some_undisclosed_amounts_says_they_are_not_in_its_value(self, client, personas, expo):
        ref = expo["event"]
        make_project(
            name="保密项目",
            area=expo["north"].host_area,
            sector=expo["north"].sector,
            value=0,
            event=ref,
            value_undisclosed=True,
        )
        response = login(client, personas.admin).get(reverse("events:event_list"))
        first = row(response, expo["event"])
        assert (first.ledger_count, first.ledger_value, first.ledger_undisclosed) == (4, Decimal("5.5") * BN, 1)
        assert "1 undisclosed amount not included" in response.content.decode()

    def test_it_counts_within_the_readers_scope(self, client, personas, expo):
        response = login(client, personas.officer_north).get(reverse("events:event_list"))
        first = row(response, expo["event"])
        assert (first.ledger_count, first.ledger_value) == (2, Decimal("3.5") * BN)
        assert "count only the projects of your own scope" in response.content.decode()

    def test_a_responsible_unit_counts_a_project_once_however_many_units_it_involves(
        self, client, personas, expo, reference_data
    ):
        with audit_context(source="test"):
            services.project_update(
                project=expo["north"],
                fields={"lead_unit": reference_data.power},
                m2m={"involved_units": [reference_data.power.pk, reference_data.bureau.pk]},
            )
        response = login(client, personas.unit_power).get(reverse("events:event_list"))
        assert row(response, expo["event"]).ledger_count == 1
        assert row(response, expo["event"]).ledger_value == 3 * BN

    def test_event_detail_counts_a_project_once_for_a_responsible_unit(self, client, personas, expo, reference_data):
        with audit_context(source="test"):
            services.project_update(
                project=expo["north"],
                fields={"lead_unit": reference_data.power},
                m2m={"involved_units": [reference_data.power.pk, reference_data.bureau.pk]},
            )
        detail = login(client, personas.unit_power).get(reverse("events:event_detail", args=[expo["event"].pk]))
        assert (detail.context["totals"].count, detail.context["totals"].value_cny) == (1, 3 * BN)

    def test_it_filters_by_kind_and_text(self, client, personas, expo):
        login(client, personas.admin)
        response = client.get(reverse("events:event_list"), {"kind": "expo"})
        assert {e.pk for e in response.context["object_list"]} == {expo["later"].pk}
        response = client.get(reverse("events:event_list"), {"q": "测试"})
        assert {e.pk for e in response.context["object_list"]} == {expo["event"].pk}


class TestEventDetail:
    def test_it_sets_ledger_figures_beside_the_announced_ones(self, client, personas, expo):
        response = login(client, personas.admin).get(reverse("events:event_detail", args=[expo["event"].pk]))
        body = response.content.decode()
        assert response.context["totals"].count == 3
        assert response.context["count_gap"] == -1
        assert response.context["value_gap"] == Decimal("-2.5") * BN
        assert response.context["totals"].large_count == 2
        shares = {line["sector"].code: line["share"] for line in response.context["sectors"]}
        assert shares["ev"] == Decimal(3) / Decimal("5.5")
        assert f"{reverse('projects:project_list')}?event={expo['event'].pk}" in body
        assert 'id="scope-note"' not in body
        first_signed = {p.pk for p in response.context["projects"]}
        assert first_signed == {expo["north"].pk, expo["park"].pk, expo["south"].pk}

    def test_it_says_figures_are_within_scope_for_a_district_officer(self, client, personas, expo):
        response = login(client, personas.officer_south).get(reverse("events:event_detail", args=[expo["event"].pk]))
        assert 'id="scope-note"' in response.content.decode()
        assert response.context["totals"].count == 1
        assert {p.pk for p in response.context["projects"]} == {expo["south"].pk}

    def test_the_later_event_lists_no_project_first_signed_there(self, client, personas, expo):
        response = login(client, personas.admin).get(reverse("events:event_detail", args=[expo["later"].pk]))
        assert list(response.context["projects"]) == []
        assert response.context["totals"].value_cny == 0

    def test_an_event_with_more_projects_than_the_page_lists_shows_its_largest_and_links_to_all(
        self, client, personas, expo, monkeypatch
    ):
        url = reverse("events:event_detail", args=[expo["event"].pk])
        response = login(client, personas.admin).get(url)
        assert [p.pk for p in response.context["projects"]] == [expo[k].pk for k in ("north", "south", "park")]
        assert 'id="more-projects"' not in response.content.decode()
        monkeypatch.setattr(views, "PROJECTS_SHOWN", 2)
        response = client.get(url)
        assert [p.pk for p in response.context["projects"]] == [expo["north"].pk, expo["south"].pk]
        body = response.content.decode()
        assert 'id="more-projects"' in body
        assert f"{reverse('projects:project_list')}?first_event={expo['event'].pk}" in body
        response = login(client, personas.officer_north).get(url)
        assert [p.pk for p in response.context["projects"]] == [expo["north"].pk, expo["park"].pk]
        assert 'id="more-projects"' not in response.content.decode()

    def test_a_user_without_role_cannot_open_events(self, client, personas, expo):
        response = login(client, personas.stranger).get(reverse("events:event_detail", args=[expo["event"].pk]))
        assert response.status_code == 404


class TestEventEdit:
    def data(self, **overrides):
        data = {
            "name": "智博会签约仪式",
            "name_en": "Smart China Expo signing",
            "kind": "ceremony",
            "date": "2022-08-22",
        }
        data.update(overrides)
        return data

    def test_an_administrator_creates_and_edits_an_event_with_an_audit_entry(self, client, personas):
        login(client, personas.admin)
        response = client.post(
            reverse("events:event_create"), self.data(announced_count="70", announced_value_cny="212.1")
        )
        event = SigningEvent.objects.get(name="智博会签约仪式")
        assert response.status_code == 302
        assert event.announced_value_cny == Decimal("212100000000")
        response = client.post(reverse("events:event_edit", args=[event.pk]), self.data(place="重庆", version=1))
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.place == "重庆"
        kinds = list(AuditEntry.objects.filter(object_id=str(event.pk)).values_list("kind", flat=True))
        assert kinds == [AuditEntry.Kind.CREATE, AuditEntry.Kind.UPDATE]

    def test_it_names_the_wrong_field(self, client, personas):
        login(client, personas.admin)
        response = client.post(reverse("events:event_create"), self.data(end_date="2022-08-01", announced_count="-3"))
        errors = response.context["form"].errors
        assert {"end_date", "announced_count"} <= set(errors)
        assert not SigningEvent.objects.filter(name="智博会签约仪式").exists()

    @pytest.mark.parametrize("persona", ["officer_north", "supervisor", "leader", "unit_power"])
    def test_only_administrators_manage_events(self, client, personas, reference_data, persona):
        login(client, getattr(personas, persona))
        assert client.get(reverse("events:event_create")).status_code == 403
        assert client.post(reverse("events:event_create"), self.data()).status_code == 403
        response = client.post(reverse("events:event_edit", args=[reference_data.event.pk]), self.data())
        assert response.status_code == 403
        reference_data.event.refresh_from_db()
        assert reference_data.event.name == "测试签约会"
        detail = client.get(reverse("events:event_detail", args=[reference_data.event.pk]))
        assert reverse("events:event_edit", args=[reference_data.event.pk]) not in detail.content.decode()
