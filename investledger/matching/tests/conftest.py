"""What the matching tests share: an opportunity of North, one of South, and investors that fit them."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.investors.services import profile_save
from investledger.ledger.opportunities import services as opportunity_services
from investledger.ledger.opportunities.models import OpportunityCategory
from investledger.testing import make_investor, make_project

BN = Decimal("1000000000")
SOURCE = {"text": "Interview", "on": "2023-04-12"}
SOURCED = {fact: SOURCE for fact in ("sectors", "ticket", "regions", "modes", "plans")}


def profiled(name, *, sectors, low=None, high=None, regions=(), modes=()):
    investor = make_investor(name)
    with audit_context(source="test"):
        profile_save(
            investor=investor,
            fields={
                "ticket_min_cny": low,
                "ticket_max_cny": high,
                "modes": list(modes),
                "plans": "",
                "sources": SOURCED,
            },
            sectors=[s.pk for s in sectors],
            regions=[a.pk for a in regions],
        )
    return investor


@pytest.fixture
def opportunity(reference_data):
    ref = reference_data
    with audit_context(actor=None, source="test"):
        north_list = opportunity_services.list_create(
            fields={
                "title": "北区机会清单",
                "title_en": "North District opportunities",
                "publishing_area": ref.north,
                "publishing_unit": ref.bureau,
                "released_on": dt.date(2023, 4, 12),
                "published": True,
            }
        )
        return opportunity_services.opportunity_create(
            opportunity_list=north_list,
            fields={
                "title": "北区电池工厂",
                "title_en": "North battery plant",
                "category": OpportunityCategory.objects.get(code="industrial-carriers"),
                "host_area": ref.north,
                "estimated_value": 5 * BN,
                "cooperation_mode": "equity",
            },
            sectors=[ref.ev.pk],
        )


@pytest.fixture
def investors(reference_data):
    ref = reference_data
    fit = profiled("Full fit", sectors=[ref.ev], low=BN, high=10 * BN, regions=[ref.north], modes=["equity"])
    partly = profiled("Partly", sectors=[ref.ev], low=BN, high=2 * BN)
    south = profiled("South's own", sectors=[ref.ev], low=BN, high=10 * BN, regions=[ref.north])
    make_project(area=ref.south, sector=ref.ev, investor=south)  # on South's projects: North may not see it
    return {"fit": fit, "partly": partly, "south": south}


@pytest.fixture
def south_opportunity(reference_data):
    with audit_context(actor=None, source="test"):
        south_list = opportunity_services.list_create(
            fields={"title": "南区机会清单", "publishing_area": reference_data.south, "published": True}
        )
        return opportunity_services.opportunity_create(
            opportunity_list=south_list,
            fields={
                "title": "南区电池材料",
                "category": OpportunityCategory.objects.get(code="industrial-carriers"),
                "host_area": reference_data.south,
                "estimated_value": 3 * BN,
            },
            sectors=[reference_data.ev.pk],
        )
