"""Writes of matching: the bureau's weights."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from investledger.core import audit
from investledger.core.models import AuditEntry
from investledger.core.versions import lock
from investledger.matching import scoring
from investledger.matching.models import MatchWeights


@transaction.atomic
def weights_update(*, values: dict[str, Decimal], expected_version: int | None = None) -> MatchWeights:
    """Set the points of each reason; refuses an edit made on an older version (EditConflict)."""
    unknown = set(values) - set(scoring.REASONS)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not reasons of a match")
    stored = MatchWeights.objects.order_by("pk").values_list("pk", flat=True).first()
    weights = lock(MatchWeights, stored, expected_version) if stored else MatchWeights()
    before = audit.snapshot(weights) if stored else None
    for reason, value in values.items():
        setattr(weights, reason, value)
    weights.full_clean()
    if before is not None:
        if not audit.diff(before, audit.snapshot(weights)):
            return weights
        weights.version += 1
    weights.save()
    audit.record(weights, AuditEntry.Kind.UPDATE if before else AuditEntry.Kind.CREATE, before=before)
    return weights
