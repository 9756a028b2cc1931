"""Writes of matching: the bureau's weights, and matches dismissed with their reason (and undone)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.core.versions import lock
from investledger.matching import scoring
from investledger.matching.models import Dismissal, MatchWeights


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


@transaction.atomic
def match_dismiss(*, opportunity, investor, reason: str, user) -> Dismissal:
    """Set the investor aside for the opportunity, with the reason: it leaves the ranking for every reader.

    The caller has checked that `user` may change the opportunity and see the investor. A pair already
    dismissed is refused, naming who did it and why, rather than dismissed twice.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this match is dismissed.")})
    existing = Dismissal.objects.select_for_update().filter(opportunity=opportunity, investor=investor).first()
    if existing is not None:
        raise ValidationError(
            _("%(who)s already dismissed this match on %(on)s: %(reason)s")
            % {
                "who": existing.dismissed_by or _("someone"),
                "on": existing.dismissed_on.isoformat(),
                "reason": existing.reason,
            }
        )
    dismissal = Dismissal(
        opportunity=opportunity,
        investor=investor,
        reason=reason,
        dismissed_on=clock.today(),
        dismissed_by=user if getattr(user, "pk", None) else None,
    )
    dismissal.full_clean()
    dismissal.save()
    audit.record(dismissal, AuditEntry.Kind.CREATE, message="match dismissed")
    return dismissal


@transaction.atomic
def match_restore(*, dismissal: Dismissal) -> None:
    """Undo a dismissal: the investor ranks for the opportunity again. The record goes; the trail keeps
    its creation and, now, its deletion."""
    locked = (
        Dismissal.objects.select_for_update(of=("self",))
        .select_related("opportunity", "investor")
        .filter(pk=dismissal.pk)
        .first()
    )
    if locked is None:
        return  # undone meanwhile: nothing left to undo
    before = audit.snapshot(locked)
    audit.record(locked, AuditEntry.Kind.DELETE, before=before, message="match dismissal undone")
    locked.delete()
