"""The registry's opportunity figures as the opportunity pages show them (registered in
`opportunities.selectors.FIGURES` by `ReportingConfig.ready()`)."""

from __future__ import annotations

from investledger.core import clock
from investledger.ledger.opportunities.selectors import Figure
from investledger.reporting import metrics
from investledger.reporting.cohort import Cohort
from investledger.reporting.templatetags.reporting import figure

# The follow-up cards of the opportunity pages, in their order.
FOLLOW_UP = ("opportunities_published", "opportunities_taken_up", "opportunities_signed", "opportunity_signed_value")


def follow_up(user, opportunities) -> list[Figure]:
    """Published, taken up, signed and value signed, today, over the opportunities given (within `user`'s view)."""
    results = metrics.opportunity_figures(user, Cohort(), clock.today(), opportunities)
    return [Figure(key, str(results[key].metric.name), figure(results[key]), results[key].note) for key in FOLLOW_UP]
