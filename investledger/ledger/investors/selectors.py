"""Reads of investors that compute: an investor's profile as the facts a reader sees, each with its source."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from investledger.core.templatetags.ledger import money
from investledger.ledger.investors.models import InvestorProfile
from investledger.reference.choices import CooperationMode


@dataclass(frozen=True)
class Fact:
    code: str
    label: str
    value: str
    source: dict | None


def ticket_text(profile: InvestorProfile) -> str:
    low, high = profile.ticket_min_cny, profile.ticket_max_cny
    if low is None and high is None:
        return ""
    if high is None:
        return _("from %(low)s") % {"low": money(low)}
    if low is None:
        return _("up to %(high)s") % {"high": money(high)}
    return _("%(low)s to %(high)s") % {"low": money(low), "high": money(high)}


def profile_facts(profile: InvestorProfile) -> list[Fact]:
    """The profile's facts in the order of the form, in the reader's language, with the source of each."""
    values = {
        InvestorProfile.Fact.SECTORS: ", ".join(s.label for s in profile.sectors.all()),
        InvestorProfile.Fact.TICKET: ticket_text(profile),
        InvestorProfile.Fact.REGIONS: ", ".join(a.label for a in profile.regions.all()),
        InvestorProfile.Fact.MODES: ", ".join(str(CooperationMode(m).label) for m in profile.modes),
        InvestorProfile.Fact.OWNERSHIP: profile.investor.get_ownership_display(),
        InvestorProfile.Fact.PLANS: profile.plans,
    }
    sources = profile.sources or {}
    return [Fact(code, str(label), values[code], sources.get(code)) for code, label in InvestorProfile.Fact.choices]
