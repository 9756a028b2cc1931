"""Reads of the issue register for pages and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q

from investledger.core import clock
from investledger.escalation.choices import IssueStatus, Level
from investledger.escalation.models import Issue


@dataclass(frozen=True)
class ResolutionRate:
    """Issues closed within their deadline / issues whose resolve deadline fell on or before `as_of`."""

    as_of: dt.date
    due: int
    closed_in_time: int

    @property
    def rate(self) -> Decimal | None:
        if not self.due:
            return None
        return Decimal(self.closed_in_time) / Decimal(self.due)


def issue_resolution_rate(queryset, as_of: dt.date | None = None) -> ResolutionRate:
    """The issue resolution rate of a cohort (pass a queryset already scoped with `visible_to`).

    Reproducible for a past date: issues raised after `as_of` are left out, and an issue closed
    after `as_of` had not been closed on that day.
    """
    as_of = as_of or clock.today()
    due = queryset.filter(raised_on__lte=as_of, resolve_by__lte=as_of)
    figures = due.aggregate(
        due=Count("pk", distinct=True),
        in_time=Count(
            "pk",
            distinct=True,
            filter=Q(status=IssueStatus.CLOSED, closed_on__lte=F("resolve_by")) & Q(closed_on__lte=as_of),
        ),
    )
    return ResolutionRate(as_of=as_of, due=figures["due"] or 0, closed_in_time=figures["in_time"] or 0)


def issue_counts_by_level(queryset) -> list[dict]:
    """Open issues per escalation level (for the list's summary strip), every level listed."""
    rows = queryset.open().values("level").annotate(n=Count("pk", distinct=True))
    counts = {row["level"]: row["n"] for row in rows}
    return [{"level": level, "label": label, "count": counts.get(level, 0)} for level, label in Level.choices]


def issue_summary(queryset, as_of: dt.date | None = None) -> dict:
    as_of = as_of or clock.today()
    return {
        "open": queryset.open().count(),
        "overdue": queryset.overdue(as_of).count(),
        "by_level": issue_counts_by_level(queryset),
        "resolution": issue_resolution_rate(queryset, as_of),
    }


def issue_detail_queryset(user):
    return Issue.objects.visible_to(user).select_related(
        "project", "project__host_area", "responsible_unit", "raised_by", "closed_by"
    )
