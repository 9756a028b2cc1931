"""Every write on leads, referrals and referrers.

Each function is one transaction: it checks the state it starts from and who acts, validates,
saves, records the audit entry and writes the notifications, so none is on record without the
others. `by=None` is the system's own step (the demo, background jobs): nothing is checked for it.
A user outside the lead's scope never reaches these (pages and the API find the lead among those
the user may see first); a user who may see the lead but not change it is refused here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from investledger.core import access, audit, clock, references
from investledger.core.access import Action
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.escalation import notifications
from investledger.escalation.choices import NotificationKind
from investledger.escalation.workdays import WorkCalendar
from investledger.leads.choices import (
    OPEN_STAGES,
    REFERRER_SOURCES,
    STAGE_ORDER,
    LeadSource,
    LeadStage,
    ReferralStatus,
)
from investledger.leads.models import (
    CreditShare,
    Interaction,
    Lead,
    LeadClass,
    LeadStageChange,
    Referral,
)
from investledger.leads.selectors import DuplicateLead, find_duplicate_leads
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.investors.services import investor_create
from investledger.ledger.opportunities.models import Interest
from investledger.ledger.opportunities.services import interest_handle
from investledger.ledger.projects import permissions as project_permissions
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.services import DuplicateSuspected as DuplicateSuspected
from investledger.ledger.projects.services import project_create
from investledger.reference.models import Area, Sector, Unit

HUNDRED = Decimal("100")


class DuplicateLeadSuspected(Exception):
    """Another lead on the same investor with a similar need exists; the user must confirm."""

    def __init__(self, candidates: list[DuplicateLead]):
        super().__init__(candidates)
        self.candidates = candidates


def lead_link(lead: Lead) -> str:
    return reverse("leads:lead_detail", args=[lead.pk])


def _require(by, lead: Lead, action: str = Action.CHANGE) -> None:
    if by is not None and not Lead.objects.visible_to(by, action).filter(pk=lead.pk).exists():
        raise PermissionDenied(_("You may see this lead but not change it."))


def _user(by):
    return by if getattr(by, "pk", None) else None


# --- Deadlines ------------------------------------------------------------------------------------


def class_for(size_cny: Decimal | None) -> LeadClass | None:
    """The lead class of a lead of this size: the active class with the largest threshold it reaches."""
    return LeadClass.objects.filter(active=True, min_value_cny__lte=size_cny or 0).order_by("-min_value_cny").first()


def deadlines_for(
    lead_class: LeadClass | None, received_on: dt.date, calendar: WorkCalendar | None = None
) -> tuple[dt.date, dt.date, dt.date]:
    """Respond, assess and feed-back dates on the working-day calendar the issue register uses."""
    calendar = calendar or WorkCalendar.load()
    days = (
        (lead_class.respond_days, lead_class.assess_days, lead_class.feedback_days)
        if lead_class
        else LeadClass.DEFAULT_DAYS
    )
    respond, assess, feedback = (calendar.add(received_on, d) for d in days)
    return respond, assess, feedback


# --- Leads ----------------------------------------------------------------------------------------


def _check_source(lead: Lead) -> None:
    kind = REFERRER_SOURCES.get(lead.source)
    if kind and lead.referrer_id is None:
        raise ValidationError({"referrer": _("Name the referrer of a lead from an ambassador or agency.")})
    referrer = lead.referrer if lead.referrer_id is not None else None
    if referrer is not None and not referrer.active:
        raise ValidationError(
            {"referrer": _("%(referrer)s was deactivated: new leads no longer name them.") % {"referrer": referrer}}
        )
    if referrer is not None and (kind is None or referrer.kind != kind):
        raise ValidationError(
            {"referrer": _("%(referrer)s is not a referrer of this source.") % {"referrer": lead.referrer}}
        )
    if lead.source == LeadSource.DEPARTMENT and lead.referred_by_unit_id is None:
        raise ValidationError({"referred_by_unit": _("Name the department that referred this lead.")})


@transaction.atomic
def lead_create(*, fields: dict, areas, by, confirm_not_duplicate: bool = False) -> Lead:
    """Open a lead. Likely duplicates anywhere in the city are raised first (DuplicateLeadSuspected)
    unless the user confirms; the unit that opens it is recorded as its first contact (首问)."""
    if by is not None and not access.can_lead(by, Action.CREATE):
        raise PermissionDenied(_("You may not open leads."))
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area concerned.")})
    received_on = fields.pop("received_on", None) or clock.today()
    if received_on > clock.today():
        raise ValidationError({"received_on": _("A lead is recorded once it was received: the date is in the future.")})
    lead = Lead(received_on=received_on, created_by=_user(by), **fields)
    if lead.owning_unit_id is not None:
        lead.first_unit_id = lead.owning_unit_id
        if by is not None and not Unit.objects.filter(access.lead_unit_q(by)).filter(pk=lead.owning_unit_id).exists():
            raise ValidationError({"owning_unit": _("You may open leads only for your own unit or your areas' units.")})
    outside = _areas_outside(by, areas) if by is not None else []
    if outside:
        names = ", ".join(str(a) for a in outside)
        raise ValidationError({"areas": _("These areas are outside your scope: %(areas)s.") % {"areas": names}})
    _check_source(lead)
    lead.lead_class = class_for(lead.size_cny)
    lead.respond_by, lead.assess_by, lead.feedback_by = deadlines_for(lead.lead_class, received_on)
    lead.reference = references.next_reference(Lead, "L", received_on.year, digits=4)
    lead.full_clean(exclude=["reference", "first_unit"])
    if not confirm_not_duplicate:
        candidates = find_duplicate_leads(
            investor_id=lead.investor_id, prospect_name=lead.prospect_name, sector_id=lead.sector_id, need=lead.need
        )
        if candidates:
            raise DuplicateLeadSuspected(candidates)
    lead.save()
    lead.areas.set(areas)
    LeadStageChange.objects.create(lead=lead, from_stage="", to_stage=lead.stage, by=_user(by), at=clock.now())
    audit.record(lead, AuditEntry.Kind.CREATE)
    return lead


def lead_from_interest(*, interest: Interest, by, confirm_not_duplicate: bool = False) -> Lead:
    """Open a lead from an expression of interest left on the public catalogue (one click in the inbox).

    The lead keeps the interest and its opportunity; the prospect is the interested organisation, what
    they want is their message (with who wrote it), and the opportunity gives the area, sector and size.
    The list's unit owns it when the user may open leads for it, else the user's own unit. The interest
    is marked handled through the opportunities service, in the same transaction. Likely duplicates are
    raised as for any new lead (DuplicateLeadSuspected) unless the user confirms."""
    with transaction.atomic():
        if by is not None and not Interest.objects.visible_to(by).filter(pk=interest.pk).exists():
            raise PermissionDenied(_("You may not read this expression of interest."))
        locked = Interest.objects.select_for_update().select_related("opportunity__list").get(pk=interest.pk)
        existing = Lead.objects.filter(interest=locked).first()
        if existing is not None:
            raise ValidationError(_("This interest already became lead %(lead)s.") % {"lead": existing.reference})
        opportunity = locked.opportunity
        units = Unit.objects.filter(access.lead_unit_q(by)) if by is not None else Unit.objects.all()
        publishing = (
            units.filter(pk=opportunity.list.publishing_unit_id) if opportunity.list.publishing_unit_id else None
        )
        unit = (publishing.first() if publishing is not None else None) or units.order_by("code").first()
        if unit is None:
            raise ValidationError(_("You may not open leads."))
        received = timezone.localtime(locked.created).date()  # real time: when the interest arrived
        lead = lead_create(
            fields={
                "prospect_name": locked.organisation,
                "need": f"{locked.message}\n— {locked.name} <{locked.email}>",
                "source": LeadSource.OPPORTUNITY,
                "sector": opportunity.sectors.order_by("position", "code").first(),
                "size_cny": opportunity.estimated_value_cny,
                "owning_unit": unit,
                "received_on": min(received, clock.today()),
                "opportunity": opportunity,
                "interest": locked,
            },
            areas=[opportunity.host_area],
            by=by,
            confirm_not_duplicate=confirm_not_duplicate,
        )
        interest_handle(interest=locked, note=_("Lead %(lead)s opened.") % {"lead": lead.reference})
        interest.__dict__.update(locked.__dict__)
        return lead


def _areas_outside(by, areas: list) -> list:
    """The areas a user may not open a lead in: outside their areas, unless they act city-wide or for a
    city department (a unit without an area), which deals with every district."""
    if access.is_city_wide(by, Action.CREATE) or any(a.unit_id and not a.area_id for a in access.assignments(by)):
        return []
    allowed = set(Area.objects.filter(access.area_q(by)).values_list("pk", flat=True))
    return [area for area in areas if area.pk not in allowed]


def _log_stage(locked: Lead, before: dict, old: str, by, reason: str, message: str = "") -> None:
    LeadStageChange.objects.create(
        lead=locked, from_stage=old, to_stage=locked.stage, reason=reason, by=_user(by), at=clock.now()
    )
    audit.record(locked, AuditEntry.Kind.STAGE, before=before, message=message or f"{old} → {locked.stage}")


def _mark_steps(lead: Lead, today: dt.date) -> None:
    """The deadlines a stage meets: reaching contacted responds, assessed assesses, a decision feeds back."""
    index = STAGE_ORDER.index(lead.stage) if lead.stage in STAGE_ORDER else None
    if index is not None and index >= 1 and not lead.contacted_on:
        lead.contacted_on = today
    if index is not None and index >= 2 and not lead.assessed_on:
        lead.assessed_on = today
    if (lead.stage == LeadStage.LOST or (index is not None and index >= 3)) and not lead.fed_back_on:
        lead.fed_back_on = today


@transaction.atomic
def lead_move(*, lead: Lead, to_stage: str, by, reason: str = "", expected_version: int | None = None) -> Lead:
    """Move a lead to another open stage; going back (or reopening a lost lead) needs a reason."""
    _require(by, lead)
    reason = (reason or "").strip()
    if to_stage == LeadStage.SIGNED:
        raise ValidationError({"stage": _("A lead is signed by converting it into its project.")})
    if to_stage == LeadStage.LOST:
        return lead_lose(lead=lead, reason=reason, by=by, expected_version=expected_version)
    if to_stage not in OPEN_STAGES:
        raise ValidationError({"stage": _("Unknown stage.")})
    locked = lock(Lead, lead.pk, expected_version)
    old = locked.stage
    if old == LeadStage.SIGNED:
        raise ValidationError({"stage": _("This lead is signed: its project follows it from here.")})
    if old == to_stage:
        raise ValidationError({"stage": _("The lead is already at this stage.")})
    backwards = old == LeadStage.LOST or STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(old)
    if backwards and not reason:
        raise ValidationError(
            {
                "reason": _("Say why the lead goes back from %(old)s to %(new)s.")
                % {"old": LeadStage(old).label, "new": LeadStage(to_stage).label}
            }
        )
    before = audit.snapshot(locked)
    locked.stage = to_stage
    if old == LeadStage.LOST:
        locked.lost_reason, locked.lost_to = "", ""
    _mark_steps(locked, clock.today())
    locked.version += 1
    locked.full_clean(exclude=["reference", "first_unit"])
    locked.save()
    _log_stage(locked, before, old, by, reason)
    lead.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def lead_lose(*, lead: Lead, reason: str, by, lost_to: str = "", expected_version: int | None = None) -> Lead:
    """Close a lead as lost, saying why and, if known, where the investment went."""
    _require(by, lead)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the lead was lost: the reason goes on the record.")})
    locked = lock(Lead, lead.pk, expected_version)
    if locked.stage not in OPEN_STAGES:
        raise ValidationError(
            {"stage": _("This lead is already %(stage)s.") % {"stage": locked.get_stage_display().lower()}}
        )
    before = audit.snapshot(locked)
    old = locked.stage
    locked.stage, locked.lost_reason, locked.lost_to = LeadStage.LOST, reason, (lost_to or "").strip()
    _mark_steps(locked, clock.today())
    locked.version += 1
    locked.full_clean(exclude=["reference", "first_unit"])
    locked.save()
    _log_stage(locked, before, old, by, reason)
    lead.__dict__.update(locked.__dict__)
    return locked


def _checked_shares(shares: list[dict]) -> list[dict]:
    if not shares:
        raise ValidationError({"shares": _("Split the credit: name at least one unit or referrer.")})
    seen, total = set(), Decimal(0)
    for share in shares:
        party = share.get("unit") or share.get("referrer")
        percent = Decimal(share.get("percent") or 0)
        if party is None or (share.get("unit") and share.get("referrer")):
            raise ValidationError({"shares": _("Each share goes to one unit or one referrer.")})
        if percent <= 0 or percent > HUNDRED:
            raise ValidationError(
                {"shares": _("The share of %(party)s must be above 0 and at most 100 %%.") % {"party": party}}
            )
        key = (type(party).__name__, party.pk)
        if key in seen:
            raise ValidationError({"shares": _("%(party)s is named twice.") % {"party": party}})
        seen.add(key)
        total += percent
    if total != HUNDRED:
        raise ValidationError({"shares": _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}})
    return shares


@dataclass
class NewProject:
    """The project a signed lead becomes when it is not in the ledger yet: created by the projects
    service (`project_create`), with its first signing when the event is named. An amount of None is
    an undisclosed amount (kept at 0, as the project form keeps it)."""

    name: str
    host_area: Area
    sector: Sector
    contract_value: Decimal | None
    event: SigningEvent | None = None
    signed_on: dt.date | None = None
    confirm_not_duplicate: bool = False


def _new_project(lead: Lead, new: NewProject, by) -> Project:
    """Create the project of a signed lead through the projects service, as the project form would:
    the host area must be one the user may create projects in; the lead's investor (or a new investor
    of the prospect's name) signs it, and the lead's owning unit leads it."""
    if by is not None:
        if not access.can(by, project_permissions.CREATE):
            raise ValidationError({"project": _("You may not create projects: name the project already signed.")})
        if not Area.objects.filter(access.area_q(by, project_permissions.CREATE)).filter(pk=new.host_area.pk).exists():
            raise ValidationError(
                {"host_area": _("You may not create projects in %(area)s.") % {"area": new.host_area}}
            )
    if new.signed_on and new.event is None:
        raise ValidationError({"event": _("Choose the event at which the project was signed on that date.")})
    investor = lead.investor if lead.investor_id else None
    if investor is None:
        name = lead.prospect_name.strip()
        investor = Investor.objects.filter(name=name).first() or investor_create(
            name=name, audit_message=f"from lead {lead.reference}"
        )
        lead.investor = investor
    undisclosed = new.contract_value is None
    return project_create(
        fields={
            "name": (new.name or "").strip(),
            "investor": investor,
            "host_area": new.host_area,
            "sector": new.sector,
            "contract_value": Decimal(0) if undisclosed else new.contract_value,
            "value_undisclosed": undisclosed,
            "lead_unit": lead.owning_unit,
        },
        event=new.event,
        signed_on=new.signed_on,
        confirm_not_duplicate=new.confirm_not_duplicate,
        audit_message=f"from lead {lead.reference}",
    )


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    shares: list[dict],
    by,
    project: Project | None = None,
    new_project: NewProject | None = None,
    expected_version: int | None = None,
) -> Lead:
    """Sign a lead: link it to its project (once) and record how the credit is split (100 % in all).

    The project is one already in the ledger (`project`) or, when the lead's project is not entered
    yet, created here through the projects service (`new_project`), in the same transaction: a refusal
    of either (or a likely duplicate, `DuplicateSuspected`, unless confirmed) leaves nothing written."""
    _require(by, lead)
    if (project is None) == (new_project is None):
        raise ValidationError(
            {"project": _("Name the project the lead was signed as, or give the new project's details.")}
        )
    locked = lock(Lead, lead.pk, expected_version)
    if locked.stage == LeadStage.SIGNED or locked.project_id:
        raise ValidationError(
            {"project": _("This lead was already converted into project %(project)s.") % {"project": locked.project}}
        )
    if locked.stage == LeadStage.LOST:
        raise ValidationError({"stage": _("A lost lead is reopened before it can be signed.")})
    _checked_shares(shares)
    if project is not None:
        if by is not None and not Project.objects.visible_to(by).filter(pk=project.pk).exists():
            raise ValidationError({"project": _("Choose a project you can see.")})
        other = Lead.objects.filter(project=project).first()
        if other is not None:
            raise ValidationError(
                {
                    "project": _("Project %(project)s already comes from lead %(lead)s.")
                    % {"project": project, "lead": other.reference}
                }
            )
    before = audit.snapshot(locked)
    if new_project is not None:
        project = _new_project(locked, new_project, by)
    assert project is not None
    old = locked.stage
    locked.stage, locked.project = LeadStage.SIGNED, project
    _mark_steps(locked, clock.today())
    locked.version += 1
    locked.full_clean(exclude=["reference", "first_unit"])
    locked.save()
    for share in shares:
        credit = CreditShare.objects.create(
            lead=locked, unit=share.get("unit"), referrer=share.get("referrer"), percent=Decimal(share["percent"])
        )
        audit.record(credit, AuditEntry.Kind.CREATE)
    _log_stage(locked, before, old, by, "", message=f"signed as {project.reference}")
    lead.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def interaction_add(*, lead: Lead, fields: dict, by) -> Interaction:
    """Log a visit, meeting, call or site tour; the first one answers the lead (its response)."""
    _require(by, lead)
    interaction = Interaction(lead=lead, by=_user(by), **fields)
    if interaction.date and interaction.date > clock.today():
        raise ValidationError({"date": _("An interaction is logged once it took place.")})
    interaction.full_clean()
    interaction.save()
    audit.record(interaction, AuditEntry.Kind.CREATE)
    locked = lock(Lead, lead.pk)
    if not locked.contacted_on:
        before = audit.snapshot(locked)
        locked.contacted_on = interaction.date
        locked.version += 1
        locked.save(update_fields=["contacted_on", "version", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message="first contact")
        lead.__dict__.update(locked.__dict__)
    return interaction


# --- Referrals ------------------------------------------------------------------------------------


@transaction.atomic
def referral_make(*, lead: Lead, to_unit_id, reason: str, by) -> Referral:
    """Refer a lead to another unit, which accepts (and then owns it) or declines, with reasons."""
    _require(by, lead)
    reason = (reason or "").strip()
    to_unit = Unit.objects.filter(pk=to_unit_id).first() if str(to_unit_id or "").isdigit() else None
    if to_unit is None:
        raise ValidationError({"to_unit": _("There is no unit %(unit)s to refer the lead to.") % {"unit": to_unit_id}})
    locked = lock(Lead, lead.pk)
    if to_unit.pk == locked.owning_unit_id:
        raise ValidationError(
            {"to_unit": _("The lead is already owned by %(unit)s: refer it to another unit.") % {"unit": to_unit}}
        )
    if not locked.is_open:
        raise ValidationError({"to_unit": _("Only an open lead can be referred.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the lead goes to %(unit)s.") % {"unit": to_unit}})
    if locked.referrals.filter(to_unit=to_unit, status=ReferralStatus.PENDING).exists():
        raise ValidationError(
            {"to_unit": _("The lead is already waiting for an answer from %(unit)s.") % {"unit": to_unit}}
        )
    referral = Referral.objects.create(
        lead=locked,
        from_unit=locked.owning_unit,
        to_unit=to_unit,
        reason=reason,
        referred_by=_user(by),
        referred_at=clock.now(),
    )
    audit.record(referral, AuditEntry.Kind.CREATE)
    notifications.notify(
        notifications.unit_users(to_unit),
        kind=NotificationKind.LEAD_REFERRED,
        key=f"lead:{locked.pk}:referral:{referral.pk}",
        subject=_("Lead %(lead)s referred to your unit") % {"lead": locked},
        body=reason,
        link=lead_link(locked),
    )
    return referral


def may_answer(user, referral: Referral) -> bool:
    return access.acts_for_unit(user, referral.to_unit_id) or access.can(user, Action.MANAGE)


@transaction.atomic
def referral_answer(*, referral: Referral, accept: bool, answer: str, by) -> Referral:
    """The receiving unit accepts (it becomes the owner) or declines (saying why) a referral."""
    if by is not None and not may_answer(by, referral):
        raise PermissionDenied(_("Only the unit the lead was referred to answers the referral."))
    answer = (answer or "").strip()
    if not accept and not answer:
        raise ValidationError({"answer": _("Say why your unit declines the lead.")})
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.PENDING:
        raise ValidationError({"answer": _("This referral was already answered.")})
    before = audit.snapshot(locked)
    locked.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    locked.answer, locked.answered_by, locked.answered_at = answer, _user(by), clock.now()
    locked.save()
    audit.record(locked, AuditEntry.Kind.ACTION, before=before, message=locked.status)
    lead = lock(Lead, locked.lead_id)
    if accept:
        lead_before = audit.snapshot(lead)
        lead.owning_unit_id = locked.to_unit_id
        lead.version += 1
        lead.save(update_fields=["owning_unit", "version", "updated"])
        audit.record(lead, AuditEntry.Kind.UPDATE, before=lead_before, message=f"referral accepted by {locked.to_unit}")
    notifications.notify(
        notifications.unit_users(locked.from_unit),
        kind=NotificationKind.LEAD_REFERRED,
        key=f"lead:{lead.pk}:referral:{locked.pk}:{locked.status}",
        subject=(_("%(unit)s accepted lead %(lead)s") if accept else _("%(unit)s declined lead %(lead)s"))
        % {"unit": locked.to_unit, "lead": lead},
        body=answer,
        link=lead_link(lead),
    )
    referral.__dict__.update(locked.__dict__)
    return locked
