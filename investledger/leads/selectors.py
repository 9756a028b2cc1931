"""Reads of leads: likely duplicates across the city (首问负责制), and what a user may learn of them.

Two districts must not chase one investor unknowingly, so the duplicate check looks at every open
lead of the city, whoever owns it. What it tells a user about a lead outside their scope is only
that another unit is in contact and which one to ask; never the lead itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from investledger.core import clock
from investledger.core.money import CENT
from investledger.leads.choices import STAGE_ORDER, LeadStage
from investledger.leads.models import CreditShare, Lead, LeadStageChange, Referrer
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.choices import Stage, stages_from
from investledger.ledger.projects.duplicates import NAME_SIMILARITY

LANDED = set(stages_from(Stage.REGISTERED))
NEED_SIMILARITY = 60  # percent, token-set ratio of the two needs as typed


@dataclass
class DuplicateLead:
    lead: Lead
    reasons: list[str] = field(default_factory=list)
    score: int = 0


@dataclass
class DuplicateNote:
    """A likely duplicate as one user may read it: the lead itself when in scope, else whom to ask."""

    unit: str
    reasons: list[str]
    lead: Lead | None = None

    @property
    def message(self) -> str:
        if self.lead is not None:
            return _("%(unit)s already follows this investor (%(lead)s, %(stage)s).") % {
                "unit": self.unit,
                "lead": self.lead.reference,
                "stage": self.lead.get_stage_display().lower(),
            }
        return _("Another unit is in contact with this investor; ask %(unit)s.") % {"unit": self.unit}


def _similar(a: str, b: str) -> int:
    return int(fuzz.token_set_ratio(a, b, processor=default_process)) if a and b else 0


def find_duplicate_leads(
    *, investor_id: int | None, prospect_name: str, sector_id: int | None, need: str = "", exclude_pk=None, limit=5
) -> list[DuplicateLead]:
    """Open leads that are probably about the same investment: the same investor on file, or a
    prospect's name close to the investor's; the same sector or a similar need makes it likelier."""
    name = (prospect_name or "").strip()
    pool = Lead.objects.open()
    match = Q(investor_id=investor_id) if investor_id else Q(pk__in=[])
    if name:
        # Names are compared in Python: the candidates are the open leads, a few thousand at most.
        match |= Q(investor__isnull=False) | ~Q(prospect_name="")
    pool = pool.filter(match)
    if exclude_pk:
        pool = pool.exclude(pk=exclude_pk)
    pool = pool.select_related("investor", "owning_unit")[:5000]
    investor_name = Investor.objects.filter(pk=investor_id).values_list("name", flat=True).first() or ""
    found = []
    for lead in pool:
        reasons = []
        score = 0
        if investor_id and lead.investor_id == investor_id:
            reasons.append(_("same investor"))
            score = 100
        else:
            similarity = max(_similar(name, lead.investor_label), _similar(investor_name, lead.prospect_name))
            if similarity >= NAME_SIMILARITY:
                reasons.append(_("similar investor name"))
                score = similarity
        if not reasons:
            continue
        if sector_id and lead.sector_id == sector_id:
            reasons.append(_("same sector"))
            score += 20
        if _similar(need, lead.need) >= NEED_SIMILARITY:
            reasons.append(_("similar need"))
            score += 10
        found.append(DuplicateLead(lead, reasons, score))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


def duplicate_notes(candidates: list[DuplicateLead], user) -> list[DuplicateNote]:
    """The candidates as `user` may read them (the access rule decides which leads show in full)."""
    visible = set(
        Lead.objects.visible_to(user).filter(pk__in=[c.lead.pk for c in candidates]).values_list("pk", flat=True)
    )
    return [
        DuplicateNote(unit=str(c.lead.owning_unit), reasons=c.reasons, lead=c.lead if c.lead.pk in visible else None)
        for c in candidates
    ]


# --- The pipeline's figures -------------------------------------------------------------------------


def funnel(leads) -> list[dict]:
    """Per stage of the pipeline, the leads that reached it (from their stage log: a lead that skipped a
    stage reached it too) and those there now; lost leads last, by the stage reached before."""
    now = dict(leads.order_by().values_list("stage").annotate(n=Count("pk")))
    furthest: dict[int, int] = {}
    changes = LeadStageChange.objects.filter(lead__in=leads.values("pk")).values_list("lead_id", "to_stage")
    for lead_id, stage in changes:
        if stage in STAGE_ORDER:
            furthest[lead_id] = max(furthest.get(lead_id, 0), STAGE_ORDER.index(stage))
    rows = []
    for index, stage in enumerate(STAGE_ORDER):
        reached = sum(1 for f in furthest.values() if f >= index)
        rows.append(
            {"stage": stage, "label": str(LeadStage(stage).label), "reached": reached, "count": now.get(stage, 0)}
        )
    lost = now.get(LeadStage.LOST, 0)
    rows.append({"stage": LeadStage.LOST, "label": str(LeadStage.LOST.label), "reached": lost, "count": lost})
    return rows


def pipeline_figures(leads) -> dict:
    """The pipeline's headline figures over a set of leads (already scoped to the reader)."""
    today = clock.today()
    responded = leads.filter(respond_by__isnull=False).filter(Q(contacted_on__isnull=False) | Q(respond_by__lt=today))
    in_time = responded.filter(contacted_on__isnull=False, contacted_on__lte=F("respond_by")).count()
    due = responded.count()
    qualified = leads.exclude(stage=LeadStage.NEW).count()
    signed = leads.filter(stage=LeadStage.SIGNED).count()
    negotiating = leads.filter(stage=LeadStage.NEGOTIATING).aggregate(v=Sum("size_cny"), n=Count("pk"))
    return {
        "leads": leads.count(),
        "response_due": due,
        "response_in_time": in_time,
        "response_rate": (Decimal(in_time) / due) if due else None,
        "qualified": qualified,
        "signed": signed,
        "conversion": (Decimal(signed) / qualified) if qualified else None,
        "negotiating": negotiating["n"],
        "negotiating_value": negotiating["v"] or Decimal(0),
    }


# --- Referrers' ranking ----------------------------------------------------------------------------


@dataclass
class RankRow:
    referrer: Referrer
    leads: int
    conversions: int
    credited_value: Decimal
    landed_value: Decimal


def referrer_ranking(leads, referrers=None) -> list[RankRow]:
    """Referrers ranked by the landed value credited to them, then conversions, then leads, over `leads`
    (the reader's scope). A referrer's credit is its share of each signed project's value; landed counts
    projects registered locally or later (落地)."""
    referrers = list(referrers if referrers is not None else Referrer.objects.all())
    counts = dict(leads.filter(referrer__isnull=False).order_by().values_list("referrer").annotate(n=Count("pk")))
    signed = leads.filter(stage=LeadStage.SIGNED, referrer__isnull=False)
    conversions = dict(signed.order_by().values_list("referrer").annotate(n=Count("pk")))
    credited: dict[int, Decimal] = {}
    landed: dict[int, Decimal] = {}
    shares = CreditShare.objects.filter(lead__in=leads.filter(stage=LeadStage.SIGNED), referrer__isnull=False)
    for share in shares.select_related("lead__project"):
        project = share.lead.project
        value = (project.contract_value_cny or Decimal(0)) * share.percent / 100
        credited[share.referrer_id] = credited.get(share.referrer_id, Decimal(0)) + value
        if project.stage in LANDED:
            landed[share.referrer_id] = landed.get(share.referrer_id, Decimal(0)) + value
    rows = [
        RankRow(
            r,
            counts.get(r.pk, 0),
            conversions.get(r.pk, 0),
            credited.get(r.pk, Decimal(0)).quantize(CENT),
            landed.get(r.pk, Decimal(0)).quantize(CENT),
        )
        for r in referrers
    ]
    rows.sort(key=lambda row: (-row.landed_value, -row.credited_value, -row.conversions, -row.leads, row.referrer.name))
    return rows
