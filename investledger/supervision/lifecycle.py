"""A new project's milestone plan and first light, for projects written as plain rows (imports).

A project created through `projects.services.project_create` gets its plan and light from
`services.lifecycle_after_project_change`. An import writes thousands of projects in one statement,
so it asks `FirstPlans` for the same things as rows to write beside them, in the same transaction:
the same template (`services.template_for`), the same planned dates (`services.plan_dates`) and the
same rules (`rules.evaluate`) as the one-by-one path, computed without a query per project.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils.translation import gettext as _

from investledger.core import clock
from investledger.ledger.projects.choices import SideState, Stage
from investledger.supervision import rules
from investledger.supervision.choices import MILESTONE_ORDER
from investledger.supervision.services import current_rule_set, plan_dates, template_for


class FirstPlans:
    """Plans and first lights of new projects given as rows (column name → value)."""

    def __init__(self, as_of: dt.date | None = None):
        self.as_of = as_of or clock.today()
        self.rule_set = current_rule_set()
        self._templates: dict[tuple, object] = {}
        self.plan_message = _("milestone plan")
        self.version = self.rule_set.version

    def _template(self, project) -> object:
        key = (project.sector_id, project.agreement_type)
        if key not in self._templates:
            self._templates[key] = template_for(project)
        return self._templates[key]

    def rows(self, project: dict) -> tuple[list[dict], dict | None]:
        """The milestones (Milestone columns) and the first assessment (LightAssessment columns) of a
        new project, and its `light` and `light_on` set in `project`. Nothing for a project that is not
        supervised (under negotiation or terminated). Ids and `project_id` are the caller's."""
        shape = SimpleNamespace(**project)
        if project.get("stage", Stage.SIGNED) == Stage.NEGOTIATING or project.get("side_state") == SideState.TERMINATED:
            return [], None
        dates = plan_dates(shape, self._template(shape))
        milestones = [
            {"kind": kind, "planned_date": day, "position": MILESTONE_ORDER[kind]}
            for kind, day in sorted(dates.items(), key=lambda item: MILESTONE_ORDER[item[0]])
        ]
        facts = rules.ProjectFacts(
            stage=project.get("stage", Stage.SIGNED),
            reporting_from=project.get("signed_on") or self.as_of,
            contract_value_cny=project.get("contract_value_cny"),
            planned_start=dates.get("started") or project.get("planned_start"),
            planned_completion=dates.get("completed") or project.get("planned_completion"),
            milestones=[
                rules.MilestoneFacts(kind=m["kind"], planned_date=m["planned_date"], met=False) for m in milestones
            ],
        )
        outcome = rules.evaluate(facts, self.rule_set.parameters, self.as_of)
        assessment = {
            "assessed_on": self.as_of,
            "light": outcome.light,
            "rule_set_id": self.rule_set.pk,
            "fired": outcome.fired,
            "values": outcome.values,
            "is_current": True,
        }
        project["light"], project["light_on"] = outcome.light, self.as_of
        return milestones, assessment

    def message(self, light: str) -> str:
        return rules.assessment_note(light, self.version)
