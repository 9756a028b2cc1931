"""A readable history of an object (a project with its signings) from the audit trail.

Each entry becomes who, when, through which door, and every changed field with its label
(`verbose_name`) and its values as a reader knows them: choice labels, names of related records,
amounts in 亿元 / RMB bn, dates in the reader's format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from investledger.core.access import Role
from investledger.core.audit import changes_of
from investledger.core.models import AuditEntry
from investledger.core.templatetags.ledger import money
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.models import Project, Signing
from investledger.reference.models import Area, Unit

HIDDEN_FIELDS = {"id", "version", "created", "updated", "password"}
EMPTY = "—"


@dataclass
class FieldChange:
    name: str
    label: str
    before: object
    after: object
    before_display: str
    after_display: str


@dataclass
class HistoryItem:
    id: int
    record: str  # app_label.model of the changed record
    object_id: str
    timestamp: dt.datetime
    actor_name: str
    source: str
    door: str
    kind: str
    kind_label: str
    subject: str
    message: str
    changes: list[FieldChange] = field(default_factory=list)


def door_of(source: str) -> str:
    """The door a change came through, in words: page, API, admin, a command, an import."""
    channel, _sep, rest = (source or "").partition(":")
    return {
        "web": _("page"),
        "api": _("API"),
        "admin": _("administration"),
        "command": _("command %(name)s") % {"name": rest},
        "import": _("import %(name)s") % {"name": rest},
        "job": _("background job %(name)s") % {"name": rest},
    }.get(channel, source or _("unknown"))


def project_entries(project_pk):
    """Entries of the project and of every signing it had (including signings since deleted)."""
    cts = ContentType.objects.get_for_models(Project, Signing)
    pk = int(project_pk)
    return AuditEntry.objects.filter(
        Q(content_type=cts[Project], object_id=str(pk))
        | Q(content_type=cts[Signing]) & (Q(snapshot__project_id=pk) | Q(changes__project_id__0=pk))
    ).select_related("content_type")


def object_entries(model, pk):
    ct = ContentType.objects.get_for_model(model)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(pk)).select_related("content_type")


def last_state(model, pk) -> dict | None:
    """The last recorded state of an object, also after it was deleted (the deletion's `before`)."""
    entry = object_entries(model, pk).order_by("-id").first()
    if entry is None:
        return None
    if entry.snapshot is not None:
        return entry.snapshot
    return {name: pair[0] for name, pair in entry.changes.items()}


# --- Display of values ---------------------------------------------------------------------------


def _field(model, name):
    for f in model._meta.get_fields():
        if getattr(f, "attname", None) == name or f.name == name:
            return f
    return None


class _Names:
    """Names of related records, looked up once per model for a whole history."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = {}
        self.found: dict[type[models.Model], dict] = {}

    def want(self, model, ids):
        self.wanted.setdefault(model, set()).update(i for i in ids if i is not None)

    def resolve(self):
        for model, ids in self.wanted.items():
            clean = set()
            for i in ids:
                try:
                    clean.add(int(i))
                except (TypeError, ValueError):
                    continue
            self.found[model] = model._base_manager.in_bulk(clean)

    def name(self, model, pk) -> str:
        obj = self.found.get(model, {}).get(pk)
        if obj is None:
            return _("#%(id)s (deleted)") % {"id": pk}
        return str(getattr(obj, "label", None) or obj)


def _roles_display(values, names: _Names) -> str:
    parts = []
    for value in values or []:
        role, area_id, unit_id = (str(value).split(":") + ["", ""])[:3]
        text = str(dict(Role.choices).get(role, role))
        scope = [names.name(Area, int(area_id))] if area_id else []
        scope += [names.name(Unit, int(unit_id))] if unit_id else []
        parts.append(f"{text} ({', '.join(scope)})" if scope else text)
    return "; ".join(parts) or EMPTY


def _is_amount(f) -> bool:
    return isinstance(f, models.DecimalField) and f.decimal_places == 2 and (f.max_digits or 0) >= 16


def display(model, name: str, value, names: _Names, state: dict | None = None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    f = _field(model, name)
    if name == "roles":
        return _roles_display(value, names)
    if f is None:
        return Truncator(str(value)).chars(200)
    if f.many_to_many:
        return ", ".join(names.name(f.related_model, v) for v in value) or EMPTY
    if f.is_relation:
        return names.name(f.related_model, value)
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DecimalField):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        currency = (state or {}).get("currency") or "CNY"
        if f.name.endswith("_cny") or (_is_amount(f) and currency == "CNY"):
            return money(amount)
        if _is_amount(f):
            number = formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
            return f"{number} {currency}"
        return formats.number_format(amount, decimal_pos=f.decimal_places, use_l10n=True, force_grouping=True)
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(str(value))
        return formats.date_format(moment, "DATETIME_FORMAT") if moment else str(value)
    if isinstance(f, models.DateField):
        day = parse_date(str(value))
        return formats.date_format(day, "DATE_FORMAT") if day else str(value)
    return Truncator(str(value)).chars(200)


def _label(model, name: str) -> str:
    if name == "roles":
        return capfirst(_("roles"))
    f = _field(model, name)
    return capfirst(str(getattr(f, "verbose_name", name))) if f is not None else name


def _subject(entry: AuditEntry, model, names: _Names) -> str:
    if model is Signing:
        state = entry.snapshot or {k: v[0] for k, v in entry.changes.items()}
        return _("Signing at %(event)s") % {"event": names.name(SigningEvent, state.get("event_id"))}
    return capfirst(str(model._meta.verbose_name)) if model else entry.object_repr


def describe(entries) -> list[HistoryItem]:
    """Readable history items, in the order given."""
    entries = list(entries)
    names = _Names()
    models_of = {}
    for entry in entries:
        model = entry.content_type.model_class()
        models_of[entry.pk] = model
        if model is None:
            continue
        state = entry.snapshot or {}
        values = changes_of(entry)
        for name in set(values) | {"event_id"}:
            f = _field(model, name)
            if name == "roles":
                for pair in values.get(name, []):
                    for role in pair or []:
                        _r, a, u = (str(role).split(":") + ["", ""])[:3]
                        if a:
                            names.want(Area, [int(a)])
                        if u:
                            names.want(Unit, [int(u)])
                continue
            if f is None or not f.is_relation:
                continue
            raw = list(values.get(name, [])) + [state.get(name)]
            ids = []
            for v in raw:
                ids.extend(v if isinstance(v, list) else [v])
            names.want(f.related_model, ids)
    names.resolve()
    items = []
    for entry in entries:
        model = models_of[entry.pk]
        changes = []
        # A creation lists every field it was given, read from its snapshot (see audit.changes_of).
        for name, (before, after) in sorted(changes_of(entry).items(), key=lambda kv: _order(model, kv[0])):
            if name in HIDDEN_FIELDS:
                continue
            if (
                entry.kind in (AuditEntry.Kind.CREATE, AuditEntry.Kind.DELETE)
                and (before in (None, "", []))
                and (after in (None, "", []))
            ):
                continue
            state = entry.snapshot or {k: v[0] for k, v in entry.changes.items()}
            before_display = display(model, name, before, names, state) if model else str(before)
            after_display = display(model, name, after, names, state) if model else str(after)
            if entry.kind == AuditEntry.Kind.UPDATE and before_display == after_display:
                continue  # the same value spelled differently (e.g. entries written before amounts were normalised)
            changes.append(
                FieldChange(
                    name=name,
                    label=_label(model, name) if model else name,
                    before=before,
                    after=after,
                    before_display=before_display,
                    after_display=after_display,
                )
            )
        items.append(
            HistoryItem(
                id=entry.pk,
                record=f"{entry.content_type.app_label}.{entry.content_type.model}",
                object_id=entry.object_id,
                timestamp=entry.timestamp,
                actor_name=entry.actor_name,
                source=entry.source,
                door=door_of(entry.source),
                kind=entry.kind,
                kind_label=str(entry.get_kind_display()),
                subject=_subject(entry, model, names),
                message=entry.message,
                changes=changes,
            )
        )
    return items


def _order(model, name):
    if model is None:
        return (0, name)
    names = [f.attname for f in model._meta.concrete_fields] + list(getattr(model, "audit_m2m", ()))
    return (names.index(name), name) if name in names else (len(names), name)


def last_state_at(model, pk, when) -> dict | None:
    """The object's snapshot at `when` (None if it did not exist then)."""
    entry = object_entries(model, pk).filter(timestamp__lte=when).order_by("-id").first()
    if entry is None or entry.kind == AuditEntry.Kind.DELETE:
        return None
    return entry.snapshot


def state_rows(model, state: dict | None) -> list[tuple[str, str]]:
    """(label, display value) for every recorded field of a state, in the model's field order."""
    if not state:
        return []
    names = _Names()
    for name, value in state.items():
        f = _field(model, name)
        if f is not None and f.is_relation:
            names.want(f.related_model, value if isinstance(value, list) else [value])
    names.resolve()
    rows = []
    for name in sorted(state, key=lambda n: _order(model, n)):
        if name in HIDDEN_FIELDS or name == "is_demo":
            continue
        rows.append((_label(model, name), display(model, name, state[name], names, state)))
    return rows
