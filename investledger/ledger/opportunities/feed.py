"""The machine-readable feed of the public catalogue: the same opportunities, as JSON and as CSV.

The JSON document follows docs/opportunity-feed.schema.json (described in docs/opportunity-feed.md);
the CSV has one row per opportunity with the same fields flattened, every text cell written through
`core.spreadsheets` so that none becomes a formula. Amounts are decimal strings in yuan, never floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.urls import reverse
from django.utils import timezone

from investledger.ledger.opportunities.models import Opportunity

FEED_VERSION = "1.0"
# The ocid prefix of the OCDS planning releases: a publisher registers its own "ocds-xxxxxx" prefix with
# the Open Contracting Partnership; until the bureau has one, ids say whose they are.
OCID_PREFIX = "ocds-investledger"
# Categories offered as a service to run rather than works to build (OCDS mainProcurementCategory).
SERVICE_CATEGORIES = frozenset({"franchising", "scenarios", "urban-functions"})
# The release is in Chinese ("language": "zh"), whatever the reader's language.
MODE_ZH = {"equity": "股权投资", "ppp": "PPP或特许经营", "lease": "租赁", "sale": "出让", "joint": "合作开发"}


def _named(obj) -> dict | None:
    if obj is None:
        return None
    return {"code": obj.code, "name_zh": obj.name, "name_en": obj.name_en}


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _ocds_number(value):
    """An OCDS amount is a JSON number: whole yuan as an integer, exactly; a figure with cents as the
    decimal number it is (to the cent, well inside a double's exact range at the ledger's bound)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _midnight(day: str) -> str | None:
    """The start of a day in the bureau's time zone, as OCDS dates are date-times."""
    if not day:
        return None
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time.min)).isoformat()


def _party(named: dict | None, kind: str) -> dict | None:
    if named is None:
        return None
    return {"id": f"{kind}-{named['code']}", "name": named["name_zh"] or named["name_en"]}


def planning_release(opportunity: Opportunity, data: dict) -> dict:
    """The opportunity as an OCDS 1.1 release at the planning stage (tag "planning", tender "planned"):
    the publishing area as the buyer, the estimated investment as the planning budget, the cooperation
    mode and, for a PPP or franchise, what is offered. Only OCDS fields; docs/opportunity-feed.md."""
    listing = data["list"]
    buyer = _party(listing["publishing_area"], "area")
    unit = _party(listing["publishing_unit"], "unit")
    parties = [{**buyer, "roles": ["buyer"]}]
    if unit is not None:
        parties.append({**unit, "roles": ["procuringEntity"]})
    franchise = opportunity.cooperation_mode == "ppp" or data["category"]["code"] == "franchising"
    since = data["status_since"] or (listing["released_on"] or "")
    money = data["estimated_investment"]
    tender = {
        "id": f"opportunity-{opportunity.pk}",
        "title": data["title_zh"],
        "description": data["description_zh"] or data["description_en"] or data["title_en"] or data["title_zh"],
        "status": "planned",
        "mainProcurementCategory": "services"
        if franchise or data["category"]["code"] in SERVICE_CATEGORIES
        else "works",
        "procurementMethodDetails": MODE_ZH.get(opportunity.cooperation_mode, opportunity.cooperation_mode),
        "items": [
            {
                "id": "1",
                "description": data["title_zh"],
                "classification": {
                    "scheme": "investledger-category",
                    "id": data["category"]["code"],
                    "description": data["category"]["name_zh"],
                },
                "additionalClassifications": [
                    {"scheme": "investledger-sector", "id": s["code"], "description": s["name_zh"]}
                    for s in data["sectors"]
                ],
                "deliveryAddress": {"locality": data["host_area"]["name_zh"], "streetAddress": data["location"]},
            }
        ],
    }
    if unit is not None:
        tender["procuringEntity"] = unit
    if franchise:
        tender["procurementMethodRationale"] = "政府和社会资本合作或特许经营：由投资方建设并运营"
    budget: dict = {
        "id": f"opportunity-{opportunity.pk}-estimate",
        "description": "Estimated investment as published (approximate)"
        if money["approximate"]
        else "Estimated investment as published",
        "project": data["title_zh"],
        "projectID": str(opportunity.pk),
    }
    if money["amount"] is not None:
        budget["amount"] = {"amount": _ocds_number(opportunity.estimated_value), "currency": money["currency"]}
    return {
        "ocid": f"{OCID_PREFIX}-opportunity-{opportunity.pk}",
        "id": f"opportunity-{opportunity.pk}-{since or 'listed'}",
        "date": _midnight(since),
        "tag": ["planning"],
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": buyer,
        "planning": {"rationale": data["incentives"] or data["description_zh"] or data["title_zh"], "budget": budget},
        "tender": tender,
    }


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
    items = []
    for opportunity in opportunities:
        data = item(opportunity, request=request)
        data["ocds"] = planning_release(opportunity, data)
        items.append(data)
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
