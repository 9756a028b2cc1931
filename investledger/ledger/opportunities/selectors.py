"""The figures of opportunity lists as pages show them; computed by the metric registry.

A list's totals (opportunities, categories, estimated investment, by category) and the follow-up of
what was listed (published, taken up, signed, value signed) are figures of the registry
(`reporting/metrics.py`, `reporting/opportunities.py`), which sits above the ledger: it registers the
functions computing them in `FIGURES` when the apps are ready, and the pages and the API of
opportunities call them through `list_totals`, `totals_by_list` and `follow_up` here, so that they
and the registry give one number each. This module keeps only how the figures read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from investledger.core.money import BILLION, YI
from investledger.core.templatetags.ledger import money
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory

# The registry's functions, registered by `reporting` (ReportingConfig.ready()): "list_totals" and
# "totals_by_list" of (opportunities), "follow_up" of (user, opportunities).
FIGURES: dict[str, Callable] = {}


@dataclass
class CategoryLine:
    category: OpportunityCategory
    count: int
    value_cny: Decimal | None  # None: no opportunity of the category has a published amount

    @property
    def value_text(self) -> str:
        return money(self.value_cny, 1) if self.value_cny is not None else _("undisclosed")


@dataclass
class Totals:
    count: int
    value_cny: Decimal
    approximate: bool  # an amount on the list is approximate or not given: the sum is "about"
    by_category: list[CategoryLine] = field(default_factory=list)
    known: int = 0  # opportunities with a published amount; none: the total is undisclosed, not 0

    @property
    def undisclosed(self) -> bool:
        return self.count > 0 and self.known == 0

    @property
    def categories(self) -> int:
        return len(self.by_category)

    @property
    def text(self) -> str:
        """“58 opportunities in 6 categories, about RMB 81.3 bn”, in the reader's language and unit."""
        opportunities = ngettext("%(count)d opportunity", "%(count)d opportunities", self.count) % {"count": self.count}
        categories = ngettext("%(count)d category", "%(count)d categories", self.categories) % {
            "count": self.categories
        }
        if self.undisclosed:
            return _("%(opportunities)s in %(categories)s, amount undisclosed") % {
                "opportunities": opportunities,
                "categories": categories,
            }
        amount = money(self.value_cny, 1)
        if self.approximate:
            return _("%(opportunities)s in %(categories)s, about %(amount)s") % {
                "opportunities": opportunities,
                "categories": categories,
                "amount": amount,
            }
        return _("%(opportunities)s in %(categories)s, %(amount)s") % {
            "opportunities": opportunities,
            "categories": categories,
            "amount": amount,
        }

    def chart(self) -> dict:
        """The by-category chart's data: names, counts and amounts in the reader's unit of money."""
        zh = (get_language() or "en").startswith("zh")
        unit, unit_name = (YI, "亿元") if zh else (BILLION, "RMB bn")
        return {
            "categories": [line.category.label for line in self.by_category],
            "counts": [line.count for line in self.by_category],
            "values": [
                float((line.value_cny / unit).quantize(Decimal("0.1"))) if line.value_cny is not None else None
                for line in self.by_category
            ],
            "count_label": _("Opportunities"),
            "value_label": _("Estimated investment (%(unit)s)") % {"unit": unit_name},
        }


def list_totals(opportunities: QuerySet[Opportunity]) -> Totals:
    """The totals of the opportunities given (one list's, or any filtered set), by category."""
    return FIGURES["list_totals"](opportunities)


def totals_by_list(opportunities: QuerySet[Opportunity]) -> dict[int, Totals]:
    """`list_totals` of each list among the opportunities given, in one query (the lists index)."""
    return FIGURES["totals_by_list"](opportunities)


@dataclass(frozen=True)
class Figure:
    """A registered figure as a page shows it: its key, name, value said in the reader's unit, and why
    it may be partial (amounts undisclosed)."""

    key: str
    name: str
    text: str
    note: str = ""


def follow_up(user, opportunities: QuerySet[Opportunity]) -> list[Figure]:
    """What became of the opportunities given, today: published, taken up, signed, value signed."""
    return FIGURES["follow_up"](user, opportunities)
