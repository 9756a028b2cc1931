"""An opportunity list of North District with two opportunities, built through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from investledger.core.audit import audit_context
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.models import OpportunityCategory


def category(code: str) -> OpportunityCategory:
    return OpportunityCategory.objects.get(code=code)


def add_opportunity(opportunity_list, *, title: str, area, value: str | None = "1000000000", code="land", **fields):
    with audit_context(actor=None, source="test"):
        return services.opportunity_create(
            opportunity_list=opportunity_list,
            fields={
                "title": title,
                "title_en": fields.pop("title_en", f"{title} (en)"),
                "category": category(code),
                "host_area": area,
                "estimated_value": Decimal(value) if value is not None else None,
                **fields,
            },
        )


@pytest.fixture
def north_list(reference_data):
    with audit_context(actor=None, source="test"):
        return services.list_create(
            fields={
                "title": "北区2023年第一批机会清单",
                "title_en": "North District opportunities, first batch 2023",
                "publishing_area": reference_data.north,
                "publishing_unit": reference_data.bureau,
                "released_on": dt.date(2023, 4, 12),
                "event": reference_data.event,
                "published": True,
            }
        )


@pytest.fixture
def north_opportunities(reference_data, north_list):
    return [
        add_opportunity(north_list, title="北区物流园", area=reference_data.north, code="industrial-carriers"),
        add_opportunity(
            north_list,
            title="园区污水处理特许经营",
            area=reference_data.north_park,
            value="250000000",
            code="franchising",
        ),
    ]
