"""The event page and report explain their counts: upgrades, capital increases, re-signings, undisclosed amounts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import event_totals
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


@pytest.fixture
def expo(reference_data):
    """An expo with two new projects, one undisclosed, and an upgrade of a project signed the year before."""
    ref = reference_data
    expo = SigningEvent.objects.create(name="智博会", name_en="Smart China Expo", kind="expo", date=dt.date(2023, 9, 4))
    make_project(name="新能源整车", area=ref.north, sector=ref.ev, value=4 * BN, event=expo)
    make_project(name="卫星地面站", area=ref.north, sector=ref.ev, value=0, event=expo, value_undisclosed=True)
    earlier = make_project(name="生物药基地", area=ref.north, sector=ref.bio, value=2 * BN, event=ref.event)
    with audit_context(source="test"):
        services.signing_add(
            project=earlier, event=expo, signed_on=expo.date, kind=SigningKind.UPGRADE, stated_value_cny=3 * BN
        )
    return expo


def test_the_event_page_explains_an_upgrade_counted_without_amount(client, personas, expo):
    client.force_login(personas.admin)
    body = client.get(reverse("events:event_detail", args=[expo.pk])).content.decode()
    assert "3 counted, 2 signed projects: 1 upgrade counted as a project without amount." in body


def test_undisclosed_amounts_show_as_undisclosed_and_stay_out_of_the_average(client, personas, expo):
    totals = event_totals(expo, personas.admin)
    assert (totals.count, totals.value_cny) == (3, 4 * BN)
    # Three projects counted; the undisclosed one is left out of the average, the upgrade adds no amount.
    assert totals.average_disclosed == Decimal("2000000000.00")
    client.force_login(personas.admin)
    body = client.get(reverse("events:event_detail", args=[expo.pk])).content.decode()
    assert ">undisclosed</td>" in body
    assert (
        "1 project with an undisclosed amount counts as a project and stays out of value shares and averages." in body
    )
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("events:event_detail", args=[expo.pk])).content.decode()
    assert ">未披露</td>" in body
    assert "计入3个，签约项目2个：1个升级项目计为项目、不计金额。" in body


def test_the_event_report_explains_capital_increases_and_resignings(client, personas, reference_data, expo):
    ref = reference_data
    again = SigningEvent.objects.create(name="集中签约", name_en="Ceremony", kind="ceremony", date=dt.date(2024, 3, 1))
    resigned = make_project(name="食品加工", area=ref.north, sector=ref.food, value=BN, event=ref.event)
    increased = make_project(name="电池工厂", area=ref.north, sector=ref.ev, value=3 * BN, event=ref.event)
    with audit_context(source="test"):
        services.signing_add(
            project=resigned, event=again, signed_on=again.date, kind=SigningKind.RESIGNING, stated_value_cny=BN
        )
        services.signing_add(
            project=increased, event=again, signed_on=again.date, kind=SigningKind.CAPITAL_INCREASE, stated_value_cny=BN
        )
    client.force_login(personas.admin)
    body = client.get(reverse("reporting:event_report", args=[again.pk])).content.decode()
    assert "1 capital increase adds only its increment (RMB 1.00 bn), not a project." in body
    assert "1 re-signing of a project counted at an earlier event adds nothing." in body


def test_a_sector_whose_projects_are_all_undisclosed_shows_undisclosed_not_zero(client, personas, reference_data, expo):
    ref = reference_data
    make_project(name="卫星测控中心", area=ref.north, sector=ref.food, value=0, event=expo, value_undisclosed=True)
    line = next(line for line in event_totals(expo, personas.admin).by_sector if line.sector_id == ref.food.pk)
    assert (line.count, line.undisclosed, line.all_undisclosed) == (1, 1, True)
    client.force_login(personas.admin)
    page = client.get(reverse("events:event_detail", args=[expo.pk])).content.decode()
    report = client.get(reverse("reporting:event_report", args=[expo.pk])).content.decode()
    for body in (page, report):
        row = body[body.index(str(ref.food.name_en)) :]
        row = row[: row.index("</tr>")]
        assert "undisclosed" in row and "0.00" not in row
    # The sector that has one disclosed project beside an undisclosed one keeps its amount.
    ev = next(line for line in event_totals(expo, personas.admin).by_sector if line.sector_id == ref.ev.pk)
    assert (ev.count, ev.undisclosed, ev.all_undisclosed) == (2, 1, False)
