"""Template helpers: money in the reader's units, query strings that keep filters, access checks."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from investledger.core import access
from investledger.core.money import BILLION, YI

register = template.Library()


@register.filter
def money(value, digits: int = 2):
    """An amount in CNY as readers expect it: "RMB 21.21 bn" in English, "212.1亿元" in Chinese."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if (get_language() or "en").startswith("zh"):
        return _("%(amount)s亿元") % {"amount": number_format(value / YI, decimal_pos=digits, use_l10n=True)}
    return _("RMB %(amount)s bn") % {"amount": number_format(value / BILLION, decimal_pos=digits, use_l10n=True)}


@register.filter
def project_value(project, digits: int = 2):
    """A project's amount in CNY, or "undisclosed" when no amount was made public (it is kept at 0)."""
    if getattr(project, "value_undisclosed", False):
        return _("undisclosed")
    return money(project.contract_value_cny, digits)


@register.filter
def percent(value, digits: int = 1):
    if value is None:
        return "—"
    return f"{number_format(Decimal(value) * 100, decimal_pos=digits)}%"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def user_can(context, action_name: str) -> bool:
    return access.can(context["request"].user, action_name)


@register.filter
def label(obj):
    """The name of a bilingual record in the active language."""
    if obj is None:
        return "—"
    return obj.label if hasattr(obj, "label") else str(obj)
