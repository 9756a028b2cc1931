"""The ledger as it stood at a past moment: the projects a reader may see as they were then, and one
project as it was, rebuilt from the audit trail by `core.asof` (states, and the access rule applied
to them).
"""

from __future__ import annotations

import datetime as dt

from investledger.core.asof import attach, build, latest_states, visible_states
from investledger.ledger.projects.models import Project


def projects_as_of(user, when: dt.datetime) -> list:
    """The projects `user` may see as they stood at `when`, newest signing first."""
    states = visible_states(user, latest_states(Project, when))
    projects = [build(Project, s) for s in states.values()]
    for name in ("investor", "host_area", "sector", "first_event", "lead_unit"):
        attach(projects, name)
    projects.sort(key=lambda p: (p.signed_on or dt.date.min, p.pk), reverse=True)
    return projects


def project_as_of(pk, when: dt.datetime):
    """The project with `pk` as it stood at `when`, or None if it did not exist then. No access check."""
    state = latest_states(Project, when, [pk]).get(str(pk))
    if state is None:
        return None
    project = build(Project, state)
    for name in ("investor", "host_area", "sector", "first_event", "lead_unit"):
        attach([project], name)
    return project


def project_ids_as_of(user, when: dt.datetime) -> list[int]:
    """Ids of the projects the user may see as of `when` (for pages that list through the ORM)."""
    return [int(oid) for oid in visible_states(user, latest_states(Project, when))]
