"""The counting-once rule: a project counts under its first event; re-signing adds no amount."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.services import DuplicateSuspected
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def later_event():
    return SigningEvent.objects.create(
        name="第二次签约", name_en="Second ceremony", kind="expo", date=dt.date(2023, 4, 12)
    )


def sign_again(project, event, kind, value):
    with audit_context(source="test"):
        return services.signing_add(
            project=project, event=event, signed_on=event.date, kind=kind, stated_value_cny=Decimal(value)
        )


def test_it_counts_a_project_under_its_first_event(reference_data, personas):
    project = make_project(
        area=reference_data.north, sector=reference_data.ev, value=3 * BN, event=reference_data.event
    )
    totals = event_totals(reference_data.event, personas.admin)
    assert (totals.count, totals.value_cny) == (1, 3 * BN)
    assert project.first_event == reference_data.event
    assert project.signed_on == reference_data.event.date


def test_it_adds_no_amount_when_a_project_is_signed_again(reference_data, personas, later_event):
    project = make_project(
        area=reference_data.north, sector=reference_data.ev, value=3 * BN, event=reference_data.event
    )
    sign_again(project, later_event, SigningKind.RESIGNING, 5 * BN)
    later = event_totals(later_event, personas.admin)
    assert (later.count, later.value_cny) == (0, 0)
    project.refresh_from_db()
    assert project.first_event == reference_data.event


def test_it_counts_an_upgrade_as_a_project_but_not_its_amount(reference_data, personas, later_event):
    project = make_project(
        area=reference_data.north, sector=reference_data.ev, value=3 * BN, event=reference_data.event
    )
    sign_again(project, later_event, SigningKind.UPGRADE, 4 * BN)
    later = event_totals(later_event, personas.admin)
    assert (later.count, later.value_cny) == (1, 0)


def test_it_counts_only_the_increment_of_a_capital_increase(reference_data, personas, later_event):
    project = make_project(
        area=reference_data.north, sector=reference_data.ev, value=3 * BN, event=reference_data.event
    )
    sign_again(project, later_event, SigningKind.CAPITAL_INCREASE, "500000000")
    later = event_totals(later_event, personas.admin)
    assert (later.count, later.value_cny) == (0, Decimal("500000000"))


def test_it_counts_a_change_of_investor_under_the_new_event(reference_data, personas, later_event):
    project = make_project(
        area=reference_data.north, sector=reference_data.ev, value=3 * BN, event=reference_data.event
    )
    sign_again(project, later_event, SigningKind.INVESTOR_CHANGE, 3 * BN)
    first, later = event_totals(reference_data.event, personas.admin), event_totals(later_event, personas.admin)
    assert (first.count, first.value_cny) == (0, 0)
    assert (later.count, later.value_cny) == (1, 3 * BN)


def test_it_treats_an_earlier_signing_entered_later_as_the_first(reference_data, personas, later_event):
    project = make_project(area=reference_data.north, sector=reference_data.ev, value=2 * BN, event=later_event)
    sign_again(project, reference_data.event, SigningKind.RESIGNING, 2 * BN)
    project.refresh_from_db()
    assert project.first_event == reference_data.event
    assert event_totals(reference_data.event, personas.admin).value_cny == 2 * BN
    assert event_totals(later_event, personas.admin).value_cny == 0


def test_it_asks_before_creating_a_likely_duplicate(reference_data):
    investor = make_investor("Kingdee Software")
    make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, name="Kingdee Cloud HQ")
    with pytest.raises(DuplicateSuspected) as raised, audit_context(source="test"):
        services.project_create(
            fields={
                "name": "Kingdee cloud headquarters",
                "investor": investor,
                "host_area": reference_data.north,
                "sector": reference_data.ev,
                "contract_value": BN,
            }
        )
    assert raised.value.candidates[0].project.name == "Kingdee Cloud HQ"


def test_it_creates_the_project_once_the_user_confirms_it_is_new(reference_data):
    investor = make_investor("Kingdee Software")
    make_project(area=reference_data.north, sector=reference_data.ev, investor=investor, name="Kingdee Cloud HQ")
    second = make_project(
        area=reference_data.north, sector=reference_data.ev, investor=investor, name="Kingdee Cloud HQ phase 2"
    )
    assert second.pk


def test_it_does_not_flag_unrelated_projects(reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev, name="Battery plant")
    assert not services.find_likely_duplicates(
        name="Vaccine research centre",
        investor_id=make_investor().pk,
        host_area_id=reference_data.south.pk,
        contract_value_cny=BN,
    )


def test_the_first_event_filter_lists_only_projects_counted_there(reference_data, personas, later_event):
    from investledger.ledger.projects.filtersets import ProjectFilterSet
    from investledger.ledger.projects.models import Project

    first = make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    resigned = make_project(area=reference_data.north, sector=reference_data.bio, event=later_event)
    sign_again(resigned, reference_data.event, SigningKind.RESIGNING, BN)
    any_signing = ProjectFilterSet({"event": later_event.pk}, queryset=Project.objects.all()).qs
    counted = ProjectFilterSet({"first_event": reference_data.event.pk}, queryset=Project.objects.all()).qs
    assert set(any_signing) == {resigned}
    assert set(counted) == {first, resigned}  # the re-signing at the earlier event made it the first
