"""The figures of opportunity lists, for the metric registry and every page that shows them.

What was listed, published, taken up and signed, and the value signed from it, are registered
figures (`metrics.py`, source "opportunities"); the opportunity pages (a list's totals and chart, the
follow-up cards) and the opportunity API read them through `opportunities.selectors.FIGURES`, which
`ReportingConfig.ready()` fills from here, so the pages, /api/metrics/ and the registry page give one
number each.

The registry's cohort is read in opportunity terms: its area is where an opportunity is hosted
(sub-areas included), its sector one of the opportunity's sectors (sub-sectors included), its event
the one where the list was released, its period the list's release date. As of a past day an
opportunity counts when it was listed by then, at the status its history gave it that day (the latest
`StatusChange` on or before it). The value signed is the contract investment of the projects the
signed opportunities became, as the ledger knew them that day (`cohort.frame`): a project whose amount
is undisclosed adds nothing and is counted apart, so a figure resting only on such projects says
"undisclosed", never 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from investledger.core import clock
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory, StatusChange
from investledger.ledger.opportunities.selectors import CategoryLine, Totals
from investledger.ledger.projects.models import Project
from investledger.reporting.cohort import Cohort, is_past
from investledger.reporting.cohort import frame as project_frame

TAKEN_UP = (Status.IN_TALKS, Status.SIGNED)
ZERO = Decimal("0.00")


def base_for(user) -> QuerySet[Opportunity]:
    """The opportunities a figure may count: those `user` may see; for the public page (no user), those
    on published lists."""
    if user is None:
        return Opportunity.objects.filter(list__published=True)
    return Opportunity.objects.visible_to(user)


def frame(user, cohort: Cohort, as_of: dt.date, opportunities: QuerySet | None = None) -> QuerySet[Opportunity]:
    """The cohort's opportunities as listed on `as_of`, each with its status that day as `o_status`.

    `opportunities` narrows them further (one list's, for its page); they are within `user`'s view
    already when given."""
    qs = opportunities if opportunities is not None else base_for(user)
    if cohort.area is not None:
        qs = qs.filter(host_area__path__startswith=cohort.area.path)
    if cohort.sector is not None:
        in_sector = Opportunity.sectors.through.objects.filter(sector_id__in=cohort.sector.subtree_ids())
        qs = qs.filter(pk__in=in_sector.values("opportunity_id"))
    if cohort.event is not None:
        qs = qs.filter(list__event=cohort.event)
    if cohort.signed_from:
        qs = qs.filter(list__released_on__gte=cohort.signed_from)
    if cohort.signed_to:
        qs = qs.filter(list__released_on__lte=cohort.signed_to)
    if not is_past(as_of):
        return qs.annotate(o_status=F("status"))
    changes = StatusChange.objects.filter(opportunity=OuterRef("pk"), changed_on__lte=as_of).order_by(
        "-changed_on", "-id"
    )
    return qs.annotate(o_status=Subquery(changes.values("to_status")[:1])).filter(o_status__isnull=False)


def parts(as_of: dt.date) -> dict:
    """The aggregates the opportunity figures are made of, over a frame (grouped or not)."""
    released = Q(list__released_on__isnull=True) | Q(list__released_on__lte=as_of)
    return {
        "listed": Count("pk"),
        "published": Count("pk", filter=Q(list__published=True) & released),
        "taken_up": Count("pk", filter=Q(o_status__in=TAKEN_UP)),
        "signed": Count("pk", filter=Q(o_status=Status.SIGNED)),
        "estimated": Sum("estimated_value_cny"),
        "estimated_known": Count("pk", filter=Q(estimated_value_cny__isnull=False)),
        "estimated_inexact": Count("pk", filter=Q(value_approximate=True) | Q(estimated_value_cny__isnull=True)),
    }


def _clean(row: dict) -> dict:
    out = {key: int(row.get(key) or 0) for key in ("listed", "published", "taken_up", "signed")}
    out["estimated_known"] = int(row.get("estimated_known") or 0)
    out["estimated_inexact"] = int(row.get("estimated_inexact") or 0)
    out["estimated"] = Decimal(row["estimated"]).quantize(ZERO) if row.get("estimated") is not None else ZERO
    return out


def figures(opportunities: QuerySet[Opportunity], as_of: dt.date) -> dict:
    """The parts of a frame, in one query."""
    return _clean(opportunities.order_by().aggregate(**parts(as_of)))


def signed(user, opportunities: QuerySet[Opportunity], as_of: dt.date) -> dict:
    """The projects the frame's signed opportunities became, as the ledger knew them on `as_of`: how
    many, how many with an undisclosed amount, and the value of the others."""
    became = opportunities.filter(o_status=Status.SIGNED).values("project_id")
    base = Project.objects.all() if user is None else Project.objects.visible_to(user)
    projects = project_frame(user, Cohort(), as_of, base.filter(pk__in=became))
    row = projects.order_by().aggregate(
        projects=Count("pk"),
        undisclosed=Count("pk", filter=Q(f_undisclosed=True)),
        value=Sum("f_value", filter=Q(f_undisclosed=False)),
    )
    value = Decimal(row["value"]).quantize(ZERO) if row["value"] is not None else ZERO
    return {"projects": row["projects"] or 0, "undisclosed": row["undisclosed"] or 0, "value": value}


# --- A list's totals, by category (pages and API) -------------------------------------------------


def _totals(opportunities: QuerySet[Opportunity], key: str | None) -> dict:
    today = clock.today()
    rows = list(
        frame(None, Cohort(), today, opportunities)
        .order_by()
        .values(*([key] if key else []), "category")
        .annotate(**parts(today))
    )
    categories = OpportunityCategory.objects.in_bulk({row["category"] for row in rows})
    out: dict = {}
    for raw in rows:
        row = _clean(raw)
        totals = out.setdefault(raw[key] if key else None, Totals(0, ZERO, False))
        known = row["estimated_known"] > 0
        totals.by_category.append(
            CategoryLine(categories[raw["category"]], row["listed"], row["estimated"] if known else None)
        )
        totals.count += row["listed"]
        totals.value_cny += row["estimated"]
        totals.known += row["estimated_known"]
        totals.approximate = totals.approximate or bool(row["estimated_inexact"])
    for totals in out.values():
        totals.by_category.sort(key=lambda line: (line.category.position, line.category.code))
    return out


def list_totals(opportunities: QuerySet[Opportunity]) -> Totals:
    """The totals of the opportunities given (one list's, or any set within a reader's view), by category:
    the registry's `opportunities_listed` and `opportunity_estimated_value`, grouped."""
    return _totals(opportunities, None).get(None) or Totals(0, ZERO, False)


def totals_by_list(opportunities: QuerySet[Opportunity]) -> dict[int, Totals]:
    """`list_totals` of each list among the opportunities given, in one query (the lists index)."""
    return _totals(opportunities, "list")
