"""`investledger demo`: the demo ledger meets the published figures, and loading it twice adds nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import types
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from investledger.core import asof
from investledger.core.access import Role
from investledger.core.audit import current_context, verify_chain
from investledger.core.models import AuditEntry
from investledger.demo import loader as demo_package
from investledger.demo import projects as projects_tables
from investledger.demo.users import DEMO_PASSWORD, USERS
from investledger.history.asof import projects_as_of
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals, event_totals_as_of
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import Currency, SigningKind
from investledger.ledger.projects.models import Project, Signing
from investledger.reference.models import Area, Sector, Unit

BN = Decimal("1000000000")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-extensions", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Seven demo users hashed with the production hasher cost seconds per test; the flow is the same.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this module, inside a transaction rolled back at the end.

    Loading takes seconds; each test runs in its own savepoint within this transaction (pytest-django's
    `db`), so what a test changes is undone before the next, and nothing is left for other modules.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


def admin():
    return get_user_model().objects.get(username="admin")


def sce() -> SigningEvent:
    return SigningEvent.objects.get(name_en="Smart China Expo 2022 Key Projects Signing Ceremony (Online)")


def cdht() -> SigningEvent:
    return SigningEvent.objects.get(name_en="Chengdu Hi-Tech Zone project signings, August 2020")


def project(name_en_start: str) -> Project:
    return Project.objects.get(description__startswith=name_en_start)


class TestSmartChinaExpo:
    def test_it_counts_exactly_the_published_70_projects_and_212_1_bn(self, demo):
        totals = event_totals(sce(), admin())

        assert totals.count == sce().announced_count == 70
        assert totals.value_cny == Decimal("212100000000.00")
        assert sce().announced_value_cny == totals.value_cny

    def test_its_sector_subtotals_are_the_published_ones(self, demo):
        lines = {line.sector.code: (line.count, line.value_cny) for line in event_totals(sce(), admin()).by_sector}

        assert lines["nev"] == (18, Decimal("83.3") * BN)
        assert lines["software"] == (14, Decimal("33") * BN)
        assert lines["electronics"] == (13, Decimal("22.4") * BN)
        assert lines["biomedicine"] == (6, Decimal("12.8") * BN)

    def test_it_has_54_projects_of_one_billion_or_more(self, demo):
        assert event_totals(sce(), admin()).large_count == 54

    def test_its_strategic_emerging_share_rounds_to_80_percent(self, demo):
        share = event_totals(sce(), admin()).strategic_share

        assert round(share * 100) == 80

    def test_it_names_kingdee_and_perfect_world_among_the_software_investors(self, demo):
        investors = set(
            Project.objects.filter(first_event=sce(), sector__code="software").values_list(
                "investor__name_en", flat=True
            )
        )

        assert {"Kingdee International Software Group Co., Ltd.", "Perfect World Co., Ltd."} <= investors

    def test_its_individual_projects_are_marked_as_illustrative_demo_data(self, demo):
        projects = Project.objects.filter(first_event=sce())

        assert projects.count() == 69  # the 70th of the expo is an upgrade of a 2020 project
        assert all(p.is_demo for p in projects)
        assert all("Illustrative demo data" in p.description for p in projects)
        assert all(p.host_area.path.startswith(Area.objects.get(code="cq").path) for p in projects)

    def test_a_re_signing_at_the_expo_adds_no_project_and_no_amount(self, demo):
        resignings = Signing.objects.filter(event=sce(), kind=SigningKind.RESIGNING)

        assert resignings.count() == 2
        for signing in resignings:
            assert (signing.counted_project, signing.counted_value_cny) == (False, Decimal("0"))
            assert signing.project.signed_on.year == 2020  # counted under its first event, in 2020
        inflated = resignings.get(project__name="大数据智能化产业园项目")
        assert inflated.stated_value_cny == Decimal("3.5") * BN
        assert inflated.project.contract_value_cny == Decimal("2") * BN

    def test_an_upgrade_counts_as_a_project_but_not_its_amount(self, demo):
        upgrade = Signing.objects.get(event=sce(), kind=SigningKind.UPGRADE)

        assert upgrade.counted_project is True
        assert upgrade.counted_value_cny == Decimal("0")
        assert upgrade.project.first_event.is_demo and upgrade.project.first_event.date.year == 2020


class TestChengduHiTechZone:
    def test_it_records_the_named_projects_at_their_published_amounts(self, demo):
        values = {
            p.investor.name_en: p.contract_value_cny
            for p in Project.objects.filter(first_event=cdht()).exclude(
                host_area__code__in=["cd-ht-biotown", "cd-ht-jiaozi"]
            )
        }

        assert values["ByteDance"] == Decimal("10") * BN
        assert values["Tencent"] == Decimal("5") * BN
        assert values["Eswin"] == Decimal("11") * BN
        assert values["Sichuan University"] == Decimal("10") * BN
        assert values["University of Electronic Science and Technology of China"] == Decimal("10") * BN
        assert values["Huamei (Chengdu) Digital Technology Co., Ltd."] == Decimal("1") * BN
        assert abs(values["NetEase"] - Decimal("13") * BN) < Decimal("0.001") * BN

    def test_it_enters_netease_in_dollars_at_a_recorded_rate(self, demo):
        netease = Project.objects.get(investor__name_en="NetEase")

        assert netease.currency == Currency.USD
        assert netease.contract_value == Decimal("1880000000")
        assert netease.fx_rate * netease.contract_value == pytest.approx(Decimal("13") * BN, rel=Decimal("1e-6"))
        assert netease.fx_date is not None
        assert netease.value_approximate

    def test_it_flags_bytedance_as_approximate_and_tencents_dollar_figure_as_inconsistent(self, demo):
        assert Project.objects.get(investor__name_en="ByteDance").value_approximate
        assert "$7300 million" in Project.objects.get(investor__name_en="Tencent").description

    def test_the_universities_are_institutions(self, demo):
        for name in ("Sichuan University", "University of Electronic Science and Technology of China"):
            assert Investor.objects.get(name_en=name).ownership == Investor.Ownership.INSTITUTION

    def test_bio_town_and_jiaozi_park_add_up_to_the_published_totals(self, demo):
        for code, count, value in (("cd-ht-biotown", 23, Decimal("16.8")), ("cd-ht-jiaozi", 9, Decimal("1.7"))):
            projects = Project.objects.filter(first_event=cdht(), host_area__code=code)
            assert projects.count() == count
            assert sum(p.contract_value_cny for p in projects) == value * BN

    def test_the_zone_officer_sees_the_zone_and_not_chongqing(self, demo):
        officer = get_user_model().objects.get(username="officer_hitech")

        assert event_totals(cdht(), officer).count == 39
        assert event_totals(sce(), officer).count == 0


class TestOtherEvents:
    def test_smarthk_holds_seven_meishan_projects_of_156_9_bn(self, demo):
        event = SigningEvent.objects.get(name_en="SmartHK 2020 (Sichuan)")
        totals = event_totals(event, admin())

        assert (totals.count, totals.value_cny) == (7, Decimal("156.9") * BN)
        assert event.source_url == "https://hkmb.hktdc.com/en/1X0AL2WY"
        meishan = Area.objects.get(code="ms")
        assert all(p.host_area.path.startswith(meishan.path) for p in Project.objects.filter(first_event=event))

    def test_innoex_deals_without_an_amount_count_but_add_nothing(self, demo):
        event = SigningEvent.objects.get(name_en__startswith="InnoEX 2023")
        adaspace = Project.objects.get(investor__name_en="ADASpace (Chengdu) Co., Ltd.")

        assert adaspace.first_event == event
        assert adaspace.contract_value_cny == Decimal("0")
        assert adaspace.value_undisclosed and not adaspace.value_estimated
        assert "180" in adaspace.description and "No amount is stated" in adaspace.description
        assert event_totals(event, admin()).value_cny == Decimal("0")
        assert Project.objects.filter(first_event=event, investor__name_en__startswith="Hong Kong Yi Fu").exists()
        # ...and the command's summary says so rather than "RMB 0.0 bn"
        assert (
            "InnoEX 2023: Chengdu government and enterprise delegation signings: 4 projects, amounts undisclosed"
            in demo
        )


class TestReferenceData:
    def test_areas_nest_city_district_park(self, demo):
        chengdu, zone = Area.objects.get(code="cd"), Area.objects.get(code="cd-hitech")
        for code in ("cd-ht-neweconomy", "cd-ht-jiaozi", "cd-ht-biotown"):
            park = Area.objects.get(code=code)
            assert park.parent == zone and park.path.startswith(chengdu.path)
        assert Area.objects.get(code="cq-liangjiang").name == "两江新区"
        assert Area.objects.get(code="cq-liangjiang").name_en == "Liangjiang New Area"

    def test_sectors_carry_the_strategic_emerging_flag(self, demo):
        assert Sector.objects.get(code="nev").strategic_emerging
        assert not Sector.objects.get(code="modern-services").strategic_emerging

    def test_units_include_bureaus_departments_utilities_and_committees(self, demo):
        kinds = set(Unit.objects.values_list("kind", flat=True))

        assert {Unit.Kind.BUREAU, Unit.Kind.DEPARTMENT, Unit.Kind.UTILITY, Unit.Kind.COMMITTEE} <= kinds


class TestIdempotence:
    def counts(self):
        return {
            model.__name__: model.objects.count()
            for model in (Project, Signing, AuditEntry, get_user_model(), Area, Unit, Sector, Investor, SigningEvent)
        }

    def test_running_it_twice_creates_nothing_new(self, demo):
        before = self.counts()

        output = run_demo()

        assert self.counts() == before
        assert "nothing new" in output

    def test_every_write_is_in_the_audit_trail_and_the_chain_verifies(self, demo):
        entries = AuditEntry.objects.filter(source="command:demo")
        created = set(entries.filter(kind=AuditEntry.Kind.CREATE).values_list("object_id", "content_type__model"))

        assert all((str(p.pk), "project") in created for p in Project.objects.all())
        assert all((str(s.pk), "signing") in created for s in Signing.objects.all())
        assert verify_chain().ok
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "intact" in out.getvalue()


class TestDemoUsers:
    def test_every_demo_user_can_log_in_with_the_printed_password(self, demo, client):
        assert DEMO_PASSWORD in demo
        assert "log in with these users at /accounts/login/" in demo.lower()
        for spec in USERS:
            assert spec.username in demo
            response = client.post(
                "/accounts/login/", {"username": spec.username, "password": DEMO_PASSWORD}, follow=False
            )
            assert response.status_code == 302, spec.username
            assert client.session.get("_auth_user_id") == str(get_user_model().objects.get(username=spec.username).pk)
            client.logout()

    def test_the_password_passes_the_settings_validators(self, demo):
        for user in get_user_model().objects.all():
            validate_password(DEMO_PASSWORD, user)

    def test_each_user_holds_its_role_and_scope(self, demo):
        users = {u.username: u for u in get_user_model().objects.prefetch_related("role_assignments")}
        roles = {name: {a.role for a in user.role_assignments.all()} for name, user in users.items()}

        assert users["admin"].is_superuser and roles["admin"] == {Role.ADMIN}
        assert roles["supervisor"] == {Role.SUPERVISOR} and roles["leader"] == {Role.LEADER}
        assert users["officer_liangjiang"].role_assignments.get().area.code == "cq-liangjiang"
        assert users["officer_hitech"].role_assignments.get().area.code == "cd-hitech"
        assert users["unit_power"].role_assignments.get().unit.code == "cq-power"
        assert roles["contact"] == {Role.PROJECT_CONTACT}

    def test_the_contact_and_the_power_company_see_only_their_projects(self, demo):
        contact = get_user_model().objects.get(username="contact")
        unit_power = get_user_model().objects.get(username="unit_power")

        mine = Project.objects.visible_to(contact)
        assert 0 < mine.count() < Project.objects.count()
        assert set(mine) == set(contact.contact_projects.all())
        powered = Project.objects.visible_to(unit_power)
        assert 0 < powered.count() < Project.objects.count()
        assert all(p.involved_units.filter(code="cq-power").exists() for p in powered)

    def test_an_existing_account_keeps_its_password(self, demo):
        leader = get_user_model().objects.get(username="leader")
        leader.set_password("another-long-passphrase-7")
        leader.save()

        output = run_demo()

        leader.refresh_from_db()
        assert leader.check_password("another-long-passphrase-7")
        assert "existed, password unchanged" in output


class TestExtensionHook:
    """Other apps add their demo data through `investledger.<app>.demo.load()`."""

    @pytest.fixture
    def probe_app(self, monkeypatch):
        calls = []
        module = types.ModuleType("investledger.demoprobe.demo")

        def load(stdout=None):
            calls.append(
                {
                    "projects": Project.objects.filter(is_demo=True).count(),
                    "source": current_context().source,
                    "stdout": stdout,
                }
            )

        module.load = load
        monkeypatch.setitem(sys.modules, "investledger.demoprobe.demo", module)
        monkeypatch.setattr(demo_package, "EXTENSION_APPS", ("demoprobe",))
        return module, calls

    def test_it_calls_each_apps_load_after_the_ledger_in_the_demo_audit_context(self, demo, probe_app):
        _module, calls = probe_app
        out = StringIO()

        call_command("demo", stdout=out)

        assert len(calls) == 1
        assert calls[0]["projects"] == Project.objects.filter(is_demo=True).count() > 0
        assert calls[0]["source"] == "command:demo"
        assert calls[0]["stdout"] is not None
        assert "extended by investledger.demoprobe.demo" in out.getvalue()

    def test_it_skips_an_app_without_a_demo_module(self, demo, monkeypatch):
        monkeypatch.setattr(demo_package, "EXTENSION_APPS", ("ledger.investors",))  # installed, no demo module

        assert demo_package.extension_modules() == []

    def test_it_does_not_hide_a_broken_import_inside_an_apps_demo_module(self, demo, monkeypatch):
        def broken_import(name):
            raise ModuleNotFoundError("No module named 'missing_dependency'", name="missing_dependency")

        monkeypatch.setattr(demo_package, "EXTENSION_APPS", ("demoprobe",))
        monkeypatch.setattr(demo_package.importlib, "import_module", broken_import)

        with pytest.raises(ModuleNotFoundError):
            demo_package.extension_modules()

    def test_a_failing_app_demo_is_reported_and_leaves_the_ledger_loaded(self, demo, probe_app):
        module, _calls = probe_app

        def load():
            Project.objects.filter(is_demo=True).delete()  # undone: its own transaction fails
            raise ValueError("demo issue without a unit")

        module.load = load
        before = Project.objects.count()
        err = StringIO()

        with pytest.raises(CommandError, match="some apps' demo data failed"):
            call_command("demo", stdout=StringIO(), stderr=err)

        assert "investledger.demoprobe.demo.load() failed" in err.getvalue()
        assert "demo issue without a unit" in err.getvalue()
        assert Project.objects.count() == before


class TestDemoTables:
    """The tables are checked against the published figures before anything is written."""

    STRATEGIC = {"nev", "software", "electronics", "biomedicine", "new-materials", "new-energy", "aerospace"}

    def test_the_tables_add_up_to_the_published_figures(self):
        projects_tables.check_tables(self.STRATEGIC)

    def test_it_refuses_tables_that_do_not_add_up(self, monkeypatch):
        first, *rest = projects_tables.SCE_NEV
        changed = dataclasses.replace(first, yi=str(Decimal(first.yi) + Decimal("0.1")))
        monkeypatch.setattr(projects_tables, "SCE_ROWS", (changed, *rest, *projects_tables.SCE_ROWS[len(rest) + 1 :]))

        with pytest.raises(ValueError, match="sce2022 nev: 18 projects / 833.1 亿, published 18 / 833"):
            projects_tables.check_tables(self.STRATEGIC)


class TestTheLedgerAsItStood:
    """The demo's trail carries the signing days, so past views give what was known then."""

    def test_the_expo_had_no_projects_the_day_before_and_70_after(self, demo):
        before = event_totals_as_of(sce(), admin(), asof.parse_as_of("2022-08-21"))
        after = event_totals_as_of(sce(), admin(), asof.parse_as_of("2022-12-31"))
        assert (before.count, before.value_cny) == (0, 0)
        assert (after.count, after.value_cny) == (70, Decimal("212100000000.00"))

    def test_the_ledger_at_the_end_of_2020_holds_only_the_2020_signings(self, demo):
        then = projects_as_of(admin(), asof.parse_as_of("2020-12-31"))
        assert then and all(p.signed_on.year == 2020 for p in then)
        assert len(then) == Project.objects.filter(signed_on__year=2020).count()
        later = projects_as_of(admin(), asof.parse_as_of("2022-12-31"))
        assert len(later) == Project.objects.filter(signed_on__lte=dt.date(2022, 12, 31)).count() > len(then)

    def test_the_trail_never_runs_backwards(self, demo):
        stamps = list(AuditEntry.objects.order_by("id").values_list("timestamp", flat=True))
        assert stamps == sorted(stamps)


def test_the_demo_says_each_step_as_it_starts(demo):
    steps = [line for line in demo.splitlines() if line.startswith("» ")]
    assert [line.split(" (")[0] for line in steps] == [
        "» reference data: areas, units, sectors",
        "» demo users",
        "» investors, signing events, projects and their signings",
    ]
    assert all(line.endswith(" s)") for line in steps)
    # The steps come before the summary, so a first run shows what it is doing while it works.
    assert demo.index(steps[-1]) < demo.index("Demo ledger:")
