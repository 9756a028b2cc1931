"""Likely duplicates: the one rule the project form, the ceremony grid, the API and the imports use.

A project described by its name, investor, host area and amount is probably one already in the
ledger when, in the same host area:
- it has the same investor and a similar name (token-set ratio of the normalised names of at least
  `NAME_SIMILARITY`) or an amount within `AMOUNT_TOLERANCE` of the other's; or
- it has another investor (or one not yet in the ledger) and nearly the same name (at least
  `NEAR_NAME`): investors are often entered under different names.

Candidates are ranked by name similarity, 20 points more for a similar amount, then by age. The rule
is asked of `AreaProjects`, the projects of one area loaded once: a form asks it once, an import
asks it for every new row with one load per area, and both get the same answer whatever the size of
the file or of the area.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from investledger.ledger.projects.models import Project

NAME_SIMILARITY = 80  # percent, token-set ratio on normalised names, same investor and area
NEAR_NAME = 90  # percent, the same for another investor in the same area
AMOUNT_TOLERANCE = Decimal("0.05")  # 5 %
AMOUNT_BONUS = 20  # ranking points of a similar amount


@dataclass(frozen=True)
class Known:
    """A project of the area as the rule sees it."""

    pk: int
    reference: str
    name: str
    investor_id: int
    contract_value_cny: Decimal
    first_event_id: int | None


@dataclass
class Match:
    known: Known
    reasons: list[str]
    score: float


def close_amounts(a: Decimal | None, b: Decimal | None) -> bool:
    """Two amounts within the tolerance of the larger (neither missing nor zero)."""
    return bool(a and b and abs(a - b) <= AMOUNT_TOLERANCE * max(a, b))


class AreaProjects:
    """The projects hosted by one area (all of them, whoever may see them), indexed for the rule."""

    def __init__(self, area_id: int | None, *, exclude_pk: int | None = None):
        rows = Project.objects.none() if area_id is None else Project.objects.filter(host_area_id=area_id)
        if exclude_pk:
            rows = rows.exclude(pk=exclude_pk)
        self.projects = [
            Known(*values)
            for values in rows.order_by("pk").values_list(
                "pk", "reference", "name", "investor_id", "contract_value_cny", "first_event_id"
            )
        ]
        self.by_investor: dict[int, list[Known]] = defaultdict(list)
        for known in self.projects:
            self.by_investor[known.investor_id].append(known)
        self.names = [known.name for known in self.projects]

    def __bool__(self) -> bool:
        return bool(self.projects)

    def matches(
        self, name: str, investor_id: int | None, contract_value_cny: Decimal | None, *, limit: int = 5
    ) -> list[Match]:
        """The likely duplicates of a project so described, best first (at most `limit`)."""
        if not name or not self.projects:
            return []
        found: dict[int, Match] = {}
        for known in self.by_investor.get(investor_id, ()) if investor_id is not None else ():
            similarity = fuzz.token_set_ratio(name, known.name, processor=default_process)
            close = close_amounts(known.contract_value_cny, contract_value_cny)
            reasons = []
            if similarity >= NAME_SIMILARITY:
                reasons.append(_("same investor and area, similar name"))
            if close:
                reasons.append(_("same investor and area, similar amount"))
            if reasons:
                found[known.pk] = Match(known, reasons, similarity + (AMOUNT_BONUS if close else 0))
        # Every name of the area at or above NEAR_NAME (rapidfuzz compares them all, in C++).
        for _name, similarity, index in process.extract(
            name, self.names, scorer=fuzz.token_set_ratio, processor=default_process, score_cutoff=NEAR_NAME, limit=None
        ):
            known = self.projects[index]
            if known.investor_id == investor_id:
                continue  # judged above, by the rule of the same investor
            close = close_amounts(known.contract_value_cny, contract_value_cny)
            found[known.pk] = Match(
                known, [_("same area, nearly the same name")], similarity + (AMOUNT_BONUS if close else 0)
            )
        ranked = sorted(found.values(), key=lambda match: (-match.score, match.known.pk))
        return ranked[:limit]
