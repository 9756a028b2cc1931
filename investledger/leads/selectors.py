"""Reads of leads: likely duplicates across the city (首问负责制), and what a user may learn of them.

Two districts must not chase one investor unknowingly, so the duplicate check looks at every open
lead of the city, whoever owns it. What it tells a user about a lead outside their scope is only
that another unit is in contact and which one to ask; never the lead itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from investledger.core import clock
from investledger.core.money import CENT
from investledger.leads.choices import OPEN_STAGES, STAGE_ORDER, LeadStage
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


def _rate(numerator: int, denominator: int) -> Decimal | None:
    """A rate to four decimals, as the metric registry keeps its rates."""
    return (Decimal(numerator) / denominator).quantize(Decimal("0.0001")) if denominator else None


@dataclass
class LeadFigures:
    """The pipeline's figures over a set of leads as they stood at the end of a day (`lead_figures`)."""

    as_of: dt.date
    leads: int = 0  # received on or before the day
    by_stage: dict[str, int] = field(default_factory=dict)  # the stage each was at that day
    response_due: int = 0
    response_in_time: int = 0
    qualified: int = 0
    signed: int = 0
    days_to_signing: int = 0  # summed over the signed leads
    negotiating: int = 0
    negotiating_value: Decimal = Decimal(0)
    referrer_credit: Decimal = Decimal(0)
    referrer_credit_by: dict[int, Decimal] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return sum(self.by_stage.get(stage, 0) for stage in OPEN_STAGES)

    @property
    def response_rate(self) -> Decimal | None:
        return _rate(self.response_in_time, self.response_due)

    @property
    def conversion(self) -> Decimal | None:
        return _rate(self.signed, self.qualified)

    @property
    def mean_days_to_signing(self) -> Decimal | None:
        return (Decimal(self.days_to_signing) / self.signed).quantize(Decimal("0.1")) if self.signed else None

    def as_dict(self) -> dict:
        return {
            "leads": self.leads,
            "open": self.open,
            "response_due": self.response_due,
            "response_in_time": self.response_in_time,
            "response_rate": self.response_rate,
            "qualified": self.qualified,
            "signed": self.signed,
            "conversion": self.conversion,
            "mean_days_to_signing": self.mean_days_to_signing,
            "negotiating": self.negotiating,
            "negotiating_value": self.negotiating_value,
        }


def lead_figures(leads, as_of: dt.date | None = None) -> LeadFigures:
    """The one definition of the pipeline's figures, for the pipeline page and the metric registry alike.

    Over `leads` (already scoped to the reader) as they stood at the end of `as_of` (today by default):
    leads received by then, each at the stage its stage log had reached that day. A lead answered within
    its deadline was first contacted on or before its respond-by date; it is due once contacted or once
    that date has passed. Conversion is signed / qualified (every lead past "new", lost ones included).
    Time to signing runs in calendar days from the day a lead was received to the day it was signed.
    Referrers' credit is each referrer's share of the contract investment of the projects signed from
    their leads."""
    as_of = as_of or clock.today()
    figures = LeadFigures(as_of=as_of)
    rows = list(
        leads.filter(received_on__lte=as_of)
        .order_by()
        .values_list("pk", "received_on", "stage", "respond_by", "contacted_on", "size_cny")
    )
    if not rows:
        return figures
    ids = [row[0] for row in rows]
    stage_on: dict[int, str] = {}
    signed_on: dict[int, dt.date] = {}
    past = as_of < clock.today()
    if past:
        changes = (
            LeadStageChange.objects.filter(lead_id__in=ids)
            .order_by("at", "id")
            .values_list("lead_id", "to_stage", "at")
        )
        for lead_id, stage, at in changes:
            day = timezone.localtime(at).date()
            if day <= as_of:
                stage_on[lead_id] = stage
                if stage == LeadStage.SIGNED:
                    signed_on[lead_id] = day
    else:
        signed = LeadStageChange.objects.filter(lead_id__in=ids, to_stage=LeadStage.SIGNED).values_list("lead_id", "at")
        signed_on = {lead_id: timezone.localtime(at).date() for lead_id, at in signed}
    figures.leads = len(rows)
    signed_pks: list[int] = []
    for pk, received, current, respond_by, contacted, size in rows:
        stage = stage_on.get(pk, LeadStage.NEW) if past else current
        figures.by_stage[stage] = figures.by_stage.get(stage, 0) + 1
        contacted = contacted if contacted and contacted <= as_of else None
        if respond_by and (contacted or respond_by < as_of):
            figures.response_due += 1
            if contacted and contacted <= respond_by:
                figures.response_in_time += 1
        if stage != LeadStage.NEW:
            figures.qualified += 1
        if stage == LeadStage.SIGNED:
            signed_pks.append(pk)
            figures.signed += 1
            figures.days_to_signing += ((signed_on.get(pk) or as_of) - received).days
        if stage == LeadStage.NEGOTIATING:
            figures.negotiating += 1
            figures.negotiating_value += size or Decimal(0)
    shares = CreditShare.objects.filter(referrer__isnull=False, lead_id__in=signed_pks)
    for referrer_id, percent, value in shares.values_list(
        "referrer_id", "percent", "lead__project__contract_value_cny"
    ):
        credit = (value or Decimal(0)) * percent / 100
        figures.referrer_credit_by[referrer_id] = figures.referrer_credit_by.get(referrer_id, Decimal(0)) + credit
    # Each referrer's credit to the cent, as the ranking shows it; the total is their sum.
    figures.referrer_credit_by = {k: v.quantize(CENT) for k, v in figures.referrer_credit_by.items()}
    figures.referrer_credit = sum(figures.referrer_credit_by.values(), Decimal("0.00"))
    return figures


def pipeline_figures(leads) -> dict:
    """The pipeline's headline figures over a set of leads (already scoped to the reader), today."""
    return lead_figures(leads).as_dict()


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
