"""Read-only selectors behind the dashboards, reports and public page.

Every selector starts from the frame of cohort.py (the user's visible projects, as of a date) and
groups the metric parts of metrics.py, so a figure on a chart, in a table, in the API and in a report
is the same computation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from investledger.core import access
from investledger.core.money import quantize
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.choices import Stage, stages_from
from investledger.reference.models import Area, Sector
from investledger.reporting import metrics, sources, summary
from investledger.reporting.cohort import Cohort, frame
from investledger.reporting.models import RankingWeight

SUMMED = ("value", "outside", "large_value", "emerging_value")


@lru_cache(maxsize=1)
def _ledger_base() -> str:
    try:
        return reverse("projects:project_list")
    except NoReverseMatch:  # the ledger pages are served under /projects/ (config/urls.py)
        return "/projects/"


def ledger_url(cohort: Cohort | None = None, **extra) -> str:
    """The ledger page filtered to a cohort and to `extra` filters (ProjectFilterSet names)."""
    base = _ledger_base()
    params = dict(cohort.ledger_params()) if cohort else {}
    params.update({k: v for k, v in extra.items() if v is not None})
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


# --- Roll-up along the area tree -----------------------------------------------------------------


@dataclass
class AreaTotals:
    area: Area
    own: dict  # parts of projects hosted by this area itself
    subtree: dict  # parts of this area and all its sub-areas

    def figure(self, key: str, cohort_text: str, as_of: dt.date) -> metrics.Result:
        return metrics.result_from_parts(metrics.REGISTRY[key], self.subtree, cohort_text, as_of)


def _zero() -> dict:
    return metrics.clean_parts({})


def _add(into: dict, row: dict) -> None:
    for key, value in row.items():
        into[key] = into[key] + value


def rollup(user, cohort: Cohort, as_of: dt.date, base=None, figures=None) -> dict[int, AreaTotals]:
    """Figures of every area, own and with sub-areas: parks add up to their district, districts to the city.

    One grouped query (by host area), then each area's parts are added to every area on its path,
    so a project is credited once, to its host area, and counted in each area above it.
    """
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    own = {area_id: row["parts"] for area_id, row in figures.areas().items()}
    areas = _areas()
    totals = {pk: AreaTotals(a, own.get(pk, _zero()), _zero()) for pk, a in areas.items()}
    for area_id, values in own.items():
        for ancestor_id in _path_ids(areas[area_id]):
            if ancestor_id in totals:
                _add(totals[ancestor_id].subtree, values)
    return totals


def _areas() -> dict[int, Area]:
    return {a.pk: a for a in Area.objects.all()}


def _path_ids(area: Area) -> list[int]:
    return [int(x) for x in area.path.strip("/").split("/") if x]


# --- Scope: which areas a reader's dashboard starts from ---------------------------------------


def scope_roots(user) -> list[Area]:
    """The top areas of the reader's scope: the city for city-wide readers, else their assigned areas."""
    if access.is_city_wide(user):
        return list(Area.objects.filter(parent__isnull=True))
    assigned = [a.area for a in access.assignments(user) if a.area_id is not None]
    if not assigned:
        # Units and contacts see projects wherever they are: their dashboard starts from the city.
        return list(Area.objects.filter(parent__isnull=True))
    paths = sorted({a.path for a in assigned})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return [a for a in assigned if a.path in roots and a.path in roots]


def areas_in_scope(user):
    return Area.objects.filter(access.area_q(user)) if not access.is_city_wide(user) else Area.objects.all()


# --- Breakdowns for the dashboard ------------------------------------------------------------


@dataclass
class Row:
    label: str
    count: int
    value: Decimal
    link: str
    extra: dict = field(default_factory=dict)


def by_sector(user, cohort, as_of, base=None, figures=None) -> list[Row]:
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    rows = figures.by_sector()
    sectors = Sector.objects.in_bulk([r["sector_id"] for r in rows])
    return [
        Row(
            sectors[r["sector_id"]].label,
            int(r["projects"]),
            quantize(Decimal(r["value"] or 0)),
            ledger_url(cohort, sector=r["sector_id"]),
        )
        for r in rows
    ]


def by_event(user, cohort, as_of, base=None, limit: int = 15, figures=None) -> list[Row]:
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    rows = figures.by_event(limit)
    events = SigningEvent.objects.in_bulk([r["first_event_id"] for r in rows if r["first_event_id"]])
    out = []
    for r in rows:
        event = events.get(r["first_event_id"])
        out.append(
            Row(
                event.label if event else str(_no_event()),
                int(r["projects"]),
                quantize(Decimal(r["value"] or 0)),
                ledger_url(cohort, first_event=r["first_event_id"]) if event else ledger_url(cohort),
            )
        )
    return out


def _no_event():
    from django.utils.translation import gettext_lazy

    return gettext_lazy("no signing event")


def by_month(user, cohort, as_of, base=None, months: int = 24, figures=None) -> list[Row]:
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    rows = figures.by_month(months)
    out = []
    for r in sorted(rows, key=lambda r: r["month"]):
        month = r["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        start = max(month, cohort.signed_from) if cohort.signed_from else month
        end = min(last, cohort.signed_to) if cohort.signed_to else last
        link_cohort = Cohort(cohort.area, cohort.sector, cohort.event)
        out.append(
            Row(
                f"{month:%Y-%m}",
                int(r["projects"]),
                quantize(Decimal(r["value"] or 0)),
                ledger_url(link_cohort, signed_from=start.isoformat(), signed_to=end.isoformat()),
            )
        )
    return out


FUNNEL = [Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.COMPLETED, Stage.IN_PRODUCTION]
FUNNEL_PART = {
    Stage.SIGNED: "projects",
    Stage.REGISTERED: "registered",
    Stage.STARTED: "started",
    Stage.COMPLETED: "completed",
    Stage.IN_PRODUCTION: "in_production",
}


def funnel(cohort: Cohort, values: dict) -> list[Row]:
    """Signed → registered → started → completed → in production, each "this stage or later"."""
    return [
        Row(
            str(Stage(stage).label),
            values[FUNNEL_PART[stage]],
            Decimal("0"),
            ledger_url(cohort, stage=stages_from(stage)),
        )
        for stage in FUNNEL
    ]


def child_areas(root: Area, user) -> list[Area]:
    return list(areas_in_scope(user).filter(parent=root).order_by("path"))


@dataclass(frozen=True)
class AreaSlice:
    """One bar of a by-area chart: an area with the areas under it, or only the projects hosted by
    the area itself ("North District (itself)"), so that the bars add up to the headline figures."""

    area: Area
    itself: bool = False

    @property
    def pk(self) -> int:
        return self.area.pk

    @property
    def label(self) -> str:
        if self.itself:
            return _area_itself() % {"area": self.area.label}
        return self.area.label

    def parts(self, totals: dict[int, AreaTotals]) -> dict:
        return totals[self.area.pk].own if self.itself else totals[self.area.pk].subtree

    def holds(self, host: Area) -> bool:
        """Whether a project hosted by `host` is counted in this bar."""
        return host.pk == self.area.pk if self.itself else host.path.startswith(self.area.path)

    def link(self, cohort: Cohort) -> str:
        if self.itself:
            return ledger_url(cohort.with_area(self.area), host_area=self.area.pk)
        return ledger_url(cohort.with_area(self.area))


def _area_itself():
    from django.utils.translation import gettext

    return gettext("%(area)s (itself)")


def area_slices(root: Area | None, children: list[Area], totals: dict[int, AreaTotals]) -> list[AreaSlice]:
    """The bars of the by-area charts: the root area itself when it hosts projects, then each child."""
    slices = [AreaSlice(child) for child in children]
    if root is not None and totals[root.pk].own["projects"]:
        slices.insert(0, AreaSlice(root, itself=True))
    return slices


def by_area(totals: dict[int, AreaTotals], slices: list[AreaSlice], cohort: Cohort) -> list[Row]:
    return [
        Row(
            piece.label,
            piece.parts(totals)["projects"],
            piece.parts(totals)["value"],
            piece.link(cohort),
            extra={"area": piece.area, "parts": piece.parts(totals)},
        )
        for piece in slices
    ]


def _under(slices: list[AreaSlice], figures) -> list[tuple[AreaSlice, list[dict]]]:
    """Each bar with the host-area rows it counts."""
    areas = _areas()
    rows = figures.areas()
    return [(piece, [row for area_id, row in rows.items() if piece.holds(areas[area_id])]) for piece in slices]


def lights_for_areas(user, cohort, as_of, slices: list[AreaSlice], base=None, figures=None):
    """Lights per bar (see area_slices), or None when supervision has no lights yet."""
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    if not figures.has_lights:
        return None
    out = []
    for piece, rows in _under(slices, figures):
        counts = {"green": 0, "yellow": 0, "red": 0, "none": 0}
        for row in rows:
            for k, v in row["lights"].items():
                counts[k] += v
        out.append((piece, counts))
    return out


def funds_for_areas(user, cohort, as_of, slices: list[AreaSlice], totals, base=None, figures=None):
    """Funds in place against contract value per bar, or None before progress reports exist."""
    figures = figures or summary.figures_for(user, cohort, as_of, base)
    if not figures.has_funds:
        return None
    out = []
    for piece, rows in _under(slices, figures):
        funds = sum((row["funds"] for row in rows), Decimal("0"))
        out.append((piece, quantize(funds), piece.parts(totals)["value"]))
    return out


# --- District ranking --------------------------------------------------------------------------


@dataclass
class RankLine:
    area: Area
    score: Decimal
    components: list[tuple[str, Decimal | None, Decimal, Decimal]]  # (metric label, value, points, weight)
    link: str
    rank: int = 0


def ranking(
    user, cohort: Cohort, as_of: dt.date, children: list[Area], totals, base=None, funds=None, figures=None
) -> list[RankLine]:
    """Rank areas by the bureau's scoring formula (reporting.RankingWeight, edited in the admin).

    Each weighted metric gives points from 0 to 100: a rate gives its percentage, an amount or a count
    gives its share of the best area's, and a figure where less is better (overdue issues, days to
    signing) gives the best area's share of its own (none at all scores 100). The score is the weighted
    mean of the points. Figures the ledger's parts hold are read from `totals`; the others (issues,
    leads) are computed for each area's cohort by the registry, as /api/metrics/ would for that area.
    """

    weights = RankingWeight.formula()
    cohort_text = cohort.describe()
    keys = {key for key, _w in weights}
    projects = frame(user, cohort, as_of, base)
    if funds is None and "funds_in_place_rate" in keys:
        funds = funds_for_areas(user, cohort, as_of, [AreaSlice(c) for c in children], totals, base, figures=figures)
    funds = (
        {piece.pk: metrics.ratio(f, v) for piece, f, v in funds if not getattr(piece, "itself", False)}
        if funds is not None
        else {}
    )
    issues = sources.issue_resolution_by_area(projects, as_of, children) if "issue_resolution_rate" in keys else None
    issues = {pk: metrics.ratio(n, d) for pk, (n, d) in issues.items()} if issues is not None else {}
    raw: dict[int, dict[str, Decimal | None]] = {}
    for child in children:
        values = {}
        for key, _weight in weights:
            if key == "funds_in_place_rate":
                values[key] = funds.get(child.pk)
            elif key == "issue_resolution_rate":
                values[key] = issues.get(child.pk)
            elif metrics.REGISTRY[key].compute is not None:
                computed = metrics.REGISTRY[key].compute(user, cohort.with_area(child), as_of, base)
                values[key] = Decimal(computed.value) if computed.available and computed.value is not None else None
            else:
                values[key] = totals[child.pk].figure(key, cohort_text, as_of).value
        raw[child.pk] = values
    best = {}
    for key, _w in weights:
        known = [Decimal(raw[c.pk][key]) for c in children if raw[c.pk][key] is not None]
        low = metrics.REGISTRY[key].lower_is_better
        best[key] = (min(known) if low else max(known)) if known else Decimal("0")
    lines = []
    total_weight = sum((w for _k, w in weights), Decimal("0"))
    for child in children:
        components = []
        score = Decimal("0")
        for key, weight in weights:
            metric = metrics.REGISTRY[key]
            value = raw[child.pk][key]
            if value is None:
                points = Decimal("0")
            elif metric.lower_is_better:
                points = Decimal("100") if not value else Decimal(best[key]) / Decimal(value) * 100
            elif metric.unit == metrics.RATIO:
                points = value * 100
            else:
                points = (Decimal(value) / best[key] * 100) if best[key] else Decimal("0")
            score += points * weight
            components.append((metrics.label(metric), value, points.quantize(Decimal("0.1")), weight))
        score = (score / total_weight).quantize(Decimal("0.1")) if total_weight else Decimal("0")
        lines.append(RankLine(child, score, components, ledger_url(cohort.with_area(child))))
    lines.sort(key=lambda line: (-line.score, line.area.path))
    for index, line in enumerate(lines, start=1):
        line.rank = index
    return lines
