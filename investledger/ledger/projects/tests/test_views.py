"""The ledger pages, tried by every persona: who sees what, who may change what, and how forms answer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.projects import filtersets, services
from investledger.ledger.projects.choices import SideState, SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def ledger(reference_data):
    """One project in each place: North District, North Park (inside North) and South District."""
    ref = reference_data
    return {
        "north": make_project(name="北区电池工厂", area=ref.north, sector=ref.ev, value=3 * BN, event=ref.event),
        "park": make_project(name="园区生物药基地", area=ref.north_park, sector=ref.bio, value=BN / 2),
        "south": make_project(name="南区食品加工", area=ref.south, sector=ref.food, value=2 * BN, event=ref.event),
    }


def login(client, user):
    client.force_login(user)
    return client


def listed_pks(response):
    return {p.pk for p in response.context["object_list"]}


def form_data(reference_data, investor, **overrides):
    data = {
        "name": "新能源整车项目",
        "investor": investor.pk,
        "host_area": reference_data.north.pk,
        "sector": reference_data.ev.pk,
        "agreement_type": "contract",
        "currency": "CNY",
        "contract_value": "1.5",  # RMB bn, the unit shown beside the field
        "fx_rate": "",
        "fx_date": "",
        "outside_value_cny": "",
        "fixed_asset_value_cny": "",
        "planned_jobs": "",
        "planned_start": "",
        "planned_completion": "",
        "planned_production": "",
        "lead_unit": "",
        "responsible_leader": "",
        "commissioner": "",
        "description": "",
        "event": "",
        "signed_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(project, **overrides):
    data = {
        "name": project.name,
        "investor": project.investor_id,
        "host_area": project.host_area_id,
        "sector": project.sector_id,
        "agreement_type": project.agreement_type,
        "currency": project.currency,
        "contract_value": str(project.contract_value / BN),
        "fx_rate": str(project.fx_rate),
        "version": project.version,
    }
    data.update(overrides)
    return data


class TestLedgerList:
    def test_it_requires_login(self, client):
        response = client.get(reverse("projects:project_list"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_it_shows_a_city_wide_reader_every_project(self, client, personas, ledger):
        response = login(client, personas.leader).get(reverse("projects:project_list"))
        assert response.status_code == 200
        assert listed_pks(response) == {p.pk for p in ledger.values()}

    def test_it_hides_projects_of_other_districts(self, client, personas, ledger):
        response = login(client, personas.officer_north).get(reverse("projects:project_list"))
        assert listed_pks(response) == {ledger["north"].pk, ledger["park"].pk}
        assert "南区食品加工" not in response.content.decode()

    def test_it_shows_a_park_officer_only_the_park(self, client, personas, ledger):
        response = login(client, personas.officer_park).get(reverse("projects:project_list"))
        assert listed_pks(response) == {ledger["park"].pk}

    def test_it_shows_a_user_without_role_nothing(self, client, personas, ledger):
        response = login(client, personas.stranger).get(reverse("projects:project_list"))
        assert listed_pks(response) == set()

    def test_area_filter_includes_sub_areas(self, client, personas, ledger, reference_data):
        response = login(client, personas.admin).get(
            reverse("projects:project_list"), {"area": reference_data.north.pk}
        )
        assert listed_pks(response) == {ledger["north"].pk, ledger["park"].pk}

    @pytest.mark.parametrize("read_first", [0, 5_000])
    def test_the_event_filter_lists_the_events_projects_in_scope_whether_its_ids_are_read_first_or_not(
        self, client, personas, ledger, reference_data, monkeypatch, read_first
    ):
        monkeypatch.setattr(filtersets, "EVENT_IDS_READ_FIRST", read_first)
        url = reverse("projects:project_list")
        signed_there = {ledger["north"].pk, ledger["south"].pk}
        assert listed_pks(login(client, personas.admin).get(url, {"event": reference_data.event.pk})) == signed_there
        assert listed_pks(login(client, personas.officer_north).get(url, {"event": reference_data.event.pk})) == {
            ledger["north"].pk
        }

    def test_it_filters_by_value_in_hundred_millions_and_by_sector(self, client, personas, ledger, reference_data):
        login(client, personas.admin)
        response = client.get(reverse("projects:project_list"), {"value_min": "10", "value_max": "25"})
        assert listed_pks(response) == {ledger["south"].pk}
        response = client.get(reverse("projects:project_list"), {"sector": reference_data.bio.pk})
        assert listed_pks(response) == {ledger["park"].pk}

    def test_it_filters_by_event_investor_text_and_signing_date(self, client, personas, ledger, reference_data):
        login(client, personas.admin)
        url = reverse("projects:project_list")
        assert listed_pks(client.get(url, {"event": reference_data.event.pk})) == {
            ledger["north"].pk,
            ledger["south"].pk,
        }
        assert listed_pks(client.get(url, {"investor": ledger["park"].investor_id})) == {ledger["park"].pk}
        assert listed_pks(client.get(url, {"q": "电池"})) == {ledger["north"].pk}
        assert listed_pks(client.get(url, {"signed_from": "2022-08-01", "signed_to": "2022-08-31"})) == {
            ledger["north"].pk,
            ledger["south"].pk,
        }

    def test_totals_line_counts_and_sums_the_filtered_set(self, client, personas, ledger, reference_data):
        response = login(client, personas.admin).get(
            reverse("projects:project_list"), {"area": reference_data.north.pk}
        )
        totals = response.context["totals"]
        assert (totals.count, totals.value) == (2, Decimal("3.5") * BN)

    def test_totals_cover_every_page_not_only_the_one_shown(self, client, personas, ledger):
        response = login(client, personas.admin).get(reverse("projects:project_list"), {"page_size": 10, "page": 1})
        assert response.context["totals"].count == 3

    def test_it_sorts_by_a_column_header(self, client, personas, ledger):
        login(client, personas.admin)
        ascending = client.get(reverse("projects:project_list"), {"ordering": "value"})
        assert [p.pk for p in ascending.context["object_list"]] == [
            ledger["park"].pk,
            ledger["south"].pk,
            ledger["north"].pk,
        ]
        descending = client.get(reverse("projects:project_list"), {"ordering": "-value"})
        assert [p.pk for p in descending.context["object_list"]][0] == ledger["north"].pk
        assert "ordering=value" in descending.content.decode()  # the header now offers the other direction

    def test_it_paginates_with_the_chosen_page_size(self, client, personas, reference_data):
        for i in range(12):
            make_project(name=f"项目{i}", area=reference_data.north, sector=reference_data.ev, value=BN + i)
        login(client, personas.admin)
        first = client.get(reverse("projects:project_list"), {"page_size": 10})
        second = client.get(reverse("projects:project_list"), {"page_size": 10, "page": 2})
        assert len(first.context["object_list"]) == 10
        assert len(second.context["object_list"]) == 2
        assert listed_pks(first).isdisjoint(listed_pks(second))
        odd = client.get(reverse("projects:project_list"), {"page_size": 7})
        assert odd.context["page_size"] == 25  # only the offered sizes are accepted

    def test_an_htmx_filter_request_gets_only_the_table(self, client, personas, ledger):
        login(client, personas.admin)
        response = client.get(
            reverse("projects:project_list"),
            {"q": "电池"},
            headers={"HX-Request": "true", "HX-Target": "ledger-table"},
        )
        body = response.content.decode()
        assert "<html" not in body
        assert 'id="ledger-totals"' in body
        assert "北区电池工厂" in body
        assert "HX-Request" in response["Vary"]
        full = client.get(reverse("projects:project_list"), {"q": "电池"})
        assert "<html" in full.content.decode() and 'id="filter-form"' in full.content.decode()

    def test_the_number_of_queries_does_not_grow_with_page_size(self, client, personas, reference_data):
        for i in range(30):
            make_project(
                name=f"批量项目{i}",
                area=reference_data.north if i % 2 else reference_data.south,
                sector=reference_data.ev,
                value=BN + i,
                event=reference_data.event if i % 3 else None,
                investor=make_investor(),
            )
        login(client, personas.admin)
        url = reverse("projects:project_list")
        client.get(url)  # warm caches (content types, session)

        def count(size):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url, {"page_size": size})
            assert response.status_code == 200
            return len(ctx.captured_queries), len(response.context["object_list"])

        small, shown_small = count(10)
        large, shown_large = count(100)
        assert (shown_small, shown_large) == (10, 30)
        assert small == large


class TestProjectDetail:
    def test_it_shows_the_record_in_domain_words(self, client, personas, ledger):
        response = login(client, personas.officer_north).get(
            reverse("projects:project_detail", args=[ledger["north"].pk])
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "北区电池工厂" in body
        assert "Contract investment" in body
        assert "Test signing ceremony" in body  # the signing
        assert 'id="signings"' in body

    def test_it_answers_404_for_another_districts_project(self, client, personas, ledger):
        response = login(client, personas.officer_south).get(
            reverse("projects:project_detail", args=[ledger["north"].pk])
        )
        assert response.status_code == 404

    def test_a_park_officer_cannot_open_the_districts_own_project(self, client, personas, ledger):
        login(client, personas.officer_park)
        assert client.get(reverse("projects:project_detail", args=[ledger["north"].pk])).status_code == 404
        assert client.get(reverse("projects:project_detail", args=[ledger["park"].pk])).status_code == 200

    def test_it_offers_edit_buttons_only_to_those_who_may_edit(self, client, personas, ledger):
        url = reverse("projects:project_detail", args=[ledger["north"].pk])
        edit_url = reverse("projects:project_edit", args=[ledger["north"].pk])
        assert edit_url in login(client, personas.officer_north).get(url).content.decode()
        client.logout()
        leader_page = login(client, personas.leader).get(url).content.decode()
        assert edit_url not in leader_page
        assert reverse("projects:signing_add", args=[ledger["north"].pk]) not in leader_page

    def test_a_project_contact_sees_their_own_project_only(self, client, personas, ledger):
        with audit_context(source="test"):
            services.project_update(project=ledger["south"], fields={}, m2m={"contacts": [personas.contact_a.pk]})
        login(client, personas.contact_a)
        assert client.get(reverse("projects:project_detail", args=[ledger["south"].pk])).status_code == 200
        assert client.get(reverse("projects:project_detail", args=[ledger["north"].pk])).status_code == 404
        response = client.get(reverse("projects:project_detail", args=[ledger["south"].pk]))
        assert reverse("projects:project_edit", args=[ledger["south"].pk]) not in response.content.decode()

    def test_it_loads_history_only_when_the_history_page_exists(self, client, personas, ledger):
        from django.urls import NoReverseMatch

        body = (
            login(client, personas.admin)
            .get(reverse("projects:project_detail", args=[ledger["north"].pk]))
            .content.decode()
        )
        urls = []
        for name in ("projects:project_history", "core:project_history"):
            try:
                urls.append(reverse(name, args=[ledger["north"].pk]))
            except NoReverseMatch:
                pass
        if urls:
            assert f'id="project-history" class="mt-3" hx-get="{urls[0]}"' in body
        else:
            assert 'id="project-history"' not in body


class TestProjectCreate:
    def test_a_district_officer_creates_a_project_with_its_first_signing(self, client, personas, reference_data):
        investor = make_investor("长安汽车")
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:project_create"),
            form_data(reference_data, investor, event=reference_data.event.pk, signed_on="2022-08-22"),
        )
        project = Project.objects.get(name="新能源整车项目")
        assert response.status_code == 302
        assert response["Location"] == reverse("projects:project_detail", args=[project.pk])
        assert project.contract_value_cny == Decimal("1500000000.00")
        assert project.first_event == reference_data.event
        assert project.signings.get().counted_value_cny == Decimal("1500000000.00")
        entry = AuditEntry.objects.filter(object_id=str(project.pk), kind=AuditEntry.Kind.CREATE).first()
        assert entry is not None and entry.actor == personas.officer_north

    def test_a_district_officer_may_only_choose_areas_in_their_scope(self, client, personas, reference_data):
        investor = make_investor()
        login(client, personas.officer_north)
        page = client.get(reverse("projects:project_create"))
        choices = set(page.context["form"].fields["host_area"].queryset)
        assert choices == {reference_data.north, reference_data.north_park}
        response = client.post(
            reverse("projects:project_create"), form_data(reference_data, investor, host_area=reference_data.south.pk)
        )
        assert response.status_code == 200
        assert "host_area" in response.context["form"].errors
        assert not Project.objects.filter(host_area=reference_data.south).exists()

    @pytest.mark.parametrize("persona", ["leader", "supervisor", "unit_power", "contact_a", "stranger"])
    def test_readers_may_not_create_projects(self, client, personas, persona):
        login(client, getattr(personas, persona))
        assert client.get(reverse("projects:project_create")).status_code == 403
        assert client.post(reverse("projects:project_create"), {}).status_code == 403

    def test_it_names_each_wrong_field(self, client, personas, reference_data):
        investor = make_investor()
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:project_create"),
            form_data(
                reference_data,
                investor,
                contract_value="-5",
                sector="99999",
                planned_start="2024-06-01",
                planned_completion="2024-01-01",
            ),
        )
        errors = response.context["form"].errors
        assert response.status_code == 200
        assert "An amount cannot be negative." in errors["contract_value"]
        assert "sector" in errors
        response = client.post(
            reverse("projects:project_create"),
            form_data(reference_data, investor, contract_value="about 2 bn"),
        )
        assert "Enter the amount as a number in bn" in response.context["form"].errors["contract_value"][0]
        response = client.post(
            reverse("projects:project_create"),
            form_data(reference_data, investor, planned_start="2024-06-01", planned_completion="2024-01-01"),
        )
        assert "planned_completion" in response.context["form"].errors
        assert 'data-error-for="planned_completion"' in response.content.decode()
        assert Project.objects.count() == 0

    def test_a_foreign_currency_amount_needs_rate_and_date(self, client, personas, reference_data):
        investor = make_investor()
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:project_create"),
            form_data(reference_data, investor, currency="USD", contract_value="100"),
        )
        errors = response.context["form"].errors
        assert {"fx_rate", "fx_date"} <= set(errors)
        response = client.post(
            reverse("projects:project_create"),
            form_data(
                reference_data,
                investor,
                currency="USD",
                contract_value="1.88",
                fx_rate="7.1",
                fx_date="2020-08-01",
            ),
        )
        assert response.status_code == 302
        assert Project.objects.get().contract_value_cny == Decimal("13348000000.00")

    def test_a_likely_duplicate_must_be_confirmed_as_new(self, client, personas, reference_data, ledger):
        existing = ledger["north"]
        login(client, personas.officer_north)
        data = form_data(
            reference_data, existing.investor, name="北区电池工厂项目", contract_value=str(existing.contract_value / BN)
        )
        response = client.post(reverse("projects:project_create"), data)
        body = response.content.decode()
        assert response.status_code == 200
        assert Project.objects.filter(investor=existing.investor).count() == 1
        assert 'id="duplicates"' in body
        assert reverse("projects:project_detail", args=[existing.pk]) in body
        assert "same investor and area" in body
        assert "confirm_new" in response.context["form"].errors

        response = client.post(reverse("projects:project_create"), {**data, "confirm_new": "on"})
        assert response.status_code == 302
        assert Project.objects.filter(investor=existing.investor).count() == 2


class TestProjectEdit:
    def test_a_district_officer_edits_their_project(self, client, personas, ledger):
        project = ledger["north"]
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:project_edit", args=[project.pk]),
            edit_data(project, name="北区电池工厂（二期）", contract_value="3.2"),
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.name == "北区电池工厂（二期）"
        assert project.contract_value_cny == Decimal("3200000000.00")
        assert project.version == 2
        assert project.signings.get().counted_value_cny == Decimal("3200000000.00")

    def test_it_answers_404_for_another_districts_project(self, client, personas, ledger):
        login(client, personas.officer_south)
        url = reverse("projects:project_edit", args=[ledger["north"].pk])
        assert client.get(url).status_code == 404
        assert client.post(url, edit_data(ledger["north"], name="x")).status_code == 404

    @pytest.mark.parametrize("persona", ["leader", "supervisor"])
    def test_readers_get_403_on_a_project_they_can_see(self, client, personas, ledger, persona):
        login(client, getattr(personas, persona))
        project = ledger["north"]
        for name in ("projects:project_edit", "projects:project_side_state", "projects:signing_add"):
            assert client.get(reverse(name, args=[project.pk])).status_code == 403
        response = client.post(reverse("projects:project_edit", args=[project.pk]), edit_data(project, name="x"))
        assert response.status_code == 403
        project.refresh_from_db()
        assert project.name == "北区电池工厂"

    def test_an_officer_cannot_move_a_project_out_of_their_scope(self, client, personas, ledger, reference_data):
        login(client, personas.officer_north)
        project = ledger["north"]
        response = client.post(
            reverse("projects:project_edit", args=[project.pk]), edit_data(project, host_area=reference_data.south.pk)
        )
        assert response.status_code == 200
        assert "host_area" in response.context["form"].errors
        project.refresh_from_db()
        assert project.host_area == reference_data.north

    def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(self, client, personas, ledger):
        project = ledger["north"]
        stale = edit_data(project, name="我的修改")
        with audit_context(actor=personas.admin, source="test"):
            services.project_update(project=project, fields={"name": "别人的修改"}, expected_version=1)
        login(client, personas.officer_north)
        response = client.post(reverse("projects:project_edit", args=[project.pk]), stale)
        assert response.status_code == 200
        message = " ".join(response.context["form"].non_field_errors())
        assert "Someone else changed this project at" in message
        assert "reload to see their changes" in message
        project.refresh_from_db()
        assert project.name == "别人的修改"
        assert project.version == 2


class TestSideStateAndSignings:
    def test_an_officer_marks_a_project_stalled_with_reason_and_date(self, client, personas, ledger):
        project = ledger["north"]
        login(client, personas.officer_north)
        url = reverse("projects:project_side_state", args=[project.pk])
        response = client.post(url, {"side_state": SideState.STALLED, "reason": "", "since": "", "version": 1})
        assert set(response.context["form"].errors) == {"reason", "since"}
        response = client.post(
            url, {"side_state": SideState.STALLED, "reason": "土地审批未完成", "since": "2024-03-01", "version": 1}
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert (project.side_state, project.side_state_reason) == (SideState.STALLED, "土地审批未完成")
        assert project.side_state_date == dt.date(2024, 3, 1)
        response = client.post(url, {"side_state": "", "reason": "", "since": "", "version": project.version})
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.side_state == ""

    def test_a_stale_side_state_form_is_refused(self, client, personas, ledger):
        project = ledger["north"]
        with audit_context(source="test"):
            services.project_update(project=project, fields={"name": "已改名"}, expected_version=1)
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:project_side_state", args=[project.pk]),
            {"side_state": SideState.SUSPENDED, "reason": "资金", "since": "2024-03-01", "version": 1},
        )
        assert "reload to see their changes" in " ".join(response.context["form"].non_field_errors())
        project.refresh_from_db()
        assert project.side_state == ""

    def test_a_project_signed_again_counts_once(self, client, personas, ledger):
        from investledger.ledger.events.models import SigningEvent

        later = SigningEvent.objects.create(
            name="第二届博览会", name_en="Second expo", kind="expo", date=dt.date(2023, 4, 12)
        )
        project = ledger["north"]
        login(client, personas.officer_north)
        url = reverse("projects:signing_add", args=[project.pk])
        response = client.post(
            url,
            {"event": later.pk, "signed_on": "", "kind": SigningKind.RESIGNING, "stated_value_cny": "5"},
        )
        assert response.status_code == 302
        signing = Signing.objects.get(project=project, event=later)
        assert signing.signed_on == later.date
        assert (signing.counted_project, signing.counted_value_cny) == (False, 0)
        # The same event cannot be chosen twice for one project.
        response = client.post(url, {"event": later.pk, "kind": SigningKind.RESIGNING, "stated_value_cny": "1"})
        assert "event" in response.context["form"].errors

    def test_a_negative_stated_amount_is_refused(self, client, personas, ledger):
        from investledger.ledger.events.models import SigningEvent

        later = SigningEvent.objects.create(name="增资签约", kind="ceremony", date=dt.date(2023, 5, 1))
        login(client, personas.officer_north)
        response = client.post(
            reverse("projects:signing_add", args=[ledger["north"].pk]),
            {"event": later.pk, "kind": SigningKind.CAPITAL_INCREASE, "stated_value_cny": "-1"},
        )
        assert "stated_value_cny" in response.context["form"].errors
        assert not Signing.objects.filter(event=later).exists()

    def test_signing_add_answers_404_outside_scope(self, client, personas, ledger):
        login(client, personas.officer_south)
        assert client.get(reverse("projects:signing_add", args=[ledger["north"].pk])).status_code == 404
        assert client.get(reverse("projects:project_side_state", args=[ledger["north"].pk])).status_code == 404


class TestLanguage:
    def test_the_ledger_speaks_chinese_when_asked(self, client, personas, ledger):
        login(client, personas.officer_north)
        client.post(reverse("set_language"), {"language": "zh-hans", "next": "/projects/"})
        body = client.get(reverse("projects:project_list")).content.decode()
        assert "签约额" in body
        assert "北区" in body  # area names in Chinese
