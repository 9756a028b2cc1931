"""Past states rebuilt from the audit trail: the machinery under the ledger as of a date.

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

The figures built on these states live with what they describe: the ledger and a project as of a date
in `history/asof.py`, an event's totals as of a date in `events/selectors.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.apps import apps
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


def attach(objs, field_name: str) -> None:
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
    # The access rule reaches areas by their `path` (`host_area__path__startswith`); like `access.user_q`,
    # core names the model by its label and imports no app.
    area = apps.get_model("reference", "Area")
    return dict(area.objects.filter(pk__in=ids).values_list("pk", "path"))


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


__all__ = [
    "AsOfError",
    "parse_as_of",
    "latest_states",
    "build",
    "attach",
    "state_matches",
    "visible_states",
    "user_may_see_state",
]
