"""The machine-readable feed of the public catalogue: the same opportunities, as JSON and as CSV.

The JSON document follows docs/opportunity-feed.schema.json (described in docs/opportunity-feed.md);
the CSV has one row per opportunity with the same fields flattened, every text cell written through
`core.spreadsheets` so that none becomes a formula. Amounts are decimal strings in yuan, never floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse

from investledger.ledger.opportunities.models import Opportunity

FEED_VERSION = "1.0"


def _named(obj) -> dict | None:
    if obj is None:
        return None
    return {"code": obj.code, "name_zh": obj.name, "name_en": obj.name_en}


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def item(opportunity: Opportunity, *, request=None) -> dict:
    path = reverse("opportunities:public_detail", args=[opportunity.pk])
    listing = opportunity.list
    return {
        "id": opportunity.pk,
        "url": request.build_absolute_uri(path) if request is not None else path,
        "title_zh": opportunity.title,
        "title_en": opportunity.title_en,
        "list": {
            "id": listing.pk,
            "title_zh": listing.title,
            "title_en": listing.title_en,
            "publishing_area": _named(listing.publishing_area),
            "publishing_unit": _named(listing.publishing_unit),
            "released_on": listing.released_on.isoformat() if listing.released_on else None,
            "event": (
                {
                    "name_zh": listing.event.name,
                    "name_en": listing.event.name_en,
                    "date": listing.event.date.isoformat(),
                }
                if listing.event_id
                else None
            ),
        },
        "category": _named(opportunity.category),
        "host_area": _named(opportunity.host_area),
        "location": opportunity.location,
        "land_area": _amount(opportunity.land_area),
        "land_area_unit": opportunity.land_area_unit if opportunity.land_area is not None else None,
        "estimated_investment": {
            "amount": _amount(opportunity.estimated_value),
            "currency": opportunity.currency,
            "amount_cny": _amount(opportunity.estimated_value_cny),
            "approximate": opportunity.value_approximate,
        },
        "cooperation_mode": opportunity.cooperation_mode,
        "sectors": [_named(sector) for sector in opportunity.sectors.all()],
        "incentives": opportunity.incentives,
        "contact": {
            "name": opportunity.contact_name,
            "phone": opportunity.contact_phone,
            "email": opportunity.contact_email,
        },
        "description_zh": opportunity.description,
        "description_en": opportunity.description_en,
        "status": opportunity.status,
        "status_since": opportunity.status_on.isoformat() if opportunity.status_on else None,
        "is_demo": opportunity.is_demo,
    }


def document(opportunities: Iterable[Opportunity], *, request=None, generated: dt.datetime) -> dict:
    items = [item(o, request=request) for o in opportunities]
    return {"version": FEED_VERSION, "generated": generated.isoformat(), "count": len(items), "opportunities": items}


CSV_HEADER = (
    "id",
    "url",
    "title_zh",
    "title_en",
    "list_id",
    "list_title_zh",
    "list_title_en",
    "publishing_area",
    "released_on",
    "category",
    "category_zh",
    "category_en",
    "host_area",
    "host_area_zh",
    "host_area_en",
    "location",
    "land_area",
    "land_area_unit",
    "estimated_amount",
    "currency",
    "estimated_amount_cny",
    "approximate",
    "cooperation_mode",
    "sectors",
    "incentives",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description_zh",
    "description_en",
    "status",
    "status_since",
    "is_demo",
)


def csv_rows(opportunities: Iterable[Opportunity], *, request=None) -> Iterator[list]:
    """The header, then one row per opportunity: the JSON item flattened (sectors as codes joined by "; ")."""
    yield list(CSV_HEADER)
    for opportunity in opportunities:
        data = item(opportunity, request=request)
        money = data["estimated_investment"]
        listing = data["list"]
        yield [
            data["id"],
            data["url"],
            data["title_zh"],
            data["title_en"],
            listing["id"],
            listing["title_zh"],
            listing["title_en"],
            listing["publishing_area"]["code"],
            listing["released_on"],
            data["category"]["code"],
            data["category"]["name_zh"],
            data["category"]["name_en"],
            data["host_area"]["code"],
            data["host_area"]["name_zh"],
            data["host_area"]["name_en"],
            data["location"],
            data["land_area"],
            data["land_area_unit"],
            money["amount"],
            money["currency"],
            money["amount_cny"],
            money["approximate"],
            data["cooperation_mode"],
            "; ".join(sector["code"] for sector in data["sectors"]),
            data["incentives"],
            data["contact"]["name"],
            data["contact"]["phone"],
            data["contact"]["email"],
            data["description_zh"],
            data["description_en"],
            data["status"],
            data["status_since"],
            data["is_demo"],
        ]
