"""Demo profiles read from the demo ledger: sourced, audited, and loaded once."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.investors.models import InvestorProfile
from investledger.matching import demo
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")


def test_it_states_what_the_ledger_says_and_only_once(reference_data):
    ref = reference_data
    demo_investor = make_investor("演示投资方", is_demo=True)
    real = make_investor("真实投资方")
    day = dt.date(2022, 8, 22)
    make_project(
        area=ref.north_park, sector=ref.ev, investor=demo_investor, value=2 * BN, event=ref.event, signed_on=day
    )
    make_project(area=ref.south, sector=ref.bio, investor=demo_investor, value=5 * BN, event=ref.event, signed_on=day)
    make_project(area=ref.north, sector=ref.ev, investor=real, event=ref.event, signed_on=day)
    with audit_context(source="command:demo"):
        assert demo.load() == {"profiles": 1}
        assert demo.load() == {"profiles": 0}
    profile = InvestorProfile.objects.get()
    assert profile.investor == demo_investor
    assert set(profile.sectors.all()) == {ref.ev, ref.bio}
    assert set(profile.regions.all()) == {ref.north, ref.south}
    assert (profile.ticket_min_cny, profile.ticket_max_cny) == (2 * BN, 5 * BN)
    assert profile.sources["ticket"]["text"].startswith("Demo: read from its 2 project(s)")
    assert profile.sources["ticket"]["on"] == "2022-08-22"
    assert not profile.modes
