"""Small helpers the demo loaders share: counting what was written, and audited creation."""

from __future__ import annotations

from collections import Counter

from django.db import models, transaction

from investledger.core import audit
from investledger.core.models import AuditEntry

SOURCE = "command:demo"


class Tally(Counter):
    """What a run created, by kind ("area", "project", "signing"...). Empty on a second run."""

    def add(self, kind: str, n: int = 1) -> None:
        self[kind] += n

    def summary(self) -> str:
        if not any(self.values()):
            return "nothing new"
        return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(self.items()) if n)


@transaction.atomic
def create_audited(obj: models.Model, tally: Tally, *, exclude: list[str] | None = None) -> models.Model:
    """Validate, save and record a reference record (areas, units, sectors, investors, events).

    These have no service of their own; the demo writes them the way a service would, so each
    appears in the audit trail in the same transaction as its row.
    """
    obj.full_clean(exclude=exclude)
    obj.save()
    audit.record(obj, AuditEntry.Kind.CREATE, message="demo data")
    tally.add(obj._meta.model_name)
    return obj
