"""Writes to investors that happen outside the investor form: a new investor entered with its project."""

from __future__ import annotations

from django.db import transaction

from investledger.core import audit
from investledger.core.models import AuditEntry
from investledger.ledger.investors.models import Investor


@transaction.atomic
def investor_create(*, name: str, audit_message: str = "", **fields) -> Investor:
    """A new investor with its audit entry; the name must be new (names are unique)."""
    investor = Investor(name=name.strip(), **fields)
    investor.full_clean()
    investor.save()
    audit.record(investor, AuditEntry.Kind.CREATE, message=audit_message)
    return investor
