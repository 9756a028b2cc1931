"""A match's reasons said in the reader's language: one sentence per part, from its kind and facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.core.templatetags.ledger import money
from investledger.matching import scoring
from investledger.matching.choices import Reason
from investledger.reference.choices import CooperationMode


@dataclass(frozen=True)
class Said:
    reason: str
    label: str
    points: object
    fit: object
    sentence: str


def _sector(part: scoring.Part, sectors: Mapping[int, str]) -> str:
    theirs = sectors.get(part.facts.get("investor_sector"), "")
    mine = sectors.get(part.facts.get("opportunity_sector"), "")
    return {
        "same": _("Same sector: %(mine)s.") % {"mine": mine},
        "chain": _("Same industry chain: the investor looks for %(theirs)s, the opportunity is in %(mine)s.")
        % {"theirs": theirs, "mine": mine},
        "neighbour": _("Neighbouring sector of the same chain: %(theirs)s beside %(mine)s.")
        % {"theirs": theirs, "mine": mine},
        "none": _("None of the investor's sectors is in this industry chain."),
        "not_stated": _("The investor's sectors of interest are not recorded."),
    }[part.kind]


def _size(part: scoring.Part) -> str:
    f = part.facts
    values = {"amount": money(f.get("amount")), "low": money(f.get("low")), "high": money(f.get("high"))}
    return {
        "inside": _("%(amount)s is within the investor's ticket range."),
        "below": _("%(amount)s is below the investor's smallest ticket, %(low)s."),
        "above": _("%(amount)s is above the investor's largest ticket, %(high)s."),
        "unknown": _("Not comparable: the amount or the ticket range is not known."),
    }[part.kind] % values


def _mode(part: scoring.Part) -> str:
    mode = part.facts.get("mode")
    label = CooperationMode(mode).label if mode in CooperationMode.values else (mode or "")
    return {
        "preferred": _("%(mode)s is one of the investor's preferred modes."),
        "other": _("%(mode)s is not among the investor's preferred modes."),
        "not_stated": _("The investor's preferred modes are not recorded."),
    }[part.kind] % {"mode": label}


def _history(part: scoring.Part) -> str:
    f = part.facts
    values = {
        "n": f["city_projects"],
        "value": money(f["city_value"]),
        "area_n": f["area_projects"],
        "area_value": money(f["area_value"]),
    }
    n = f["city_projects"]
    return {
        "none": _("No project of this investor in the city yet (within your view)."),
        "in_city": ngettext(
            "%(n)s project in the city (%(value)s), none in this area.",
            "%(n)s projects in the city (%(value)s), none in this area.",
            n,
        ),
        "in_area": ngettext(
            "%(n)s project in the city (%(value)s), %(area_n)s of them in this area (%(area_value)s).",
            "%(n)s projects in the city (%(value)s), %(area_n)s of them in this area (%(area_value)s).",
            n,
        ),
    }[part.kind] % values


def sentence(part: scoring.Part, sectors: Mapping[int, str]) -> str:
    if part.reason == scoring.SECTOR:
        return _sector(part, sectors)
    if part.reason == scoring.SIZE:
        return _size(part)
    if part.reason == scoring.REGION:
        return {
            "inside": _("The opportunity lies in one of the investor's preferred regions."),
            "near": _("One of the investor's preferred regions lies within this area."),
            "elsewhere": _("The opportunity lies outside the investor's preferred regions."),
            "not_stated": _("The investor's preferred regions are not recorded."),
        }[part.kind]
    if part.reason == scoring.MODE:
        return _mode(part)
    if part.reason == scoring.HISTORY:
        return _history(part)
    return {
        "similar": _("The descriptions are %(ratio)s%% alike.") % {"ratio": part.facts.get("ratio")},
        "no_text": _("No description to compare."),
        "off": _("Not weighed (its weight is 0)."),
    }[part.kind]


def explain(match: scoring.Match, sectors: Mapping[int, str]) -> list[Said]:
    """Each part of `match` with its label, points and the sentence saying why."""
    return [Said(p.reason, str(Reason(p.reason).label), p.points, p.fit, sentence(p, sectors)) for p in match.parts]
