"""Helpers for the follow-up tests: issues raised on a given day, through the service."""

import datetime as dt

from investledger.core import clock
from investledger.core.audit import audit_context
from investledger.escalation import services
from investledger.escalation.choices import IssueCategory

# March 2026: the 6th is a Friday, the 7th and 8th a weekend.
THU = dt.date(2026, 3, 5)
FRI = dt.date(2026, 3, 6)
SAT = dt.date(2026, 3, 7)
SUN = dt.date(2026, 3, 8)
MON = dt.date(2026, 3, 9)
TUE = dt.date(2026, 3, 10)
WED = dt.date(2026, 3, 11)


def raise_issue(project, unit, *, on=FRI, by=None, category=IssueCategory.POWER, title="Power connection delayed"):
    with clock.frozen_at(on), audit_context(actor=by, source="test"):
        return services.issue_raise(
            project=project, fields={"title": title, "category": category, "responsible_unit": unit}, by=by
        )


def scan(day):
    with clock.frozen_at(day), audit_context(source="test"):
        return services.escalate_overdue(day)
