"""Writes that matter to supervision: plans, milestones met, evidence, reports, lights and the scan.

Each public function is one transaction that validates, saves and records its audit entry. Every
change to a project's milestones or reports recomputes its stage (from the milestones met) and its
light at once, so the overview never waits for the nightly scan.

The stage rule: a project's stage is that of the HIGHEST milestone met, whether or not every earlier
milestone was recorded (a factory in production has started construction, even if nobody entered
that date). Earlier milestones left open stay visible as gaps on the milestones page. A milestone
whose evidence is rejected no longer counts as met, so rejection can move the stage back.

One module per concern, each below the next in this list: `plans` (the rule set in force, milestone
plans, the stage from milestones met), `evidence`, `lights` (and `after_change`, the stage and light
recomputed after a change), `milestones`, `reports`, `inspection`, `scan`. Callers import from here.
"""

from investledger.core.versions import EditConflict
from investledger.supervision.services.evidence import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, evidence_check
from investledger.supervision.services.inspection import inspection_draw, inspection_record
from investledger.supervision.services.lights import (
    after_change,
    lifecycle_after_project_change,
    light_assess,
    project_facts,
    same_light,
)
from investledger.supervision.services.milestones import (
    milestone_record,
    milestone_replan,
    milestone_set_delay_reason,
    milestone_verify,
)
from investledger.supervision.services.plans import (
    DEFAULT_OFFSETS,
    current_rule_set,
    milestone_plan_create,
    needs_plan,
    plan_dates,
    rule_set_new_version,
    stage_from_milestones,
    stage_rank,
    stage_sync,
    template_for,
)
from investledger.supervision.services.reports import (
    FundsAboveInvestment,
    funds_excess,
    period_length,
    report_due,
    report_submit,
)
from investledger.supervision.services.scan import ScanResult, supervise

__all__ = [
    "DEFAULT_OFFSETS",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "EditConflict",
    "FundsAboveInvestment",
    "ScanResult",
    "after_change",
    "current_rule_set",
    "evidence_check",
    "funds_excess",
    "inspection_draw",
    "inspection_record",
    "lifecycle_after_project_change",
    "light_assess",
    "milestone_plan_create",
    "milestone_record",
    "milestone_replan",
    "milestone_set_delay_reason",
    "milestone_verify",
    "needs_plan",
    "period_length",
    "plan_dates",
    "project_facts",
    "report_due",
    "report_submit",
    "rule_set_new_version",
    "same_light",
    "stage_from_milestones",
    "stage_rank",
    "stage_sync",
    "supervise",
    "template_for",
]
