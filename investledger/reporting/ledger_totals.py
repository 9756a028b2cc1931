"""The ledger list's count and contract investment read from the dashboard's summary cells.

The cells add up the reader's signed projects per host area and sector (reporting.summary); a list
holds those and the projects not signed yet, which are few and counted live (cohort.outside_frame).
So the list and the dashboard give one figure for the same projects. Registered in
ledger.projects.totals.SOURCES by this app's AppConfig.ready().
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from investledger.core import clock
from investledger.ledger.projects.totals import rows_of
from investledger.reporting import summary
from investledger.reporting.cohort import Cohort, outside_frame


def from_summary(user, queryset, area=None, sector=None) -> tuple[int, Decimal] | None:
    """(count, contract investment) of `queryset` (the reader's visible projects filtered by `area` and
    `sector` and nothing else), or None when the cells cannot answer: a scope that is not whole area
    subtrees, or cells not current (then a rebuild is queued, as the dashboard does)."""
    scope = summary.cell_scope(user)
    if scope is None:
        return None
    today = clock.today()
    if not summary.is_fresh(today=today):
        summary.schedule_refresh()
        return None
    cells = summary.SummaryFigures(scope, Cohort(area=area, sector=sector), today).cells()
    signed = cells.aggregate(s_projects=Sum("projects"), s_value=Sum("value"))
    rest = outside_frame(rows_of(queryset).order_by(), today).aggregate(
        count=Count("pk"), value=Sum("contract_value_cny")
    )
    count = int(signed["s_projects"] or 0) + rest["count"]
    value = Decimal(signed["s_value"] or 0) + Decimal(rest["value"] or 0)
    return count, value
