"""Every list, page and API alike, asks the database the same number of questions whatever its page size
and however large the ledger grows: per-row facts are fetched for the whole page at once, never row by row.

Each list is read twice at a small and a large page size, before and after the ledger grows; the four
query counts must be equal. A list that grew a query per row would differ by the rows added."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.escalation.services import issue_raise
from investledger.leads import services as leads
from investledger.leads.choices import LeadSource
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.opportunities import services as opportunities
from investledger.ledger.opportunities.models import OpportunityCategory
from investledger.reference.models import Unit
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")
_serial = itertools.count(1)

# (list, its URL name, the page-size parameter or None when the list has a fixed page size)
PAGES: list[tuple[str, str, str | None]] = [
    ("ledger", "projects:project_list", "page_size"),
    ("events", "events:event_list", "page_size"),
    ("investors", "investors:investor_list", "page_size"),
    ("issues", "escalation:issue_list", None),
    ("leads", "leads:pipeline", None),
    ("referrers", "leads:referrer_list", None),
    ("opportunity lists", "opportunities:list_index", None),
    ("notices", "escalation:notice_list", None),
    ("inspections", "escalation:inspection_list", None),
    ("imports", "intake:index", None),
    ("referrer ranking", "leads:referrer_ranking", None),
    ("lead classes", "leads:lead_class_list", None),
    ("users", "accounts:user_list", None),
]
API = ["projects", "events", "investors", "issues", "leads", "referrers", "opportunities", "opportunity-lists"]


def grow(ref, personas, unit, rows: int) -> None:
    """`rows` more of everything the lists show, each with its own investor, event, issue and lead."""
    with audit_context(actor=None, source="test"):
        for _ in range(rows):
            n = next(_serial)
            event = SigningEvent.objects.create(name=f"签约活动{n}", kind="ceremony", date=dt.date(2026, 3, 1 + n % 28))
            project = make_project(
                name=f"列表项目{n}",
                area=ref.north if n % 2 else ref.south,
                sector=ref.ev if n % 2 else ref.bio,
                value=BN + n,
                event=event,
                investor=make_investor(f"投资方{n}"),
            )
            issue_raise(
                project=project,
                fields={"title": f"问题{n}", "category": "power", "responsible_unit": ref.power},
                by=None,
            )
            leads.lead_create(
                fields={
                    "owning_unit": unit,
                    "investor": make_investor(f"线索投资方{n}"),
                    "source": LeadSource.WALK_IN,
                    "sector": ref.ev,
                },
                areas=[ref.north],
                by=personas.officer_north,
                confirm_not_duplicate=True,
            )
            catalogue = opportunities.list_create(
                fields={
                    "title": f"机会清单{n}",
                    "publishing_area": ref.north,
                    "publishing_unit": ref.bureau,
                    "released_on": dt.date(2026, 1, 15),
                    "published": True,
                }
            )
            opportunities.opportunity_create(
                opportunity_list=catalogue,
                fields={
                    "title": f"机会{n}",
                    "category": OpportunityCategory.objects.get(code="land"),
                    "host_area": ref.north,
                    "estimated_value": BN,
                },
            )


@pytest.fixture
def unit(reference_data):
    return Unit.objects.create(
        code="north-promo",
        name="北区投促中心",
        name_en="North Promotion Centre",
        kind="committee",
        area=reference_data.north,
    )


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def counts(client, url, size_param, small, large) -> set[int]:
    client.get(url)  # warm what is cached per process (content types, the session)
    if size_param is None:
        return {queries(client, url, {})}
    return {queries(client, url, {size_param: small}), queries(client, url, {size_param: large})}


def lists_for(user) -> list[tuple[str, str, str | None]]:
    pages = [(what, reverse(name), size) for what, name, size in PAGES if what != "users" or user == "admin"]
    return pages + [(f"API {route}", f"/api/{route}/", "page_size") for route in API]


@pytest.mark.parametrize("user", ["admin", "officer_north"])
def test_no_list_asks_more_queries_for_a_larger_page_or_ledger(client, reference_data, personas, unit, user):
    grow(reference_data, personas, unit, 12)
    client.force_login(getattr(personas, user))
    lists = lists_for(user)
    before = {what: counts(client, url, size, 10, 100) for what, url, size in lists}
    grow(reference_data, personas, unit, 30)
    after = {what: counts(client, url, size, 10, 100) for what, url, size in lists}
    growing = {
        what: (sorted(before[what]), sorted(after[what])) for what in before if len(before[what] | after[what]) > 1
    }
    assert not growing, f"query counts (before, after the ledger grew) that differ: {growing}"
