"""The ceremony grid: a signing event's projects entered together, checked for duplicates, saved all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


def grid(*rows, total=None):
    """The grid's POST data: each row a dict of its fields (without the form-N- prefix)."""
    data = {
        "form-TOTAL_FORMS": str(total or len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def row(name, investor, area, sector, amount="", **extra):
    values = {
        "name": name,
        "investor_name": investor.name if isinstance(investor, Investor) else investor,
        "investor": investor.pk if isinstance(investor, Investor) else "",
        "new_investor": "False",
        "host_area": area.pk,
        "sector": sector.pk,
        "amount": amount,
    }
    values.update(extra)
    return values


@pytest.fixture
def url(reference_data):
    return reverse("projects:ceremony_entry", args=[reference_data.event.pk])


@pytest.fixture
def existing(reference_data):
    """A project first signed at an earlier event."""
    earlier = SigningEvent.objects.create(name="早前签约会", kind="expo", date=dt.date(2021, 5, 20))
    investor = make_investor("重庆长安汽车股份有限公司")
    return make_project(
        name="长安新能源整车基地",
        investor=investor,
        area=reference_data.north,
        sector=reference_data.ev,
        value=5 * BN,
        event=earlier,
    )


class TestTheGridPage:
    def test_the_event_page_offers_the_grid_to_who_may_enter_projects(self, client, personas, reference_data):
        page = reverse("events:event_detail", args=[reference_data.event.pk])
        client.force_login(personas.officer_north)
        assert 'id="enter-projects"' in client.get(page).content.decode()
        client.force_login(personas.leader)
        assert 'id="enter-projects"' not in client.get(page).content.decode()

    def test_a_leader_may_not_open_the_grid(self, client, personas, url):
        client.force_login(personas.leader)
        assert client.get(url).status_code == 403

    def test_it_opens_with_blank_rows_and_the_unit_beside_the_amounts(self, client, personas, url):
        client.force_login(personas.officer_north)
        body = client.get(url).content.decode()
        assert body.count('class="ceremony-row') == 5
        assert ">RMB bn</span>" in body
        client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        assert ">亿元</span>" in client.get(url).content.decode()

    def test_a_district_officer_may_only_pick_areas_in_scope(self, client, personas, reference_data, url):
        client.force_login(personas.officer_north)
        form = client.get(url).context["formset"].forms[0]
        assert set(form.fields["host_area"].queryset) == {reference_data.north, reference_data.north_park}

    def test_add_a_row_gives_the_next_row_and_moves_the_count_on(self, client, personas, reference_data):
        client.force_login(personas.officer_north)
        response = client.get(reverse("projects:ceremony_row", args=[reference_data.event.pk]) + "?index=5")
        body = response.content.decode()
        assert 'name="form-5-name"' in body
        assert 'name="form-TOTAL_FORMS" value="6"' in body and 'hx-swap-oob="true"' in body
        assert "index=6" in body


class TestSaving:
    def test_it_records_three_projects_at_once(self, client, personas, reference_data, url):
        ref = reference_data
        known = make_investor("成都京东方光电科技有限公司")
        client.force_login(personas.officer_north)
        response = client.post(
            url,
            grid(
                row("京东方第8.6代OLED生产线", known, ref.north, ref.ev, "63"),
                row("北区生物药研发中心", "四川新药研发有限公司", ref.north_park, ref.bio, "1.5", new_investor="True"),
                row("北区卫星地面站", known, ref.north, ref.ev, undisclosed="on"),
                {},  # a row left empty is ignored
                total=4,
            ),
        )
        assert response.status_code == 302, response.context["errors"]
        projects = Project.objects.filter(first_event=ref.event).order_by("pk")
        assert [p.contract_value_cny for p in projects] == [63 * BN, Decimal("1500000000.00"), 0]
        assert [p.value_undisclosed for p in projects] == [False, False, True]
        new_investor = Investor.objects.get(name="四川新药研发有限公司")
        assert projects[1].investor == new_investor
        assert AuditEntry.objects.filter(content_type__model="investor", object_id=str(new_investor.pk)).exists()
        assert AuditEntry.objects.filter(content_type__model="project", kind="create").count() == 3
        totals = event_totals(ref.event, personas.admin)
        assert (totals.count, totals.value_cny) == (3, Decimal("64500000000.00"))

    def test_nothing_is_saved_when_one_row_is_wrong_and_the_error_names_row_and_field(
        self, client, personas, reference_data, url
    ):
        ref = reference_data
        known = make_investor("甲公司")
        client.force_login(personas.officer_north)
        response = client.post(
            url,
            grid(
                row("项目一", known, ref.north, ref.ev, "2"),
                row("项目二", known, ref.north, ref.bio, "二十"),
                row("项目三", "无此公司", ref.north, ref.food, "1"),
            ),
        )
        assert response.status_code == 200
        errors = response.context["errors"]
        assert any(e.startswith("Row 2, Contract investment: Enter the amount as a number in RMB bn") for e in errors)
        assert any(e.startswith("Row 3, Investor: No investor is called “无此公司”") for e in errors)
        assert not Project.objects.exists()
        # What was typed is kept.
        assert 'value="项目一"' in response.content.decode()

    def test_a_row_refused_by_the_service_rolls_back_the_rows_saved_before_it(
        self, client, personas, reference_data, url, existing
    ):
        ref = reference_data
        # The existing project is already signed at this event: a re-signing of it here is refused.
        from investledger.ledger.projects import services

        with audit_context(source="test"):
            services.signing_add(
                project=existing,
                event=ref.event,
                signed_on=ref.event.date,
                kind=SigningKind.RESIGNING,
                stated_value_cny=0,
            )
        before = Project.objects.count()
        client.force_login(personas.officer_north)
        response = client.post(
            url,
            grid(
                row("全新项目", make_investor("乙公司"), ref.north, ref.food, "1"),
                row("长安新能源整车基地", existing.investor, ref.north, ref.ev, "5", decision=str(existing.pk)),
            ),
        )
        assert response.status_code == 200
        assert any(e.startswith("Row 2:") for e in response.context["errors"])
        assert Project.objects.count() == before

    def test_a_likely_duplicate_waits_for_a_decision_then_becomes_a_resigning(
        self, client, personas, reference_data, url, existing
    ):
        ref = reference_data
        client.force_login(personas.officer_north)
        data = grid(row("长安新能源整车基地项目", existing.investor, ref.north, ref.ev, "5"))
        response = client.post(url, data)
        assert response.status_code == 200
        body = response.content.decode()
        assert f'value="{existing.pk}"' in body and existing.reference in body
        assert any("looks like a project already in the ledger" in e for e in response.context["errors"])
        assert not Signing.objects.filter(event=ref.event).exists()
        data["form-0-decision"] = str(existing.pk)
        response = client.post(url, data)
        assert response.status_code == 302
        signing = Signing.objects.get(event=ref.event)
        assert (signing.project, signing.kind, signing.counted_project) == (existing, SigningKind.RESIGNING, False)
        assert Project.objects.count() == 1
        assert event_totals(ref.event, personas.admin).count == 0  # a re-signing adds nothing to this event

    def test_a_likely_duplicate_decided_new_creates_a_project(self, client, personas, reference_data, url, existing):
        ref = reference_data
        client.force_login(personas.officer_north)
        data = grid(row("长安新能源整车基地二期", existing.investor, ref.north, ref.ev, "5", decision="new"))
        assert client.post(url, data).status_code == 302
        assert Project.objects.filter(first_event=ref.event).count() == 1
        assert Project.objects.count() == 2

    def test_a_district_officer_cannot_save_a_row_outside_their_area(self, client, personas, reference_data, url):
        ref = reference_data
        client.force_login(personas.officer_north)
        response = client.post(url, grid(row("南区项目", make_investor("丙公司"), ref.south, ref.food, "1")))
        assert any(
            e.startswith("Row 1, Host area: Choose a host area you are responsible for")
            for e in response.context["errors"]
        )
        assert not Project.objects.exists()


class TestInlineHelp:
    def test_the_row_check_shows_likely_duplicates_before_saving(self, client, personas, reference_data, existing):
        ref = reference_data
        client.force_login(personas.officer_north)
        data = grid({}, row("长安新能源整车基地", existing.investor, ref.north, ref.ev, "5"), total=2)
        data["prefix"] = "form-1"
        response = client.post(reverse("projects:ceremony_check", args=[ref.event.pk]), data)
        body = response.content.decode()
        assert 'name="form-1-decision"' in body and existing.reference in body
        assert "same investor and area, similar name" in body

    def test_the_row_check_says_when_a_row_is_clear(self, client, personas, reference_data, existing):
        ref = reference_data
        client.force_login(personas.officer_north)
        data = grid(row("北区食品冷链物流园", make_investor("丁公司"), ref.north, ref.food, "1"))
        data["prefix"] = "form-0"
        body = client.post(reverse("projects:ceremony_check", args=[ref.event.pk]), data).content.decode()
        assert "No likely duplicate" in body

    def test_investor_search_lists_matches_and_offers_a_new_one(self, client, personas, reference_data):
        make_investor("成都京东方光电科技有限公司", name_en="BOE Chengdu")
        make_investor("京东方科技集团")
        client.force_login(personas.officer_north)
        body = client.get(reverse("investors:investor_search"), {"form-2-investor_name": "京东方"}).content.decode()
        assert body.count("investor-option") == 2
        assert "New investor “京东方”" in body
        body = client.get(reverse("investors:investor_search"), {"q": "boe"}).content.decode()
        assert "成都京东方光电科技有限公司" in body
        body = client.get(reverse("investors:investor_search"), {"q": "京东方科技集团"}).content.decode()
        assert "investor-new" not in body

    def test_investor_search_needs_the_right_to_enter_projects(self, client, personas):
        client.force_login(personas.leader)
        assert client.get(reverse("investors:investor_search"), {"q": "a"}).status_code == 403
