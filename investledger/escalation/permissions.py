"""Who may do what in the issue register, notices and inspections: the one definition.

The pages show exactly the actions `issue_actions` returns, the API checks the same function, and
the services refuse a step its user may not take (PermissionDenied), so a button, an endpoint and a
write never disagree. Every check is on an object the user can already see.

An issue climbs the ladder unit → district → city bureau → city leader. Whoever holds a level may
answer the issue there, and those below keep their say:
- the responsible unit responds and assesses at every level (it is the one that must act);
- from level "district", the district officers of the project's area respond and assess too;
- from level "city bureau", the bureau's administrators (who may act anywhere) do as well;
- at level "city leader" the leaders read and instruct; the bureau records what is done.
Closing (销号) is confirmed by the project's district, a supervisor or an administrator, at any level.
"""

from __future__ import annotations

from investledger.core import access
from investledger.core.access import Action, Role
from investledger.escalation.choices import IssueStatus, Level, NoticeStatus
from investledger.escalation.models import Issue, Notice
from investledger.ledger.projects.models import Project

RESPOND, ASSESS, CLOSE = "respond", "assess", "close"
STEPS = (RESPOND, ASSESS, CLOSE)

# The statuses each step starts from.
STEP_FROM = {
    RESPOND: frozenset({IssueStatus.OPEN}),
    ASSESS: frozenset({IssueStatus.OPEN, IssueStatus.RESPONDED}),
    CLOSE: frozenset({IssueStatus.OPEN, IssueStatus.RESPONDED, IssueStatus.ASSESSED}),
}


def _district_officer_of(user, issue: Issue) -> bool:
    path = issue.project.host_area.path
    return any(
        a.role == Role.DISTRICT_OFFICER and a.area_id is not None and path.startswith(a.area.path)
        for a in access.assignments(user)
    )


def _unit_of(user, issue: Issue) -> bool:
    return access.acts_for_unit(user, issue.responsible_unit_id)


def may_answer(user, issue: Issue) -> bool:
    """Whether the user answers the issue (responds, assesses) at the level it stands at now."""
    if access.can(user, Action.MANAGE):
        return True
    if _unit_of(user, issue):
        return True
    return issue.level >= Level.DISTRICT and _district_officer_of(user, issue)


def may_close(user, issue: Issue) -> bool:
    """Closing (销号) is confirmed by the district of the project, a supervisor or an administrator."""
    return any(
        Issue.objects.visible_to(user, action).filter(pk=issue.pk).exists()
        for action in (Action.CHANGE, Action.SUPERVISE)
    )


def may_take(user, issue: Issue, step: str) -> bool:
    """Whether the user may take `step` on the issue as far as who they are goes (status aside)."""
    if step == CLOSE:
        return may_close(user, issue)
    if step in (RESPOND, ASSESS):
        return may_answer(user, issue)
    raise ValueError(f"unknown step {step!r}")


def issue_actions(user, issue: Issue) -> tuple[str, ...]:
    """The steps the user may take on the issue now, in order: who they are and the issue's status."""
    return tuple(step for step in STEPS if issue.status in STEP_FROM[step] and may_take(user, issue, step))


# Who may change, supervise or report on a project raises issues on it: district officers,
# supervisors, administrators and the project's contacts.
RAISE_ACTIONS = (Action.CHANGE, Action.SUPERVISE, Action.REPORT)


def may_raise(user, project: Project) -> bool:
    return any(Project.objects.visible_to(user, action).filter(pk=project.pk).exists() for action in RAISE_ACTIONS)


def may_raise_somewhere(user) -> bool:
    """Whether the user raises issues on at least one project (to offer the button on lists)."""
    return any(access.can(user, action) for action in RAISE_ACTIONS)


def may_supervise(user) -> bool:
    return access.can(user, Action.SUPERVISE)


def may_acknowledge(user, notice: Notice) -> bool:
    return (
        notice.status == NoticeStatus.ISSUED
        and Notice.objects.visible_to(user, Action.RESPOND).filter(pk=notice.pk).exists()
    )


def may_inspect(user, project: Project) -> bool:
    return Project.objects.visible_to(user, Action.SUPERVISE).filter(pk=project.pk).exists()
