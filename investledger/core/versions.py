"""Versions of records edited by people: an edit names the version it was made on, and a record that
changed since is not overwritten.

Every versioned record (`Project`, `Milestone`, `ProgressReport`, `Issue`...) has a `version`
counted up by the service that changes it. Services lock the row, call `check_version` with the
version the page or API request read, and raise `EditConflict` when it moved on: pages then say
so on the form, the API answers 409 with the current version.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


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
