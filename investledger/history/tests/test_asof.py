"""The ledger as it stood on a past day, rebuilt from the audit trail, through the same access rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from investledger.core import asof, clock
from investledger.core.audit import audit_context
from investledger.history.asof import project_as_of, projects_as_of
from investledger.ledger.events.selectors import event_totals, event_totals_as_of
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import Stage
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


def end_of(day: str):
    return asof.parse_as_of(day)


@pytest.fixture
def ledger(reference_data):
    """January: two projects signed. March: one grows and moves, a third is signed. June: one deleted."""
    ref = reference_data
    with clock.frozen_at(dt.date(2023, 1, 10)):
        p1 = make_project(name="Battery plant", area=ref.north, sector=ref.ev, value=2 * BN, event=ref.event)
        p2 = make_project(name="Cold chain", area=ref.south, sector=ref.food, value=1 * BN, event=ref.event)
    with clock.frozen_at(dt.date(2023, 3, 15)), audit_context(source="test"):
        services.project_update(project=p1, fields={"contract_value": 3 * BN})
        services.project_update(project=p2, fields={"host_area": ref.north_park})
        p3 = make_project(name="Vaccine line", area=ref.south, sector=ref.bio, value=BN / 2)
    with clock.frozen_at(dt.date(2023, 6, 1)), audit_context(source="test"):
        services.project_set_stage(project=p1, stage=Stage.STARTED)
        services.project_delete(project=p2, reason="entered twice")
    return p1, p2, p3


def names(projects):
    return sorted(p.name for p in projects)


def test_it_rebuilds_the_ledger_at_two_past_dates(ledger, personas):
    p1, p2, p3 = ledger
    feb = projects_as_of(personas.admin, end_of("2023-02-01"))
    assert names(feb) == ["Battery plant", "Cold chain"]
    assert {p.name: p.contract_value_cny for p in feb} == {"Battery plant": 2 * BN, "Cold chain": BN}
    may = projects_as_of(personas.admin, end_of("2023-05-01"))
    assert names(may) == ["Battery plant", "Cold chain", "Vaccine line"]
    assert {p.name: p.contract_value_cny for p in may}["Battery plant"] == 3 * BN
    assert {p.name: p.stage for p in may}["Battery plant"] == Stage.SIGNED
    july = projects_as_of(personas.admin, end_of("2023-07-01"))
    assert names(july) == ["Battery plant", "Vaccine line"]
    assert {p.name: p.stage for p in july}["Battery plant"] == Stage.STARTED


def test_before_anything_was_signed_the_ledger_is_empty(ledger, personas):
    assert projects_as_of(personas.admin, end_of("2022-12-31")) == []


def test_each_district_sees_its_past_ledger_by_where_projects_were_then(ledger, personas):
    # "Cold chain" was in South until March, then in North Park.
    assert names(projects_as_of(personas.officer_south, end_of("2023-02-01"))) == ["Cold chain"]
    assert names(projects_as_of(personas.officer_south, end_of("2023-05-01"))) == ["Vaccine line"]
    assert names(projects_as_of(personas.officer_park, end_of("2023-02-01"))) == []
    assert names(projects_as_of(personas.officer_park, end_of("2023-05-01"))) == ["Cold chain"]
    assert names(projects_as_of(personas.officer_north, end_of("2023-05-01"))) == ["Battery plant", "Cold chain"]
    assert projects_as_of(personas.stranger, end_of("2023-05-01")) == []


def test_a_project_is_rebuilt_with_its_related_records(ledger, reference_data):
    p1, p2, _p3 = ledger
    then = project_as_of(p2.pk, end_of("2023-02-01"))
    assert then.host_area == reference_data.south
    assert then.sector == reference_data.food
    assert then.first_event == reference_data.event
    assert project_as_of(p2.pk, end_of("2023-07-01")) is None
    with pytest.raises(TypeError):
        then.save()


def test_event_totals_as_of_follow_the_counting_rule_then(ledger, personas, reference_data):
    feb = event_totals_as_of(reference_data.event, personas.admin, end_of("2023-02-01"))
    assert (feb.count, feb.value_cny, feb.large_count) == (2, 3 * BN, 2)
    assert feb.strategic_value_cny == 2 * BN
    may = event_totals_as_of(reference_data.event, personas.admin, end_of("2023-05-01"))
    assert (may.count, may.value_cny) == (2, 4 * BN)
    south_feb = event_totals_as_of(reference_data.event, personas.officer_south, end_of("2023-02-01"))
    assert (south_feb.count, south_feb.value_cny) == (1, BN)


def test_as_of_now_agrees_with_the_live_figures(ledger, personas, reference_data):
    for user in (personas.admin, personas.officer_north, personas.officer_south, personas.leader):
        live = event_totals(reference_data.event, user)
        rebuilt = event_totals_as_of(reference_data.event, user, clock.now())
        assert (rebuilt.count, rebuilt.value_cny, rebuilt.large_count) == (live.count, live.value_cny, live.large_count)


def test_the_as_of_page_reproduces_the_ledger_at_two_dates(ledger, personas):
    client = Client()
    client.force_login(personas.officer_north)
    url = reverse("core:ledger_as_of")
    feb = client.get(url, {"as_of": "2023-02-01"})
    assert feb.status_code == 200
    assert names(feb.context["projects"]) == ["Battery plant"]
    assert "Cold chain" not in feb.content.decode()
    may = client.get(url, {"as_of": "2023-05-01"})
    assert names(may.context["projects"]) == ["Battery plant", "Cold chain"]
    assert may.context["total_value"] == 3 * BN + BN


def test_the_as_of_page_names_a_bad_date(personas):
    client = Client()
    client.force_login(personas.admin)
    response = client.get(reverse("core:ledger_as_of"), {"as_of": "01/05/2023"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_the_as_of_page_wants_a_signed_in_reader_with_a_role(personas):
    url = reverse("core:ledger_as_of")
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(personas.stranger)
    assert client.get(url, {"as_of": "2023-05-01"}).status_code == 403


def test_the_project_history_page_shows_the_state_then(ledger, personas):
    p1, _p2, _p3 = ledger
    client = Client()
    client.force_login(personas.officer_north)
    response = client.get(reverse("core:project_history", args=[p1.pk]), {"as_of": "2023-02-01"})
    assert response.status_code == 200
    rows = dict(response.context["state_rows"])
    assert rows["Contract investment (CNY)"] == "RMB 2.00 bn"
    assert rows["Stage"] == "Signed"
