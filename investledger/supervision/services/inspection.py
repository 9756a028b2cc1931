"""The monthly random sample of milestones met, and the inspectors' findings on it."""

from __future__ import annotations

import math
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.supervision import periods
from investledger.supervision.choices import EvidenceStatus, InspectionStatus
from investledger.supervision.models import InspectionSample, Milestone
from investledger.supervision.services.milestones import milestone_verify
from investledger.supervision.services.plans import current_rule_set

# --- Inspection sample ---------------------------------------------------------------------------


@transaction.atomic
def inspection_draw(*, month, percent: float | None = None) -> list[InspectionSample]:
    """Draw the month's random sample of milestones met, for inspectors. Reproducible and idempotent.

    The draw is seeded by the month, so drawing again gives the same milestones; a month already
    drawn is not drawn again.
    """
    month = periods.month_start(month)
    if InspectionSample.objects.filter(period=month).exists():
        return []
    percent = current_rule_set().param("inspection_sample_percent") if percent is None else percent
    candidates = sorted(
        Milestone.objects.met()
        .filter(recorded_on__gte=month, recorded_on__lte=periods.month_end(month), inspection__isnull=True)
        .values_list("pk", flat=True)
    )
    size = math.ceil(len(candidates) * percent / 100) if candidates and percent > 0 else 0
    chosen = random.Random(f"inspection-{month:%Y-%m}").sample(candidates, size)
    samples = []
    for pk in sorted(chosen):
        sample = InspectionSample(milestone_id=pk, period=month)
        sample.save()
        samples.append(sample)
    audit.record_many([(s, AuditEntry.Kind.CREATE, None, audit.snapshot(s), _("random draw")) for s in samples])
    return samples


@transaction.atomic
def inspection_record(*, sample: InspectionSample, status: str, findings: str = "", by=None) -> InspectionSample:
    """Record an inspection's result; a discrepancy rejects the milestone's evidence."""
    locked = InspectionSample.objects.select_for_update().select_related("milestone").get(pk=sample.pk)
    if status not in (InspectionStatus.CONFIRMED, InspectionStatus.DISCREPANCY):
        raise ValidationError({"status": _("Choose whether the evidence was confirmed or not.")})
    findings = (findings or "").strip()
    if status == InspectionStatus.DISCREPANCY and not findings:
        raise ValidationError({"findings": _("Describe the discrepancy found.")})
    before = audit.snapshot(locked)
    locked.status = status
    locked.findings = findings
    locked.inspector = by if getattr(by, "pk", None) else None
    locked.inspected_on = clock.today()
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=findings)
    if status == InspectionStatus.DISCREPANCY and locked.milestone.evidence_status != EvidenceStatus.REJECTED:
        milestone_verify(milestone=locked.milestone, accept=False, comment=findings, by=by)
    elif status == InspectionStatus.CONFIRMED and locked.milestone.evidence_status == EvidenceStatus.PENDING:
        milestone_verify(milestone=locked.milestone, accept=True, comment=findings, by=by)
    return locked
