"""Template filters of the import pages."""

from decimal import Decimal, InvalidOperation

from django import template

from investledger.core.money import WAN

register = template.Library()


@register.filter
def wan(value) -> str:
    """A CNY amount (as stored in a row's values) in 万元, as progress sheets give it: 1,200.00 万元."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value)) / WAN
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:,.2f} 万元"
