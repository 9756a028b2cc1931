"""Progress reports filed per period, and the funds-above-investment check that asks the reporter to confirm."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.core.money import WAN
from investledger.core.versions import EditConflict, check_version
from investledger.ledger.projects.models import Project
from investledger.supervision import periods
from investledger.supervision.models import ProgressReport
from investledger.supervision.services.lights import after_change
from investledger.supervision.services.plans import current_rule_set


class FundsAboveInvestment(ValidationError):
    """Funds in place exceed investment completed by more than the tolerance; the reporter must confirm."""


# --- Progress reports ----------------------------------------------------------------------------


def period_length() -> int:
    return current_rule_set().param("report_period_months")


def report_due(period) -> object:
    rs = current_rule_set()
    return periods.period_due(period, rs.param("report_period_months"), rs.param("report_grace_days"))


def _in_wan_and_cny(cny: Decimal) -> str:
    """An amount as progress is reported (in 万元, the unit of the report forms) and to the yuan."""
    return _("%(wan)s in 10k CNY, CNY %(cny)s") % {"wan": f"{cny / WAN:,.2f}", "cny": f"{cny:,.2f}"}


def funds_excess(funds, invested, tolerance_percent) -> bool:
    return funds > invested * (1 + Decimal(str(tolerance_percent)) / 100)


@transaction.atomic
def report_submit(
    *,
    project: Project,
    period,
    funds_in_place_cny: Decimal,
    investment_completed_cny: Decimal,
    jobs_created: int = 0,
    narrative: str = "",
    problems: str = "",
    confirm_funds_excess: bool = False,
    expected_version: int | None = None,
    by=None,
    audit_message: str = "",
) -> ProgressReport:
    """File (or correct) a project's progress report for a period.

    Funds in place above investment completed by more than the rule set's tolerance is refused with
    FundsAboveInvestment until the reporter confirms it (money can arrive before it is spent, but
    it is a classic sign of a typing error).
    """
    rs = current_rule_set()
    length = rs.param("report_period_months")
    period = periods.period_start(period, length)
    today = clock.today()
    if period > today:
        raise ValidationError({"period": _("A report cannot be filed for a period that has not started.")})
    existing = ProgressReport.objects.select_for_update().filter(project=project, period=period).first()
    if existing is not None:
        check_version(existing, expected_version)
    elif expected_version not in (None, 0):
        raise EditConflict(0)
    tolerance = rs.param("funds_tolerance_percent")
    if (
        funds_in_place_cny is not None
        and investment_completed_cny is not None
        and funds_excess(funds_in_place_cny, investment_completed_cny, tolerance)
        and not confirm_funds_excess
    ):
        raise FundsAboveInvestment(
            {
                "funds_in_place_cny": _(
                    "Funds in place (%(funds)s) exceed investment completed (%(invested)s) by more than "
                    "%(tolerance)s%%. Check the figures, or confirm they are right."
                )
                % {
                    "funds": _in_wan_and_cny(funds_in_place_cny),
                    "invested": _in_wan_and_cny(investment_completed_cny),
                    "tolerance": tolerance,
                }
            },
            code="funds_excess",
        )
    report = existing or ProgressReport(project=project, period=period)
    before = audit.snapshot(report) if existing else None
    report.funds_in_place_cny = funds_in_place_cny
    report.investment_completed_cny = investment_completed_cny
    report.jobs_created = jobs_created or 0
    report.narrative = narrative or ""
    report.problems = problems or ""
    report.funds_excess_confirmed = bool(
        confirm_funds_excess and funds_excess(funds_in_place_cny, investment_completed_cny, tolerance)
    )
    report.due_on = periods.period_due(period, length, rs.param("report_grace_days"))
    if existing is None:
        report.submitted_on = today
        report.submitted_by = by if getattr(by, "pk", None) else None
    elif not audit.diff(before, audit.snapshot(report)):
        return existing
    else:
        report.version += 1
    report.full_clean()
    report.save()
    message = _("late report") if existing is None and report.is_late else ""
    message = "; ".join(part for part in (audit_message, message) if part)
    audit.record(report, AuditEntry.Kind.UPDATE if existing else AuditEntry.Kind.CREATE, before=before, message=message)
    after_change(project)
    return report
