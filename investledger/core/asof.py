"""The ledger as it stood at a past moment, rebuilt from the audit trail.

Every change to a project or a signing leaves an entry whose `snapshot` is the object's whole stored
state after the change (to-many relations as id lists). The state of an object at moment T is the
snapshot of its last entry at or before T, unless that entry is a deletion. Figures "as of" a date
are computed from those states, so a report can be reproduced as it went out on the day.

Whose view: the reader's *current* roles applied to the *past* state of each project. A project
moved from North to South last month appears, as of two months ago, to North's officers and not to
South's: each district sees what its ledger said then. The rule is not re-implemented here: the Q
object that `access.project_q()` builds for the reader is evaluated against the rebuilt state
(`state_matches`), so a change to the one access rule applies here too (an unknown lookup raises).

A date given as "as of 2023-05-01" means the end of that day in the server's time zone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from investledger.core import access
from investledger.core.models import AuditEntry


class AsOfError(ValueError):
    pass


def parse_as_of(value: str | None) -> dt.datetime | None:
    """`2023-05-01` → the end of that day (local time); an ISO datetime as given; empty → None."""
    if not value:
        return None
    value = value.strip()
    day = parse_date(value) if len(value) <= 10 else None
    if day is not None:
        moment = dt.datetime.combine(day, dt.time.max)
        return timezone.make_aware(moment)
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise AsOfError(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


# --- Rebuilding states ---------------------------------------------------------------------------


def latest_states(model, when: dt.datetime, object_ids=None) -> dict[str, dict]:
    """{object id: snapshot} of every object of `model` that existed at `when`."""
    ct = ContentType.objects.get_for_model(model)
    entries = AuditEntry.objects.filter(content_type=ct, timestamp__lte=when)
    if object_ids is not None:
        entries = entries.filter(object_id__in=[str(i) for i in object_ids])
    last_ids = entries.values("object_id").annotate(last=Max("id")).values("last")
    rows = AuditEntry.objects.filter(id__in=last_ids).values_list("object_id", "kind", "snapshot")
    return {oid: snap for oid, kind, snap in rows if kind != AuditEntry.Kind.DELETE and snap is not None}


def _read_only(*args, **kwargs):
    raise TypeError("an object rebuilt as of a past date cannot be saved")


def build(model, state: dict):
    """An unsaved, unsavable instance holding `state`; to-many id lists are in `asof_m2m`."""
    kwargs = {}
    for field in model._meta.concrete_fields:
        if field.attname in state:
            kwargs[field.attname] = field.to_python(state[field.attname])
    obj = model(**kwargs)
    obj.asof_m2m = {name: list(state.get(name) or []) for name in getattr(model, "audit_m2m", ())}
    obj.save = _read_only
    obj.delete = _read_only
    return obj


def _attach(objs, field_name: str) -> None:
    """Fill a foreign key's cache from one query, keeping a placeholder for records since deleted."""
    if not objs:
        return
    field = type(objs[0])._meta.get_field(field_name)
    related = field.related_model
    ids = {getattr(o, field.attname) for o in objs} - {None}
    found = related._base_manager.in_bulk(ids)
    for obj in objs:
        rid = getattr(obj, field.attname)
        if rid is None:
            continue
        target = found.get(rid)
        if target is None:
            target = related(pk=rid)
            if hasattr(target, "name"):
                target.name = f"#{rid}"
        field.set_cached_value(obj, target)


# --- The access rule applied to a past state ----------------------------------------------------


def _area_paths(ids) -> dict[int, str]:
    from investledger.reference.models import Area

    return dict(Area.objects.filter(pk__in=ids).values_list("pk", "path"))


def state_matches(q: Q, state: dict, paths: dict[Any, str]) -> bool:
    """Whether a project state (a snapshot) satisfies a Q built by `access.project_q(user, action)`."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(state_matches(child, state, paths))
            continue
        lookup, value = cast("tuple[str, Any]", child)  # a Q's leaves are (lookup, value) pairs
        if lookup == "host_area__path__startswith":
            results.append(paths.get(state.get("host_area_id"), "").startswith(value))
        elif lookup in ("lead_unit_id", "lead_unit"):
            results.append(state.get("lead_unit_id") == getattr(value, "pk", value))
        elif lookup in ("involved_units", "contacts"):
            results.append(getattr(value, "pk", value) in (state.get(lookup) or []))
        elif lookup == "pk__in":
            results.append(state.get("id") in list(value))
        else:
            raise ValueError(f"as-of access check does not know the lookup {lookup!r}")
    outcome = all(results) if q.connector == Q.AND else any(results)
    return not outcome if q.negated else outcome


def visible_states(user, states: dict[str, dict], action: str = access.Action.VIEW) -> dict[str, dict]:
    q = access.project_q(user, action)
    paths = _area_paths({s.get("host_area_id") for s in states.values()})
    return {oid: s for oid, s in states.items() if state_matches(q, s, paths)}


def user_may_see_state(user, project_state: dict) -> bool:
    return bool(visible_states(user, {"x": project_state}))


# --- Public helpers ------------------------------------------------------------------------------


def projects_as_of(user, when: dt.datetime) -> list:
    """The projects `user` may see as they stood at `when`, newest signing first."""
    from investledger.projects.models import Project

    states = visible_states(user, latest_states(Project, when))
    projects = [build(Project, s) for s in states.values()]
    for name in ("investor", "host_area", "sector", "first_event", "lead_unit"):
        _attach(projects, name)
    projects.sort(key=lambda p: (p.signed_on or dt.date.min, p.pk), reverse=True)
    return projects


def project_as_of(pk, when: dt.datetime):
    """The project with `pk` as it stood at `when`, or None if it did not exist then. No access check."""
    from investledger.projects.models import Project

    state = latest_states(Project, when, [pk]).get(str(pk))
    if state is None:
        return None
    project = build(Project, state)
    for name in ("investor", "host_area", "sector", "first_event", "lead_unit"):
        _attach([project], name)
    return project


def event_totals_as_of(event, user, when: dt.datetime):
    """`events.selectors.event_totals` as the ledger stood at `when` (the counting-once rule's results then)."""
    from investledger.events.selectors import LARGE, EventTotals, SectorLine
    from investledger.projects.models import Project, Signing
    from investledger.reference.models import Sector

    signings = [s for s in latest_states(Signing, when).values() if s.get("event_id") == event.pk]
    project_states = visible_states(user, latest_states(Project, when, {s["project_id"] for s in signings}))
    count = large = 0
    value = strategic = Decimal("0")
    lines: dict[int | None, list] = {}
    sectors = Sector.objects.in_bulk({p.get("sector_id") for p in project_states.values()})
    for signing in signings:
        project = project_states.get(str(signing["project_id"]))
        if project is None:
            continue
        counted_value = Decimal(signing.get("counted_value_cny") or "0")
        counted = bool(signing.get("counted_project"))
        sector_id = project.get("sector_id")
        line = lines.setdefault(sector_id, [0, Decimal("0")])
        value += counted_value
        line[1] += counted_value
        if counted:
            count += 1
            line[0] += 1
            if counted_value >= LARGE:
                large += 1
        sector = sectors.get(sector_id)
        if sector is not None and sector.strategic_emerging:
            strategic += counted_value
    by_sector = [
        SectorLine(sid, sectors.get(sid), c, v) for sid, (c, v) in sorted(lines.items(), key=lambda kv: -kv[1][1])
    ]
    return EventTotals(
        count=count, value_cny=value, large_count=large, strategic_value_cny=strategic, by_sector=by_sector
    )


def project_ids_as_of(user, when: dt.datetime) -> list[int]:
    """Ids of the projects the user may see as of `when` (for pages that list through the ORM)."""
    from investledger.projects.models import Project

    return [int(oid) for oid in visible_states(user, latest_states(Project, when))]


__all__ = [
    "AsOfError",
    "parse_as_of",
    "projects_as_of",
    "project_as_of",
    "event_totals_as_of",
    "project_ids_as_of",
    "state_matches",
]
