"""Totals reconcile along the area tree: parks add up to their district, districts to the city."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from investledger.core import clock
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area
from investledger.reporting import selectors
from investledger.reporting.cohort import Cohort
from investledger.reporting.metrics import compute_all
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(reference_data, personas):
    """A generated ledger over a bigger tree: three districts with parks, projects anywhere in it."""
    ref = reference_data
    east = Area.objects.create(code="east", name="东区", name_en="East District", kind="district", parent=ref.city)
    parks = [
        Area.objects.create(code=f"east-{i}", name=f"东区园区{i}", name_en=f"East Park {i}", kind="park", parent=east)
        for i in range(3)
    ]
    places = [ref.city, ref.north, ref.north_park, ref.south, east, *parks]
    sectors = [ref.ev, ref.bio, ref.food]
    rng = random.Random(7)
    with clock.frozen_at(dt.date(2023, 4, 1)):
        for i in range(40):
            make_project(
                area=rng.choice(places),
                sector=rng.choice(sectors),
                name=f"Generated {i}",
                value=Decimal(rng.randint(1, 400)) * Decimal("10000000"),
                event=ref.event,
            )
    return places


def test_parks_add_up_to_their_district_and_districts_to_the_city(generated, personas, reference_data):
    with clock.frozen_at(dt.date(2024, 1, 1)):
        totals = selectors.rollup(personas.admin, Cohort(), clock.today())
    for area in Area.objects.all():
        children = area.children.all()
        expected = dict(totals[area.pk].own)
        for child in children:
            for key, value in totals[child.pk].subtree.items():
                expected[key] += value
        assert totals[area.pk].subtree == expected, area
        direct = Project.objects.filter(host_area__path__startswith=area.path)
        assert totals[area.pk].subtree["projects"] == direct.count()
        assert totals[area.pk].subtree["value"] == (sum((p.contract_value_cny for p in direct), Decimal("0.00")))
    city = totals[reference_data.city.pk].subtree
    assert city["projects"] == 40


def test_the_city_total_equals_the_registry_figure(generated, personas, reference_data):
    with clock.frozen_at(dt.date(2024, 1, 1)):
        totals = selectors.rollup(personas.admin, Cohort(), clock.today())
        figures = compute_all(personas.admin, Cohort(), clock.today())
    assert totals[reference_data.city.pk].subtree["value"] == figures["signed_value"].value
    assert totals[reference_data.city.pk].subtree["projects"] == figures["signed_count"].value


def test_a_district_officer_rolls_up_only_their_district(generated, personas, reference_data):
    with clock.frozen_at(dt.date(2024, 1, 1)):
        totals = selectors.rollup(personas.officer_north, Cohort(), clock.today())
    north = Project.objects.filter(host_area__path__startswith=reference_data.north.path).count()
    assert totals[reference_data.city.pk].subtree["projects"] == north
    assert totals[reference_data.south.pk].subtree["projects"] == 0
