"""Showing registry figures: amounts in 亿元 / RMB bn, rates as percentages, counts as numbers."""

from django import template
from django.utils.translation import gettext as _

from investledger.core.templatetags.ledger import money, percent
from investledger.reporting import metrics

register = template.Library()


@register.filter
def figure(result):
    if result is None or not result.available:
        return _("not available yet")
    if result.value is None:
        # An amount resting only on undisclosed amounts is undisclosed, as the ledger says it; never 0.
        return _("undisclosed") if result.extra.get("undisclosed") else "—"
    if result.metric.unit == metrics.CNY:
        return money(result.value)
    if result.metric.unit == metrics.RATIO:
        return percent(result.value)
    if result.metric.unit == metrics.DAYS:
        return _("%(days)s days") % {"days": result.value}
    return str(result.value)


@register.filter
def fraction(result):
    """ "3 / 5" (or amounts) for a rate; empty for a plain total."""
    if result is None or not result.available or result.metric.denominator_label is None:
        return ""

    def part(v):
        if v is None:
            return "—"
        return money(v) if not isinstance(v, int) else str(v)

    return f"{part(result.numerator)} / {part(result.denominator)}"


@register.filter
def metric_label(metric):
    return metrics.label(metric)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
