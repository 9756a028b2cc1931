"""The light rules: pure functions from what the ledger says on a day to a colour and its reasons.

`evaluate()` reads nothing from the database; services give it a project's milestones and reports
and the rule set's parameters, so the same inputs always give the same light (and tests can check
each rule on its own). Each rule that fires returns its code, colour and the values it saw; the
light is the worst colour fired, green when none fires. `explain()` turns them into sentences in
the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.ledger.projects.choices import Stage
from investledger.supervision import periods
from investledger.supervision.choices import LIGHT_ORDER, Light, MilestoneKind

MILESTONE_OVERDUE = "milestone_overdue"
MILESTONE_DUE = "milestone_due"
PROGRESS_BEHIND = "progress_behind"
REPORT_LATE = "report_late"

RULE_LABELS = {
    MILESTONE_OVERDUE: "Milestone overdue",
    MILESTONE_DUE: "Milestone due, no reason recorded",
    PROGRESS_BEHIND: "Progress behind time elapsed",
    REPORT_LATE: "Progress report late",
}


@dataclass
class MilestoneFacts:
    kind: str
    planned_date: dt.date
    met: bool
    delay_reason: str = ""


@dataclass
class ProjectFacts:
    """What the rules look at for one project on one day."""

    stage: str
    reporting_from: dt.date  # the day reporting starts (signing date, or creation)
    contract_value_cny: Decimal | None
    planned_start: dt.date | None
    planned_completion: dt.date | None
    milestones: list[MilestoneFacts] = field(default_factory=list)
    report_periods: set[dt.date] = field(default_factory=set)
    latest_investment_completed: Decimal | None = None
    latest_report_period: dt.date | None = None


@dataclass
class Outcome:
    light: str
    fired: list[dict]
    values: dict


def _fire(fired: list, rule: str, light: str, values: dict) -> None:
    fired.append({"rule": rule, "light": light, "values": values})


def late_periods(facts: ProjectFacts, params: dict, as_of: dt.date) -> tuple[int, list[dt.date]]:
    """How many reporting periods in a row, counting back from the newest one due, have no report."""
    length = params["report_period_months"]
    grace = params["report_grace_days"]
    start = periods.period_start(facts.reporting_from, length)
    due = []
    while periods.period_due(start, length, grace) < as_of:
        due.append(start)
        start = periods.add_months(start, length)
    missing = []
    for start in reversed(due):
        if start in facts.report_periods:
            break
        missing.append(start)
    return len(missing), missing


def evaluate(facts: ProjectFacts, params: dict, as_of: dt.date) -> Outcome:
    fired: list[dict] = []
    values: dict = {"as_of": as_of.isoformat(), "stage": facts.stage}

    # Milestones: three months overdue is red whatever the reason; due this month (or earlier)
    # without a recorded reason is yellow.
    red_months = params["red_overdue_months"]
    overdue, due = [], []
    for m in facts.milestones:
        if m.met:
            continue
        if as_of >= periods.add_months(m.planned_date, red_months):
            overdue.append(
                {"kind": m.kind, "planned": m.planned_date.isoformat(), "days_overdue": (as_of - m.planned_date).days}
            )
        elif m.planned_date <= periods.month_end(as_of) and not m.delay_reason.strip():
            due.append({"kind": m.kind, "planned": m.planned_date.isoformat()})
    values["open_milestones"] = sum(1 for m in facts.milestones if not m.met)
    if overdue:
        _fire(fired, MILESTONE_OVERDUE, Light.RED, {"milestones": overdue, "months": red_months})
    if due:
        _fire(fired, MILESTONE_DUE, Light.YELLOW, {"milestones": due})

    # Progress against time elapsed (序时进度), between planned start and planned completion.
    completed = next((m for m in facts.milestones if m.kind == MilestoneKind.COMPLETED), None)
    start, end = facts.planned_start, facts.planned_completion
    if (
        start
        and end
        and end > start
        and as_of > start
        and facts.contract_value_cny
        and not (completed and completed.met)
    ):
        elapsed = min(Decimal(1), Decimal((as_of - start).days) / Decimal((end - start).days))
        invested = facts.latest_investment_completed or Decimal(0)
        progress = min(Decimal(1), invested / facts.contract_value_cny)
        gap = (elapsed - progress) * 100
        progress_values = {
            "elapsed_percent": float(round(elapsed * 100, 1)),
            "progress_percent": float(round(progress * 100, 1)),
            "gap_points": float(round(gap, 1)),
            "planned_start": start.isoformat(),
            "planned_completion": end.isoformat(),
            "reported_period": facts.latest_report_period.isoformat() if facts.latest_report_period else None,
        }
        values["progress"] = progress_values
        if gap > params["red_progress_gap"]:
            _fire(fired, PROGRESS_BEHIND, Light.RED, progress_values)
        elif gap >= params["yellow_progress_gap"]:
            _fire(fired, PROGRESS_BEHIND, Light.YELLOW, progress_values)

    # Reports: none is due once the project reached its design output.
    if facts.stage != Stage.FULL_OUTPUT:
        count, missing = late_periods(facts, params, as_of)
        values["late_periods"] = count
        report_values = {"periods_late": count, "missing": [p.isoformat() for p in missing[:12]]}
        if count >= params["red_late_periods"]:
            _fire(fired, REPORT_LATE, Light.RED, report_values)
        elif count >= params["yellow_late_periods"]:
            _fire(fired, REPORT_LATE, Light.YELLOW, report_values)

    light = max((f["light"] for f in fired), key=lambda c: LIGHT_ORDER[c], default=Light.GREEN)
    fired.sort(key=lambda f: (-LIGHT_ORDER[f["light"]], f["rule"]))
    return Outcome(light=str(light), fired=fired, values=values)


def _milestone_names(items: list[dict]) -> str:
    return ", ".join(f"{MilestoneKind(i['kind']).label} ({i['planned']})" for i in items)


def explain_one(item: dict) -> str:
    """One fired rule in words, with the values it saw."""
    rule, v = item["rule"], item["values"]
    if rule == MILESTONE_OVERDUE:
        return ngettext(
            "Milestone more than %(months)s month overdue: %(names)s",
            "Milestone more than %(months)s months overdue: %(names)s",
            v["months"],
        ) % {"months": v["months"], "names": _milestone_names(v["milestones"])}
    if rule == MILESTONE_DUE:
        return _("Milestone due and not met, no reason recorded: %(names)s") % {
            "names": _milestone_names(v["milestones"])
        }
    if rule == PROGRESS_BEHIND:
        return _(
            "Investment completed is %(progress)s%% of the contract value against %(elapsed)s%% of the "
            "construction time elapsed: %(gap)s points behind"
        ) % {"progress": v["progress_percent"], "elapsed": v["elapsed_percent"], "gap": v["gap_points"]}
    if rule == REPORT_LATE:
        return ngettext(
            "Progress report %(count)s period late (%(periods)s)",
            "Progress reports %(count)s periods late (%(periods)s)",
            v["periods_late"],
        ) % {"count": v["periods_late"], "periods": ", ".join(p[:7] for p in v["missing"])}
    return rule


def explain(fired: list[dict]) -> list[str]:
    return [explain_one(item) for item in fired]


def assessment_note(light: str, version: int) -> str:
    """The note a light's change leaves in the history, in the active language: "Yellow (rule set v2)"."""
    return _("%(light)s (rule set v%(version)s)") % {"light": Light(light).label, "version": version}
