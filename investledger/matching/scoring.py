"""The score of an opportunity for an investor, split into named reasons that add up to it exactly.

Pure functions over small frozen dataclasses: no database, no Django. `selectors.py` reads the ledger
into these inputs; pages and tests call `score()` alike.

Each reason has a fit from 0 to 1 and a weight (points, edited by the bureau: `models.MatchWeights`).
Its points are weight × fit rounded to a tenth, and the score is the sum of the points: the parts
shown beside a score always add up to it, whatever the weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from rapidfuzz import fuzz

SECTOR, SIZE, REGION, MODE, HISTORY, TEXT = "sector", "size", "region", "mode", "history", "text"
REASONS = (SECTOR, SIZE, REGION, MODE, HISTORY, TEXT)

ONE = Decimal(1)
ZERO = Decimal(0)
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")

# How close two sectors of the taxonomy are: the same sector, one inside the other (the same industry
# chain), or two parts of one chain (neighbours under the same top-level chain).
SECTOR_FIT = {"same": ONE, "chain": Decimal("0.6"), "neighbour": Decimal("0.3")}
# A preferred region that lies inside the opportunity's area is a near miss (the investor named a
# park of the district hosting it).
REGION_NEAR = Decimal("0.5")
# History: projects already in the city (up to 3 count) and in the opportunity's own area (up to 2).
HISTORY_CITY_SHARE, HISTORY_CITY_FULL = Decimal("0.4"), 3
HISTORY_AREA_SHARE, HISTORY_AREA_FULL = Decimal("0.6"), 2


@dataclass(frozen=True)
class Taxonomy:
    """The sector tree: each sector's parent (None for a top-level industry chain)."""

    parents: Mapping[int, int | None]

    def ancestors(self, sector: int) -> tuple[int, ...]:
        """The sector and the sectors above it, nearest first."""
        chain = [sector]
        seen = {sector}
        node = self.parents.get(sector)
        while node is not None and node not in seen:
            chain.append(node)
            seen.add(node)
            node = self.parents.get(node)
        return tuple(chain)

    def relation(self, a: int, b: int) -> str | None:
        if a == b:
            return "same"
        up_a, up_b = self.ancestors(a), self.ancestors(b)
        if a in up_b or b in up_a:
            return "chain"
        if up_a[-1] == up_b[-1]:
            return "neighbour"
        return None

    def lineage_of(self, sectors: frozenset[int]) -> frozenset[int]:
        """The sectors that fit `sectors` as the same sector or the same chain (above or below them)."""
        return frozenset(
            s for s in self.parents if any(self.relation(s, mine) in ("same", "chain") for mine in sectors)
        )


@dataclass(frozen=True)
class Opportunity:
    id: int
    sector_ids: frozenset[int]
    amount_cny: Decimal | None
    area_path: str
    mode: str
    text: str = ""


@dataclass(frozen=True)
class Profile:
    investor_id: int
    sector_ids: frozenset[int]
    ticket_min: Decimal | None
    ticket_max: Decimal | None
    region_paths: tuple[str, ...]
    modes: frozenset[str]
    text: str = ""


@dataclass(frozen=True)
class History:
    """The investor's projects in the city, and those in the opportunity's area (and areas under it)."""

    city_projects: int = 0
    city_value: Decimal = ZERO
    area_projects: int = 0
    area_value: Decimal = ZERO


@dataclass(frozen=True)
class Part:
    """One reason's share of a score: its fit (0 to 1), the points it adds, and why (`kind`, `facts`)."""

    reason: str
    fit: Decimal
    points: Decimal
    kind: str
    facts: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    opportunity_id: int
    investor_id: int
    score: Decimal
    parts: tuple[Part, ...]


def _fit(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def sector_fit(opportunity: Opportunity, profile: Profile, taxonomy: Taxonomy) -> tuple[Decimal, str, dict]:
    if not profile.sector_ids:
        return ZERO, "not_stated", {}
    best: tuple[Decimal, str, dict] = (ZERO, "none", {})
    for mine in sorted(opportunity.sector_ids):
        for theirs in sorted(profile.sector_ids):
            kind = taxonomy.relation(mine, theirs)
            if kind is not None and SECTOR_FIT[kind] > best[0]:
                best = (SECTOR_FIT[kind], kind, {"opportunity_sector": mine, "investor_sector": theirs})
    return best


def size_fit(opportunity: Opportunity, profile: Profile) -> tuple[Decimal, str, dict]:
    amount, low, high = opportunity.amount_cny, profile.ticket_min, profile.ticket_max
    facts = {"amount": amount, "low": low, "high": high}
    if amount is None or (low is None and high is None):
        return ZERO, "unknown", facts
    if low is not None and amount < low:
        return (_fit(amount / low) if low else ZERO), "below", facts
    if high is not None and amount > high:
        return _fit(high / amount), "above", facts
    return ONE, "inside", facts


def region_fit(opportunity: Opportunity, profile: Profile) -> tuple[Decimal, str, dict]:
    if not profile.region_paths:
        return ZERO, "not_stated", {}
    if any(opportunity.area_path.startswith(path) for path in profile.region_paths):
        return ONE, "inside", {}
    if any(path.startswith(opportunity.area_path) for path in profile.region_paths):
        return REGION_NEAR, "near", {}
    return ZERO, "elsewhere", {}


def mode_fit(opportunity: Opportunity, profile: Profile) -> tuple[Decimal, str, dict]:
    if not profile.modes:
        return ZERO, "not_stated", {}
    if opportunity.mode in profile.modes:
        return ONE, "preferred", {"mode": opportunity.mode}
    return ZERO, "other", {"mode": opportunity.mode}


def history_fit(history: History) -> tuple[Decimal, str, dict]:
    facts = {
        "city_projects": history.city_projects,
        "city_value": history.city_value,
        "area_projects": history.area_projects,
        "area_value": history.area_value,
    }
    if not history.city_projects:
        return ZERO, "none", facts
    city = Decimal(min(history.city_projects, HISTORY_CITY_FULL)) / HISTORY_CITY_FULL
    area = Decimal(min(history.area_projects, HISTORY_AREA_FULL)) / HISTORY_AREA_FULL
    fit = _fit(HISTORY_CITY_SHARE * city + HISTORY_AREA_SHARE * area)
    return fit, ("in_area" if history.area_projects else "in_city"), facts


def text_fit(opportunity: Opportunity, profile: Profile) -> tuple[Decimal, str, dict]:
    if not opportunity.text.strip() or not profile.text.strip():
        return ZERO, "no_text", {}
    ratio = fuzz.token_set_ratio(opportunity.text, profile.text)
    return _fit(Decimal(str(round(ratio))) / 100), "similar", {"ratio": round(ratio)}


def points(weight: Decimal, fit: Decimal) -> Decimal:
    return (weight * fit).quantize(TENTH, rounding=ROUND_HALF_UP)


def score(
    opportunity: Opportunity,
    profile: Profile,
    *,
    history: History,
    weights: Mapping[str, Decimal],
    taxonomy: Taxonomy,
) -> Match:
    """The match of `profile` for `opportunity`: its score and the part each reason adds to it."""
    fits = {
        SECTOR: sector_fit(opportunity, profile, taxonomy),
        SIZE: size_fit(opportunity, profile),
        REGION: region_fit(opportunity, profile),
        MODE: mode_fit(opportunity, profile),
        HISTORY: history_fit(history),
        TEXT: text_fit(opportunity, profile) if weights.get(TEXT) else (ZERO, "off", {}),
    }
    parts = tuple(
        Part(reason, fit, points(Decimal(weights.get(reason, ZERO)), fit), kind, facts)
        for reason, (fit, kind, facts) in fits.items()
    )
    return Match(opportunity.id, profile.investor_id, sum((p.points for p in parts), ZERO), parts)


def ranked(matches: list[Match], limit: int | None = None) -> list[Match]:
    """Highest score first; equal scores in the order of the investor, then the opportunity (stable pages)."""
    ordered = sorted(matches, key=lambda m: (-m.score, m.investor_id, m.opportunity_id))
    return ordered if limit is None else ordered[:limit]
