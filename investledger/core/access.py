"""The one access rule.

Every page, API endpoint, export, report and background job asks this module which objects a user
may see or act on. The answer is an ORM filter (a Q object), so it narrows querysets in the database
and never loads what the user may not see. Objects outside a user's scope are simply not found
(HTTP 404), so ids cannot be probed.

Roles (see docs/security.md):
- administrator: everything, everywhere.
- supervisor: reads everything in scope, verifies evidence, supervises (notices, issues, inspections).
- district officer: creates and keeps current the projects of their areas and all sub-areas.
- responsible unit: reads the projects where its unit leads or must act, answers issues.
- project contact: reads their own projects and reports their progress and evidence.
- leader: reads everything in scope, changes nothing.

A role assignment may be limited to an area (and so its sub-areas). Administrators, supervisors and
leaders without an area see the whole city.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Bureau administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    RESPONSIBLE_UNIT = "responsible_unit", _("Responsible unit")
    PROJECT_CONTACT = "project_contact", _("Project contact")
    LEADER = "leader", _("Leader")


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Edit")
    CHANGE_STAGE = "change_stage", _("Change stage")
    REPORT = "report", _("Report progress")
    VERIFY = "verify", _("Verify evidence")
    SUPERVISE = "supervise", _("Supervise")
    RESPOND = "respond", _("Respond to issues")
    DELETE = "delete", _("Delete")
    MANAGE = "manage", _("Manage reference data and users")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Action.values),
    Role.SUPERVISOR: frozenset({Action.VIEW, Action.VERIFY, Action.SUPERVISE}),
    Role.DISTRICT_OFFICER: frozenset(
        {Action.VIEW, Action.CREATE, Action.CHANGE, Action.CHANGE_STAGE, Action.REPORT, Action.RESPOND}
    ),
    Role.RESPONSIBLE_UNIT: frozenset({Action.VIEW, Action.RESPOND}),
    Role.PROJECT_CONTACT: frozenset({Action.VIEW, Action.REPORT}),
    Role.LEADER: frozenset({Action.VIEW}),
}

# Roles whose assignment without an area means "the whole city".
CITY_WIDE_WITHOUT_AREA = {Role.ADMIN, Role.SUPERVISOR, Role.LEADER}

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def assignments(user):
    """The user's role assignments, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_investledger_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.select_related("area", "unit").all())
        user._investledger_assignments = cached
    return cached


def roles_of(user) -> set[str]:
    roles = {a.role for a in assignments(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ADMIN)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def can(user, action: str) -> bool:
    """Whether the user may do `action` on at least something (used to show or hide buttons)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(action in ROLE_ACTIONS[a.role] for a in assignments(user))


def is_city_wide(user, action: str = Action.VIEW) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        action in ROLE_ACTIONS[a.role] and a.role in CITY_WIDE_WITHOUT_AREA and a.area_id is None
        for a in assignments(user)
    )


def scope_description(user, action: str = Action.VIEW) -> str:
    """The projects `user` may `action`, said in the reader's words: the same assignments `project_q`
    turns into a filter, so the note on a page can never describe another scope than the one applied."""
    if (getattr(user, "is_superuser", False) and user.is_active) or is_city_wide(user, action):
        return str(_("all projects of the city"))
    parts: list[str] = []
    for a in assignments(user):
        if action not in ROLE_ACTIONS[a.role]:
            continue
        if a.area_id is not None:
            part = _("projects hosted in %(area)s") % {"area": a.area}
        elif a.role == Role.RESPONSIBLE_UNIT and a.unit_id is not None:
            part = _("projects your unit (%(unit)s) leads or must act on") % {"unit": a.unit}
        elif a.role == Role.PROJECT_CONTACT:
            part = str(_("your company's projects, those that name you as their contact"))
        else:
            continue
        if str(part) not in parts:
            parts.append(str(part))
    return "; ".join(parts) if parts else str(_("no project"))


def can_import(user) -> bool:
    """Whether the user may upload anything to import: signing lists need CREATE, progress sheets REPORT."""
    return can(user, Action.CREATE) or can(user, Action.REPORT)


def _prefixed(prefix: str, lookup: str) -> str:
    return f"{prefix}__{lookup}" if prefix else lookup


def project_q(user, action: str = Action.VIEW, prefix: str = "") -> Q:
    """Filter on projects (through `prefix`, e.g. "project") that `user` may `action`."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return EVERYTHING
    q = NOTHING
    for a in assignments(user):
        if action not in ROLE_ACTIONS[a.role]:
            continue
        if a.area_id is not None:
            q |= Q(**{_prefixed(prefix, "host_area__path__startswith"): a.area.path})
        elif a.role in CITY_WIDE_WITHOUT_AREA:
            return EVERYTHING
        if a.role == Role.RESPONSIBLE_UNIT and a.unit_id is not None:
            q |= Q(**{_prefixed(prefix, "lead_unit_id"): a.unit_id})
            q |= Q(**{_prefixed(prefix, "involved_units"): a.unit_id})
        if a.role == Role.PROJECT_CONTACT:
            q |= Q(**{_prefixed(prefix, "contacts"): user.pk})
    return q


def area_subtrees_q(user, action: str = Action.VIEW) -> Q | None:
    """The projects `user` may `action` as a filter on their host area alone (`host_area__path`), or None
    when the scope is not a union of area subtrees: `project_q` read for tables that keep only a project's
    host area (the dashboard's summary cells). City-wide roles see everything; an area assignment its
    area's subtree; a unit or contact assignment reaches projects by other links, which such tables do
    not hold.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    q = None
    for a in assignments(user):
        if action not in ROLE_ACTIONS[a.role]:
            continue
        if a.role == Role.PROJECT_CONTACT or (a.role == Role.RESPONSIBLE_UNIT and a.unit_id):
            return None
        if a.area_id is not None:
            here = Q(host_area__path__startswith=a.area.path)
            q = here if q is None else q | here
        elif a.role in CITY_WIDE_WITHOUT_AREA:
            return EVERYTHING
    return q


def area_q(user, action: str = Action.VIEW, prefix: str = "") -> Q:
    """Filter on areas (through `prefix`) that `user` may `action`: their assigned areas and sub-areas."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return EVERYTHING
    q = NOTHING
    for a in assignments(user):
        if action not in ROLE_ACTIONS[a.role]:
            continue
        if a.area_id is not None:
            q |= Q(**{_prefixed(prefix, "path__startswith"): a.area.path})
        elif a.role in CITY_WIDE_WITHOUT_AREA:
            return EVERYTHING
    return q


def user_q(user, action: str = Action.VIEW) -> Q:
    """Filter on users that `user` may see (name as a project's contact, for one).

    City-wide readers see everyone. Others see themselves, the users holding a role limited to one of
    their areas (or its sub-areas), the contacts of the projects they may see, and the project
    contacts not yet named on any project (whom a district names first).
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return EVERYTHING
    if is_city_wide(user, action):
        return EVERYTHING
    if not can(user, action):
        return NOTHING
    q = Q(pk=user.pk)
    for a in assignments(user):
        if action in ROLE_ACTIONS[a.role] and a.area_id is not None:
            q |= Q(role_assignments__area__path__startswith=a.area.path)
    project = apps.get_model("projects", "Project")
    visible_projects = project.objects.filter(project_q(user, action))
    q |= Q(pk__in=visible_projects.values("contacts"))
    q |= Q(role_assignments__role=Role.PROJECT_CONTACT) & ~Q(pk__in=project.contacts.through.objects.values("user_id"))
    return q


def investor_q(user, action: str = Action.VIEW, prefix: str = "") -> Q:
    """Filter on investors (through `prefix`, e.g. "investor" for an investor's profile) that `user` may `action`.

    Investors are seen through the projects a user may see (as their investor or a co-investor); the
    whole list by city-wide roles. Whoever may enter projects also sees the investors no project names
    yet, to choose from, and may create one. Changing an investor otherwise is for administrators, as
    for reference data.
    """
    if action == Action.CREATE:
        return EVERYTHING if can(user, Action.CREATE) else NOTHING
    if is_city_wide(user, action):
        return EVERYTHING
    if action != Action.VIEW:
        return EVERYTHING if can(user, Action.MANAGE) else NOTHING
    project = apps.get_model("projects", "Project")
    visible_projects = project.objects.filter(project_q(user, action))
    pk_in = _prefixed(prefix, "pk__in")
    # The co-investors are read from their link table (an outer join of every visible project to its
    # links, as `values("co_investors")` writes it, hashed all of them: 13 ms of a matching query).
    co_investing = project.co_investors.through.objects.filter(project_id__in=visible_projects.values("pk"))
    q = Q(**{pk_in: visible_projects.values("investor_id")}) | Q(**{pk_in: co_investing.values("investor_id")})
    if can(user, Action.CREATE):
        # Investors that no project names yet (one a district just added) are the pool a project
        # is entered from; an investor already on another district's projects stays hidden.
        q |= ~Q(**{pk_in: project.objects.values("investor_id")}) & ~Q(
            **{pk_in: project.co_investors.through.objects.values("investor_id")}
        )
    return q


# What each role may do with leads. A unit (a promotion department) works its own leads: it creates them,
# moves them and logs its contacts, which it may not do on projects; a leader and a supervisor read.
LEAD_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Action.values),
    Role.SUPERVISOR: frozenset({Action.VIEW}),
    Role.DISTRICT_OFFICER: frozenset({Action.VIEW, Action.CREATE, Action.CHANGE}),
    Role.RESPONSIBLE_UNIT: frozenset({Action.VIEW, Action.CREATE, Action.CHANGE}),
    Role.PROJECT_CONTACT: frozenset(),
    Role.LEADER: frozenset({Action.VIEW}),
}


def can_lead(user, action: str) -> bool:
    """Whether the user may do `action` on at least some lead (to show or hide buttons)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        action in LEAD_ACTIONS[a.role] and (a.area_id or a.unit_id or a.role in CITY_WIDE_WITHOUT_AREA)
        for a in assignments(user)
    )


def can_on(model, user, action: str) -> bool:
    """Whether the user may do `action` on at least some object of `model` (an API operation's first
    check, before the object's own scope): the leads' table for what reaches a lead (a unit works its
    own leads, which the role table does not say), the role table for everything else."""
    kind = getattr(model, "access_via", ("reference", None))[0] if model is not None else None
    if kind == "lead":
        return can_lead(user, action)
    return can(user, action)


def lead_q(user, action: str = Action.VIEW, prefix: str = "") -> Q:
    """Filter on leads (through `prefix`, e.g. "lead") that `user` may `action`.

    City-wide roles reach every lead; an area assignment the leads concerning its area or a sub-area,
    or owned by a unit of those areas; a unit assignment the leads its unit owns and those referred to
    it while the referral is open or once accepted. Subqueries, so a lead concerning two areas is one row.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return EVERYTHING
    lead = apps.get_model("leads", "Lead")
    referral = apps.get_model("leads", "Referral")
    key = _prefixed(prefix, "pk__in")
    q = NOTHING
    for a in assignments(user):
        if action not in LEAD_ACTIONS[a.role]:
            continue
        if a.area_id is not None:
            path = a.area.path
            q |= Q(**{key: lead.objects.filter(areas__path__startswith=path).values("pk")})
            q |= Q(**{key: lead.objects.filter(owning_unit__area__path__startswith=path).values("pk")})
        elif a.role in CITY_WIDE_WITHOUT_AREA:
            return EVERYTHING
        if a.unit_id is not None:
            q |= Q(**{_prefixed(prefix, "owning_unit_id"): a.unit_id})
            referred = referral.objects.filter(to_unit_id=a.unit_id).exclude(status="declined")
            q |= Q(**{key: referred.values("lead_id")})
    return q


def lead_unit_q(user, action: str = Action.CREATE) -> Q:
    """Filter on units that may own the leads `user` creates or receives: their own unit, the units of
    their areas, any unit for city-wide roles."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return EVERYTHING
    q = NOTHING
    for a in assignments(user):
        if action not in LEAD_ACTIONS[a.role]:
            continue
        if a.unit_id is not None:
            q |= Q(pk=a.unit_id)
        if a.area_id is not None:
            q |= Q(area__path__startswith=a.area.path)
        elif a.unit_id is None and a.role in CITY_WIDE_WITHOUT_AREA:
            return EVERYTHING
    return q


def area_or_unit_q(user, action: str = Action.VIEW, area_path: str = "", unit_path: str = "") -> Q:
    """Filter on records kept by an area and a unit (an opportunity list and what hangs from it): those in
    the user's areas (`area_q` through `area_path`), and, for a responsible unit, those its unit keeps
    (through `unit_path`), for the actions its role allows."""
    q = area_q(user, action, prefix=area_path)
    if q is EVERYTHING:
        return q
    units = [
        a.unit_id
        for a in assignments(user)
        if a.role == Role.RESPONSIBLE_UNIT and a.unit_id is not None and action in ROLE_ACTIONS[a.role]
    ]
    if units:
        q |= Q(**{f"{unit_path}__in": units})
    return q


def acts_for_unit(user, unit_id) -> bool:
    """Whether `user` holds the responsible-unit role for the unit `unit_id` (answers its issues)."""
    return unit_id is not None and any(
        a.role == Role.RESPONSIBLE_UNIT and a.unit_id == unit_id for a in assignments(user)
    )


def scope_q(model, user, action: str = Action.VIEW) -> Q:
    """The access filter for any model that declares how it reaches a project or an area.

    A model sets `access_via = ("project", "<path to project>")` or `("area", "<path to area>")`,
    `("investor", "<path to investor>")` for investors and what belongs to one (`investor_q`),
    `("lead", "<path to lead>")` for leads (`lead_q`), `("area_or_unit", ("<path to area>",
    "<path to unit>"))` for records an area and a unit keep (`area_or_unit_q`), or `("reference", None)`
    for reference data every signed-in user may read and only administrators may change.
    """
    kind, path = getattr(model, "access_via", ("reference", None))
    if kind == "area_or_unit":
        area_path, unit_path = model.access_via[1]
        return area_or_unit_q(user, action, area_path=area_path, unit_path=unit_path)
    if kind == "project":
        return project_q(user, action, prefix=path or "")
    if kind == "area":
        return area_q(user, action, prefix=path or "")
    if kind == "investor":
        return investor_q(user, action, prefix=path or "")
    if kind == "lead":
        return lead_q(user, action, prefix=path or "")
    if kind == "reference":
        if action == Action.VIEW:
            return EVERYTHING if assignments(user) or getattr(user, "is_superuser", False) else NOTHING
        return EVERYTHING if can(user, Action.MANAGE) else NOTHING
    raise ValueError(f"unknown access_via kind {kind!r} on {model.__name__}")
