"""How many projects a filtered list holds and their contract investment, without counting what it does not show.

A list used to count (and add up) every matching project on every request: at a million projects that
scan was most of the ledger's time. The figure now comes from the cheapest source that is still true:

- "summary": with no filter, or only filters the dashboard's summary cells answer (host area, sector),
  the reader's signed projects are added up from the cells (reporting.ledger_totals, registered here
  from reporting's AppConfig.ready(): projects may not import reporting) and the few projects the
  cells leave out (not signed yet) are counted live. Exact, the same figure as the dashboard's.
- "exact": a count that stops at EXACT_LIMIT rows found that the matches are no more: counted and added
  up exactly, in the same statement.
- "estimate": more than EXACT_LIMIT matches and a filter the cells cannot answer: the database's own
  row estimate (PostgreSQL's planner), or "more than EXACT_LIMIT" where it has none (SQLite). The
  investment is then not added up, and lists say "about". A planner estimate of SURELY_MORE times
  EXACT_LIMIT or more is taken without counting at all; for a search of a word the search's index
  calls common (`ProjectFilterSet.common_text`), an estimate above EXACT_LIMIT is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

EXACT_LIMIT = 10_000
# A planner estimate this many times EXACT_LIMIT is trusted without counting (an estimate that far off
# is rare for the ledger's filters, and the list says "About" anyway).
SURELY_MORE = 10
SUMMARY_FILTERS = frozenset({"area", "sector"})
# Parameters that choose how a list is shown, not which projects it holds.
NOT_FILTERS = frozenset({"ordering"})

# reporting registers "summary": (user, queryset, area, sector) -> (count, value) | None, None when its
# cells cannot answer for this reader now (stale, or a scope other than whole area subtrees).
SOURCES: dict[str, Callable] = {}


@dataclass(frozen=True)
class Totals:
    count: int
    value: Decimal | None  # None: not added up (an estimate)
    source: str  # "summary", "exact" or "estimate"

    @property
    def estimated(self) -> bool:
        return self.source == "estimate"

    @property
    def at_least(self) -> bool:
        """An estimate with no planner figure: only known to be more than EXACT_LIMIT."""
        return self.estimated and self.count <= EXACT_LIMIT + 1

    @property
    def count_shown(self) -> str:
        """An estimate as people read one: two significant digits, thousands grouped (41,000)."""
        digits = max(len(str(self.count)) - 2, 0)
        return f"{round(self.count, -digits):,}"

    @property
    def limit_shown(self) -> str:
        return f"{EXACT_LIMIT:,}"


def active_filters(filterset) -> dict | None:
    """The filters that narrow the list, with their values; None when some could not be read."""
    if not filterset.is_bound:
        return {}
    if not filterset.is_valid():
        return None
    return {
        name: value
        for name, value in filterset.form.cleaned_data.items()
        if name not in NOT_FILTERS and value not in (None, "", [], ())
    }


def rows_of(queryset):
    """The queryset as plain rows of projects: a scope that joins to-many relations makes it DISTINCT,
    and then counts and sums must go through the ids."""
    from investledger.ledger.projects.models import Project

    if queryset.query.distinct:
        return Project.objects.filter(pk__in=queryset.values("pk"))
    return queryset


def planner_estimate(queryset) -> int | None:
    """The database's estimate of the queryset's rows (PostgreSQL's planner), None where there is none."""
    if connection.vendor != "postgresql":
        return None
    text = rows_of(queryset).order_by().explain(format="json")
    if not text:  # a queryset known to be empty (`pk__in=[]`, `none()`) sends no statement to explain
        return 0
    plan = json.loads(text)
    return int(plan[0]["Plan"]["Plan Rows"])


def list_totals(user, queryset, filterset) -> Totals:
    """The list's count and contract investment from the cheapest true source (see the module's doc)."""
    filters = active_filters(filterset)
    summary = SOURCES.get("summary")
    if summary is not None and filters is not None and set(filters) <= SUMMARY_FILTERS:
        found = summary(user, queryset, filters.get("area"), filters.get("sector"))
        if found is not None:
            return Totals(found[0], found[1], "summary")
    # The planner's estimate first (no rows read): far above the limit, counting up to it is wasted work.
    # A word the search's index calls common (生物: one project in six) is trusted from the limit on:
    # counting a district's first 10,000 matches of it reads hundreds of thousands of rows (search.py).
    estimate = planner_estimate(queryset)
    trusted_from = EXACT_LIMIT + 1 if getattr(filterset, "common_text", False) else SURELY_MORE * EXACT_LIMIT
    if estimate is not None and estimate >= trusted_from:
        return Totals(estimate, None, "estimate")
    rows = rows_of(queryset).order_by()
    capped = rows.values("pk", "contract_value_cny")[: EXACT_LIMIT + 1]
    found = capped.aggregate(count=Count("pk"), value=Sum("contract_value_cny"))
    if found["count"] <= EXACT_LIMIT:
        return Totals(found["count"], found["value"] or Decimal("0"), "exact")
    return Totals(max(estimate or 0, EXACT_LIMIT + 1), None, "estimate")
