"""The figures of opportunity lists, defined once: every page, the API and the feed read them here.

- a list's totals: opportunities, categories, estimated investment in CNY (about, when any amount on it
  is approximate or not given), and the same by category (`list_totals`);
- the follow-up of what was listed (`follow_up`): opportunities published (on a published list), taken
  up (in talks or signed), signed, and the value signed from them (the contract investment of the
  projects they became).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from investledger.core.money import BILLION, YI
from investledger.core.templatetags.ledger import money
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory


@dataclass
class CategoryLine:
    category: OpportunityCategory
    count: int
    value_cny: Decimal


@dataclass
class Totals:
    count: int
    value_cny: Decimal
    approximate: bool  # an amount on the list is approximate or not given: the sum is "about"
    by_category: list[CategoryLine] = field(default_factory=list)

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
            "values": [float((line.value_cny / unit).quantize(Decimal("0.1"))) for line in self.by_category],
            "count_label": _("Opportunities"),
            "value_label": _("Estimated investment (%(unit)s)") % {"unit": unit_name},
        }


def list_totals(opportunities: QuerySet[Opportunity]) -> Totals:
    """The totals of the opportunities given (one list's, or any filtered set), by category."""
    return _totals(opportunities, None).get(None) or Totals(0, Decimal("0"), False)


def totals_by_list(opportunities: QuerySet[Opportunity]) -> dict[int, Totals]:
    """`list_totals` of each list among the opportunities given, in one query (the lists index)."""
    return _totals(opportunities, "list")


def _totals(opportunities: QuerySet[Opportunity], key: str | None) -> dict:
    rows = list(
        opportunities.order_by()
        .values(*([key] if key else []), "category")
        .annotate(
            count=Count("pk"),
            value=Sum("estimated_value_cny"),
            inexact=Count("pk", filter=Q(value_approximate=True) | Q(estimated_value_cny__isnull=True)),
        )
    )
    categories = OpportunityCategory.objects.in_bulk({row["category"] for row in rows})
    out: dict = {}
    for row in rows:
        totals = out.setdefault(row[key] if key else None, Totals(0, Decimal("0"), False))
        value = row["value"] or Decimal("0")
        totals.by_category.append(CategoryLine(categories[row["category"]], row["count"], value))
        totals.count += row["count"]
        totals.value_cny += value
        totals.approximate = totals.approximate or bool(row["inexact"])
    for totals in out.values():
        totals.by_category.sort(key=lambda line: (line.category.position, line.category.code))
    return out


@dataclass
class FollowUp:
    published: int
    taken_up: int
    signed: int
    signed_value_cny: Decimal


def follow_up(opportunities: QuerySet[Opportunity]) -> FollowUp:
    """What became of the opportunities given: published, taken up, signed, and the value signed."""
    figures = opportunities.order_by().aggregate(
        published=Count("pk", filter=Q(list__published=True)),
        taken_up=Count("pk", filter=Q(status__in=[Status.IN_TALKS, Status.SIGNED])),
        signed=Count("pk", filter=Q(status=Status.SIGNED)),
        signed_value=Sum("project__contract_value_cny", filter=Q(status=Status.SIGNED)),
    )
    return FollowUp(
        published=figures["published"],
        taken_up=figures["taken_up"],
        signed=figures["signed"],
        signed_value_cny=figures["signed_value"] or Decimal("0"),
    )
