"""The dashboard's content: key figures, charts and their equivalent tables, for one reader and cohort.

Built here (not in the view) so the benchmark and the tests measure and read exactly what the page
shows. Each chart is a plain dict handed to the page with `json_script`; reporting/static/reporting/
dashboard.js draws it with ECharts and opens the ledger filtered to the element clicked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from investledger.core import audit, caching
from investledger.core.money import YI
from investledger.core.templatetags.ledger import money, percent
from investledger.reporting import metrics, selectors, summary
from investledger.reporting.cohort import Cohort

KPI_KEYS = [
    "signed_count",
    "signed_value",
    "outside_money",
    "fulfilment_rate",
    "landing_rate",
    "start_rate_signed",
    "start_rate_due",
    "production_rate",
    "funds_in_place_rate",
    "large_share_count",
    "large_share_value",
    "emerging_share_value",
    "emerging_share_count",
    "issue_resolution_rate",
    "overdue_issues",
    # The pipeline before signing (leads.selectors.lead_figures), on the same cohort and day.
    "leads_open",
    "lead_response_rate",
    "lead_conversion_rate",
    "lead_days_to_signing",
    "negotiating_value",
    "referrer_credit",
]


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar | line | funnel | stacked | pair
    categories: list[str]
    series: list[dict]
    links: list[str]
    columns: list[str]  # table header
    rows: list[list]  # table body: first cell label, then values already formatted for reading
    cohort: str
    as_of: dt.date
    available: bool = True
    note: str = ""
    unit: str = ""

    @property
    def linked_rows(self) -> list[tuple[str | None, list]]:
        links = self.links if len(self.links) == len(self.rows) else [None] * len(self.rows)
        return list(zip(links, self.rows, strict=True))

    def spec(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "categories": self.categories,
            "series": self.series,
            "links": self.links,
            "unit": self.unit,
        }


@dataclass
class Dashboard:
    root: object
    cohort: Cohort
    as_of: dt.date
    kpis: dict[str, metrics.Result]
    charts: list[Chart] = field(default_factory=list)
    ranking: list = field(default_factory=list)
    children: list = field(default_factory=list)
    source: str = "live"  # where the figures came from: "live" (the ledger) or "summary" (current cells)

    @property
    def specs(self) -> list[dict]:
        return [c.spec() for c in self.charts if c.available]


def _yi(value: Decimal) -> float:
    return float((Decimal(value) / YI).quantize(Decimal("0.01")))


def _money(value) -> str:
    return money(value)


def _pct(value) -> str:
    return percent(value)


def resolve_root(user, cohort: Cohort):
    """The area the dashboard looks at: the one asked for (within scope, else 404) or the reader's scope."""
    if cohort.area is not None:
        if not selectors.areas_in_scope(user).filter(pk=cohort.area.pk).exists():
            raise Http404
        return cohort.area, [cohort.area]
    roots = selectors.scope_roots(user)
    return (roots[0] if len(roots) == 1 else None), roots


def build(user, cohort: Cohort, as_of: dt.date) -> Dashboard:
    seconds = settings.INVESTLEDGER_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return _build(user, cohort, as_of)
    key = _cache_key(user, cohort, as_of)  # names the language: the texts are kept translated
    stored = cache.get(key)
    if stored is not None:
        return caching.thaw(stored)
    found = _build(user, cohort, as_of)
    cache.set(key, caching.freeze(found), seconds)
    return found


def _cache_key(user, cohort: Cohort, as_of: dt.date) -> str:
    """Keyed on the audit chain's tail: any recorded change to the ledger makes a new key."""
    head = audit.chain_tail_id()
    raw = f"{user.pk}|{sorted(cohort.ledger_params().items())}|{as_of}|{get_language()}|{head}"
    return "reporting:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def _build(user, cohort: Cohort, as_of: dt.date) -> Dashboard:

    root, roots = resolve_root(user, cohort)
    cohort_text = cohort.describe()
    figures = summary.figures_for(user, cohort, as_of)
    parts = figures.totals()
    kpis = metrics.compute_all(user, cohort, as_of, keys=KPI_KEYS, values=parts, figures=figures)
    board = Dashboard(root, cohort, as_of, kpis)
    board.source = figures.source

    totals = selectors.rollup(user, cohort, as_of, figures=figures)
    children = selectors.child_areas(root, user) if root is not None else roots
    board.children = children
    # The by-area charts: each child area, and the root itself for the projects it hosts directly.
    slices = selectors.area_slices(root, children, totals)

    sector_rows = selectors.by_sector(user, cohort, as_of, figures=figures)
    board.charts.append(_value_chart("by-sector", _("Signed value by sector"), sector_rows, cohort_text, as_of))
    area_rows = selectors.by_area(totals, slices, cohort)
    board.charts.append(_value_chart("by-area", _("Signed value by area"), area_rows, cohort_text, as_of))
    event_rows = selectors.by_event(user, cohort, as_of, figures=figures)
    board.charts.append(
        _value_chart("by-event", _("Signed value by signing event (first signing)"), event_rows, cohort_text, as_of)
    )
    month_rows = selectors.by_month(user, cohort, as_of, figures=figures)
    board.charts.append(
        _value_chart("by-month", _("Signed value by month"), month_rows, cohort_text, as_of, kind="line")
    )

    funnel_rows = selectors.funnel(cohort, parts)
    total = parts["projects"]
    board.charts.append(
        Chart(
            "funnel",
            _("Stage funnel (each stage or later)"),
            "funnel",
            [r.label for r in funnel_rows],
            [{"name": _("Projects"), "data": [r.count for r in funnel_rows]}],
            [r.link for r in funnel_rows],
            [_("Stage"), _("Projects"), _("Share of signed")],
            [[r.label, r.count, _pct(metrics.ratio(r.count, total))] for r in funnel_rows],
            cohort_text,
            as_of,
        )
    )

    lights = selectors.lights_for_areas(user, cohort, as_of, slices, figures=figures)
    names = [piece.label for piece in slices]
    links = [piece.link(cohort) for piece in slices]
    if lights is None:
        board.charts.append(_missing("lights", _("Lights by area"), cohort_text, as_of, _("supervision lights")))
    else:
        colours = [("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green")), ("none", _("Not assessed"))]
        board.charts.append(
            Chart(
                "lights",
                _("Lights by area"),
                "stacked",
                names,
                [{"name": label, "key": key, "data": [counts[key] for _a, counts in lights]} for key, label in colours],
                links,
                [_("Area")] + [label for _k, label in colours],
                [[area.label] + [counts[k] for k, _l in colours] for area, counts in lights],
                cohort_text,
                as_of,
            )
        )

    funds = selectors.funds_for_areas(user, cohort, as_of, slices, totals, figures=figures)
    if funds is None:
        board.charts.append(
            _missing("funds", _("Funds in place against contract value"), cohort_text, as_of, _("progress reports"))
        )
    else:
        board.charts.append(
            Chart(
                "funds",
                _("Funds in place against contract value"),
                "pair",
                names,
                [
                    {"name": _("Contract value"), "data": [_yi(v) for _a, _f, v in funds]},
                    {"name": _("Funds in place"), "data": [_yi(f) for _a, f, _v in funds]},
                ],
                links,
                [_("Area"), _("Contract value"), _("Funds in place"), _("Funds-in-place rate")],
                [[a.label, _money(v), _money(f), _pct(metrics.ratio(f, v))] for a, f, v in funds],
                cohort_text,
                as_of,
                unit="yi",
            )
        )

    board.ranking = selectors.ranking(user, cohort, as_of, children, totals, funds=funds, figures=figures)
    board.charts.append(
        Chart(
            "ranking",
            _("Area ranking (score 0–100)"),
            "bar",
            [line.area.label for line in board.ranking],
            [{"name": _("Score"), "data": [float(line.score) for line in board.ranking]}],
            [line.link for line in board.ranking],
            [_("Area"), _("Rank"), _("Score")],
            [[line.area.label, line.rank, line.score] for line in board.ranking],
            cohort_text,
            as_of,
        )
    )
    return board


def _value_chart(chart_id, title, rows, cohort_text, as_of, kind="bar") -> Chart:
    return Chart(
        chart_id,
        title,
        kind,
        [r.label for r in rows],
        [
            {"name": _("Signed value (100 million CNY)"), "data": [_yi(r.value) for r in rows]},
            {"name": _("Projects"), "data": [r.count for r in rows], "axis": 1},
        ],
        [r.link for r in rows],
        ["", _("Projects"), _("Signed value")],
        [[r.label, r.count, _money(r.value)] for r in rows],
        cohort_text,
        as_of,
        unit="yi",
    )


def _missing(chart_id, title, cohort_text, as_of, what) -> Chart:
    return Chart(
        chart_id,
        title,
        "bar",
        [],
        [],
        [],
        [],
        [],
        cohort_text,
        as_of,
        available=False,
        note=_("Not available yet: %(what)s are not recorded in this installation.") % {"what": what},
    )
