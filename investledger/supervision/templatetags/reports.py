"""Template filters of the progress report pages."""

from django import template
from django.utils.formats import number_format

from investledger.supervision.forms import WAN_PLACES, to_wan

register = template.Library()


@register.filter
def in_wan(cny) -> str:
    """A CNY amount in 万元 as the report forms show it (rounded to the decimals they keep): 1,300,000.07."""
    if cny is None or cny == "":
        return "—"
    return number_format(to_wan(cny), decimal_pos=WAN_PLACES, use_l10n=True, force_grouping=True)
