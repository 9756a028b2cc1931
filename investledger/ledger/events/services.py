"""Writes to signing events (bureau administrators keep the list). Pages, API and admin all call these.

Each function is one transaction: it validates, saves and records the audit entry. An event carries a
`version`: an edit made on an older one is refused (`EditConflict`) rather than overwriting what someone
saved meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from investledger.core import versions
from investledger.core.versions import EditConflict as EditConflict
from investledger.ledger.events.models import SigningEvent

# What a user gives when entering or editing an event (form, API, admin).
EVENT_FIELDS = (
    "name",
    "name_en",
    "kind",
    "date",
    "end_date",
    "place",
    "online",
    "organiser",
    "lead_unit",
    "host_area",
    "announced_count",
    "announced_value_cny",
    "source_url",
    "notes",
    "is_demo",
)


def _only(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not fields a user gives on a signing event")


@transaction.atomic
def event_create(*, fields: Mapping[str, Any], audit_message: str = "") -> SigningEvent:
    """A new signing event with its audit entry."""
    _only(fields)
    return versions.create(SigningEvent, fields, message=audit_message)


@transaction.atomic
def event_update(
    *,
    event: SigningEvent,
    fields: Mapping[str, Any],
    expected_version: int | None = None,
    audit_message: str = "",
) -> SigningEvent:
    """Change an event; refuses with EditConflict if it changed since `expected_version`."""
    _only(fields)
    return versions.edit(SigningEvent, event.pk, fields, expected_version=expected_version, message=audit_message)


def event_set_announced(
    *, event: SigningEvent, count: int | None, value_cny: Decimal | None, source: str
) -> SigningEvent:
    """Take the project count and value a press release announced as the event's announced figures,
    audited with where they were read. A figure the release did not state (None) is left as it is.
    It names no version: the officer chose these figures on the release, not on the event's form."""
    fields: dict[str, Any] = {}
    if count is not None:
        fields["announced_count"] = count
    if value_cny is not None:
        fields["announced_value_cny"] = value_cny.quantize(Decimal("0.01"))
    return event_update(event=event, fields=fields, audit_message=f"announced figures from {source}"[:500])
