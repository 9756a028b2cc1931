"""Reads for supervision pages, API and reports. Every one starts from `visible_to(user)`."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from investledger.core import clock
from investledger.core.access import Action
from investledger.ledger.projects.choices import SideState, Stage
from investledger.ledger.projects.models import Project
from investledger.supervision import periods, rules
from investledger.supervision.choices import LIGHT_ORDER, Light
from investledger.supervision.models import LightAssessment, Milestone

# --- Overview --------------------------------------------------------------------------------------


def current_lights(user, *, area=None):
    """The current assessment of each visible project that has a light (the one `Project.light` shows)."""
    qs = (
        LightAssessment.objects.visible_to(user, Action.VIEW)
        .current()
        .select_related("project", "project__host_area", "project__sector", "rule_set")
    )
    if area is not None:
        qs = qs.filter(project__host_area__path__startswith=area.path)
    return qs


@dataclass
class Overview:
    counts: dict[str, int]
    not_assessed: int
    flagged: list[LightAssessment]


def overview(user, *, area=None) -> Overview:
    projects = Project.objects.visible_to(user, Action.VIEW).exclude(stage=Stage.NEGOTIATING)
    if area is not None:
        projects = projects.in_area(area)
    counts = {light: 0 for light in Light.values}
    for row in projects.exclude(light="").values("light").annotate(n=Count("id")).order_by():
        counts[row["light"]] = row["n"]
    not_assessed = projects.exclude(side_state=SideState.TERMINATED).filter(light="").count()
    flagged = sorted(
        current_lights(user, area=area).filter(light__in=[Light.RED, Light.YELLOW]),
        key=lambda a: (-LIGHT_ORDER[a.light], a.assessed_on, a.project_id),
    )
    for assessment in flagged:
        assessment.reasons = rules.explain(assessment.fired)
    return Overview(counts=counts, not_assessed=not_assessed, flagged=flagged)


# --- Forecast --------------------------------------------------------------------------------------

# Size bands of contract investment (CNY): under 100 million, to 1 billion, to 5 billion, above.
SIZE_BANDS = (Decimal("100000000"), Decimal("1000000000"), Decimal("5000000000"))
MIN_SAMPLES = 3


def size_band(value: Decimal | None) -> int:
    value = value or Decimal(0)
    return sum(1 for limit in SIZE_BANDS if value >= limit)


@dataclass
class Forecast:
    expected: dt.date | None
    basis: str  # in words: which comparable projects the median came from
    samples: int
    at_risk: bool  # expected after the planned date, while the planned date is still ahead


def _durations() -> dict[str, list[tuple[int, int, int]]]:
    """Days from signing to each milestone met, over the whole ledger: kind → [(sector, band, days)].

    Only medians of these leave this module, never a project, so the whole ledger is used whoever reads.
    """
    rows = (
        Milestone.objects.met()
        .filter(project__signed_on__isnull=False)
        .values_list("kind", "project__sector_id", "project__contract_value_cny", "project__signed_on", "actual_date")
    )
    found: dict[str, list] = defaultdict(list)
    for kind, sector_id, value, signed_on, actual in rows:
        days = (actual - signed_on).days
        if days >= 0:
            found[kind].append((sector_id, size_band(value), days))
    return found


def forecast_milestones(milestones, *, as_of: dt.date | None = None, durations=None) -> dict[int, Forecast]:
    """The expected date of each open milestone: signing + the median time comparable projects took.

    Comparable means same sector and size band; with fewer than three such projects it falls back
    to the same sector, then the same size band, then the whole ledger, and says so.
    """
    as_of = as_of or clock.today()
    durations = _durations() if durations is None else durations
    result = {}
    for m in milestones:
        project = m.project
        if m.is_met or not project.signed_on:
            continue
        pool = durations.get(m.kind, [])
        sector, band = project.sector_id, size_band(project.contract_value_cny)
        tiers = [
            (_("same sector and size"), [d for s, b, d in pool if s == sector and b == band]),
            (_("same sector"), [d for s, b, d in pool if s == sector]),
            (_("same size"), [d for s, b, d in pool if b == band]),
            (_("all projects"), [d for _s, _b, d in pool]),
        ]
        basis, days = next(((name, ds) for name, ds in tiers if len(ds) >= MIN_SAMPLES), (None, []))
        if basis is None:
            result[m.pk] = Forecast(None, _("not enough history"), len(pool), False)
            continue
        expected = max(project.signed_on + dt.timedelta(days=int(statistics.median(days))), as_of)
        at_risk = m.planned_date >= as_of and expected > m.planned_date
        result[m.pk] = Forecast(expected, basis, len(days), at_risk)
    return result


def projects_at_risk(user, *, area=None, as_of: dt.date | None = None, limit: int = 50):
    """Projects forecast to miss a planned date that has not passed yet: [(milestone, forecast)]."""
    as_of = as_of or clock.today()
    open_soon = (
        Milestone.objects.visible_to(user, Action.VIEW)
        .open()
        .filter(planned_date__gte=as_of, project__signed_on__isnull=False)
        .exclude(project__side_state=SideState.TERMINATED)
        .select_related("project", "project__host_area")
        .order_by("planned_date")
    )
    if area is not None:
        open_soon = open_soon.filter(project__host_area__path__startswith=area.path)
    open_soon = list(open_soon[:2000])
    forecasts = forecast_milestones(open_soon, as_of=as_of)
    found, seen = [], set()
    for m in open_soon:
        f = forecasts.get(m.pk)
        if f and f.at_risk and m.project_id not in seen:
            seen.add(m.project_id)
            found.append((m, f))
        if len(found) >= limit:
            break
    return found


# --- Reporting periods -----------------------------------------------------------------------------


def reportable_projects(user):
    """Projects the user files progress reports for: signed, not yet at design output, not terminated."""
    return (
        Project.objects.visible_to(user, Action.REPORT)
        .exclude(stage__in=[Stage.NEGOTIATING, Stage.FULL_OUTPUT])
        .exclude(side_state=SideState.TERMINATED)
    )


def default_report_period(length: int, today: dt.date | None = None) -> dt.date:
    """The period officers fill in now: the last one that has ended (a report covers a whole period)."""
    today = today or clock.today()
    return periods.add_months(periods.period_start(today, length), -length)
