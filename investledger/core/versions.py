"""Versions of records edited by people: an edit names the version it was made on, and a record that
changed since is not overwritten.

Every versioned record (`Project`, `Milestone`, `ProgressReport`, `Issue`...) has a `version`
counted up by the service that changes it. Services lock the row, call `check_version` with the
version the page or API request read, and raise `EditConflict` when it moved on: pages then say
so on the form, the API answers 409 with the current version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from investledger.core import audit
from investledger.core.models import AuditEntry


class EditConflict(Exception):
    """Someone else saved the record after this edit was started."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


def check_version(obj: Any, expected_version: int | None) -> None:
    """Refuse with EditConflict unless `obj` (locked by the caller) is still at `expected_version`.

    `None` means the writer named no version (commands, background jobs): nothing is checked.
    """
    if expected_version is not None and obj.version != expected_version:
        raise EditConflict(obj.version)


def lock(rows: Any, pk: Any, expected_version: int | None = None) -> Any:
    """The row `pk` of `rows` (a model or a queryset), locked until the transaction ends and checked
    against `expected_version`."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    locked = queryset.select_for_update().get(pk=pk)
    check_version(locked, expected_version)
    return locked


def create(model: Any, fields: Mapping[str, Any], *, message: str = "") -> Any:
    """A new versioned record (version 1) of plain `fields`, validated (`full_clean`) and saved with its
    audit entry; the caller is the app's service, inside its transaction."""
    record = model(**fields)
    record.full_clean()
    record.save()
    audit.record(record, AuditEntry.Kind.CREATE, message=message)
    return record


def save_edit(locked: Any, before: dict, *, message: str = "") -> bool:
    """Save an edited record (locked by the caller, `before` its snapshot) as its next version, with its
    audit entry. Nothing is written when nothing changed: no new version, no entry."""
    if not audit.diff(before, audit.snapshot(locked)):
        return False
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=message)
    return True


def edit(
    rows: Any, pk: Any, fields: Mapping[str, Any], *, expected_version: int | None = None, message: str = ""
) -> Any:
    """Change plain `fields` of the versioned record `pk`: lock it, refuse an edit made on an older version
    (EditConflict), validate the record (`full_clean`) and save it as its next version with its audit
    entry. The whole write of a record with no rule beyond its model's (an event, an investor); the
    caller is the app's service, inside its transaction."""
    locked = lock(rows, pk, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    save_edit(locked, before, message=message)
    return locked


def changed_since(obj: Any, version: int) -> list[Any]:
    """The fields of `obj` (model fields, to-many ones of `audit_m2m` included) saved in the versions after
    `version`, in the order they were first changed: what someone else saved while an edit was open."""
    model = type(obj)
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    by_name.update({name: model._meta.get_field(name) for name in getattr(model, "audit_m2m", ())})
    changed: list[Any] = []
    for entry in audit.entries_since(obj, version):
        for name in audit.changes_of(entry):
            field = by_name.get(name)
            if field is not None and field.name not in ("version", "updated") and field not in changed:
                changed.append(field)
    return changed
