"""A small ledger whose figures are computed by hand in the tests.

Five projects, created on the day of their signing and moved along their lifecycle on known days
(the clock is frozen for each change, so the audit trail holds the history):

| project | area       | sector       | value  | signed     | planned start | history                              |
|---------|------------|--------------|--------|------------|---------------|--------------------------------------|
| N1      | North      | EV (SE)      | 2.0 bn | 2022-08-22 | 2023-01-01    | started 2023-03-15                    |
| N2      | North Park | Bio (SE)     | 0.5 bn | 2022-08-22 | 2023-06-01    | registered 2022-10-01; outside 0.2 bn |
| N3      | North Park | Food         | 1.0 bn | 2022-08-22 | —             | in production 2024-01-10              |
| S1      | South      | Food         | 3.0 bn | 2022-08-22 | 2023-03-01    | terminated 2023-09-01                 |
| S2      | South      | EV (SE)      | 0.3 bn | 2023-05-10 | —             | —                                     |
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import SideState, Stage
from investledger.ledger.projects.services import project_set_side_state, project_set_stage
from investledger.testing import make_project

TODAY = dt.date(2024, 6, 30)
BN = Decimal("1000000000")


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS = 0


@dataclass
class Ledger:
    n1: object
    n2: object
    n3: object
    s1: object
    s2: object
    event: object
    event2: object


def build_ledger(ref) -> Ledger:
    event = ref.event  # 2022-08-22
    with clock.frozen_at(dt.date(2022, 8, 22)):
        n1 = make_project(
            area=ref.north,
            sector=ref.ev,
            name="North EV plant",
            value=2 * BN,
            event=event,
            planned_start=dt.date(2023, 1, 1),
        )
        n2 = make_project(
            area=ref.north_park,
            sector=ref.bio,
            name="Park biomedicine base",
            value=BN / 2,
            event=event,
            planned_start=dt.date(2023, 6, 1),
            outside_value_cny=Decimal("200000000"),
        )
        n3 = make_project(area=ref.north_park, sector=ref.food, name="Park food factory", value=BN, event=event)
        s1 = make_project(
            area=ref.south,
            sector=ref.food,
            name="South cold chain",
            value=3 * BN,
            event=event,
            planned_start=dt.date(2023, 3, 1),
        )
    event2 = SigningEvent.objects.create(
        name="春季推介会", name_en="Spring roadshow", kind="roadshow", date=dt.date(2023, 5, 10)
    )
    with clock.frozen_at(dt.date(2023, 5, 10)):
        s2 = make_project(
            area=ref.south, sector=ref.ev, name="South charging network", value=BN * Decimal("0.3"), event=event2
        )
    with audit_context(actor=None, source="test"):
        with clock.frozen_at(dt.date(2022, 10, 1)):
            project_set_stage(project=n2, stage=Stage.REGISTERED)
        with clock.frozen_at(dt.date(2023, 3, 15)):
            project_set_stage(project=n1, stage=Stage.STARTED)
        with clock.frozen_at(dt.date(2023, 9, 1)):
            project_set_side_state(
                project=s1, side_state=SideState.TERMINATED, reason="Investor withdrew", since=dt.date(2023, 9, 1)
            )
        with clock.frozen_at(dt.date(2024, 1, 10)):
            project_set_stage(project=n3, stage=Stage.IN_PRODUCTION)
    return Ledger(n1, n2, n3, s1, s2, event, event2)


@pytest.fixture
def ledger(reference_data, personas):
    return build_ledger(reference_data)


@pytest.fixture
def today():
    with clock.frozen_at(TODAY):
        yield TODAY


@pytest.fixture
def big_ledger(ledger, reference_data):
    """The hand-computed ledger plus projects spread over areas, sectors, months and stages, with cents;
    every fifth with an undisclosed amount (and funds in place reported for some of those)."""
    ref = reference_data
    rng = random.Random(7)
    areas = [ref.north, ref.north_park, ref.south]
    sectors = [ref.ev, ref.bio, ref.food]
    stages = [Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.IN_PRODUCTION]
    made = []
    for i in range(24):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
        with clock.frozen_at(day):
            project = make_project(
                area=rng.choice(areas),
                sector=rng.choice(sectors),
                name=f"Generated project {i}",
                value=0 if i % 5 == 0 else Decimal(rng.randint(10_000, 3_000_000)) * Decimal("1000.37"),
                value_undisclosed=i % 5 == 0,
                event=ledger.event2 if i % 3 else ledger.event,
                signed_on=day,
                planned_start=day + dt.timedelta(days=rng.choice([30, 200, 900])),
            )
            stage = rng.choice(stages)
            if stage != Stage.SIGNED:
                with audit_context(actor=None, source="test"):
                    project_set_stage(project=project, stage=stage)
        made.append(project)
    from investledger.supervision.services import light_assess, report_submit

    with clock.frozen_at(TODAY), audit_context(actor=None, source="test"), transaction.atomic():
        for i, project in enumerate(made[:12]):
            funds = (project.contract_value_cny or Decimal("300000000")) * Decimal("0.1") * (i % 4)
            report_submit(
                project=project,
                period=dt.date(2024, 5 + i % 2, 1),
                funds_in_place_cny=funds.quantize(Decimal("0.01")),
                investment_completed_cny=funds.quantize(Decimal("0.01")),
                confirm_funds_excess=True,
            )
        for project in made[::2]:
            light_assess(project=project)
    return made
