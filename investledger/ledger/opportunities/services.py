"""Writes to opportunity lists, opportunities and the interest left on them. Pages, API, admin and the
demo all call these.

Each function is one transaction: it validates, saves and records the audit entry, so a change is never
on record without its trail. Lists and opportunities carry a `version`: an edit made on an older one is
refused (`EditConflict`) rather than overwriting what someone saved meanwhile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investledger.core import audit, clock
from investledger.core.models import AuditEntry
from investledger.core.money import convert_to_cny
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.ledger.opportunities.choices import TRANSITIONS, InterestState, Status
from investledger.ledger.opportunities.models import Interest, Opportunity, OpportunityList, StatusChange
from investledger.ledger.projects.choices import Currency
from investledger.ledger.projects.models import Project

# What a user may give when entering or editing a list or an opportunity (form, API or import).
LIST_FIELDS = (
    "title",
    "title_en",
    "publishing_area",
    "publishing_unit",
    "released_on",
    "event",
    "published",
    "notes",
    "is_demo",
)
OPPORTUNITY_FIELDS = (
    "title",
    "title_en",
    "category",
    "host_area",
    "location",
    "land_area",
    "land_area_unit",
    "currency",
    "estimated_value",
    "fx_rate",
    "value_approximate",
    "cooperation_mode",
    "incentives",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
    "description_en",
    "is_demo",
)

# How many expressions of interest one client address may leave in `INTEREST_WINDOW`.
INTEREST_LIMIT = 5
INTEREST_WINDOW = dt.timedelta(hours=1)


def _only(fields: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    for name in fields:
        if name not in allowed:
            raise ValueError(f"{name} is not a field a user gives on {what}")


def _save_edit(locked: Any, before: dict, audit_message: str) -> None:
    """Save an edited record as its next version, with its audit entry; nothing when nothing changed."""
    if not audit.diff(before, audit.snapshot(locked)):
        return
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=audit_message)


# --- Lists -------------------------------------------------------------------------------------


@transaction.atomic
def list_create(*, fields: dict[str, Any], audit_message: str = "") -> OpportunityList:
    """Create an opportunity list (a batch published by an area)."""
    _only(fields, LIST_FIELDS, "an opportunity list")
    opportunity_list = OpportunityList(**fields)
    opportunity_list.full_clean()
    opportunity_list.save()
    audit.record(opportunity_list, AuditEntry.Kind.CREATE, message=audit_message)
    return opportunity_list


@transaction.atomic
def list_update(
    *,
    opportunity_list: OpportunityList,
    fields: dict[str, Any],
    expected_version: int | None = None,
    audit_message: str = "",
) -> OpportunityList:
    """Change a list; refuses with EditConflict if it changed since `expected_version`."""
    _only(fields, LIST_FIELDS, "an opportunity list")
    locked = lock(OpportunityList, opportunity_list.pk, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    if "publishing_area" in fields:
        outside = locked.opportunities.exclude(host_area__path__startswith=locked.publishing_area.path)
        if outside.exists():
            raise ValidationError(
                {
                    "publishing_area": _(
                        "%(count)d opportunities of this list are hosted outside %(area)s; move them first."
                    )
                    % {"count": outside.count(), "area": locked.publishing_area.label}
                }
            )
    _save_edit(locked, before, audit_message)
    opportunity_list.__dict__.update(locked.__dict__)
    return locked


# --- Opportunities -----------------------------------------------------------------------------


def _apply_money(opportunity: Opportunity) -> None:
    if opportunity.currency == Currency.CNY:
        opportunity.fx_rate = Decimal("1")
    if opportunity.estimated_value is None:
        opportunity.estimated_value_cny = None
        opportunity.value_approximate = False
    elif opportunity.fx_rate:
        opportunity.estimated_value_cny = convert_to_cny(opportunity.estimated_value, opportunity.fx_rate)


@transaction.atomic
def opportunity_create(
    *,
    opportunity_list: OpportunityList,
    fields: dict[str, Any],
    sectors: list | None = None,
    audit_message: str = "",
) -> Opportunity:
    """Add an opportunity to a list, open from its list's release date (or today)."""
    _only(fields, OPPORTUNITY_FIELDS, "an opportunity")
    opportunity = Opportunity(list=opportunity_list, **fields)
    _apply_money(opportunity)
    opportunity.status = Status.OPEN
    opportunity.status_on = opportunity_list.released_on or clock.today()
    opportunity.full_clean(exclude=["estimated_value_cny"])
    opportunity.save()
    if sectors:
        opportunity.sectors.set(sectors)
    audit.record(opportunity, AuditEntry.Kind.CREATE, message=audit_message)
    change = StatusChange.objects.create(
        opportunity=opportunity,
        from_status="",
        to_status=Status.OPEN,
        changed_on=opportunity.status_on,
        reason=_("Listed in %(list)s.") % {"list": opportunity_list.label},
        changed_by=_actor(),
    )
    audit.record(change, AuditEntry.Kind.CREATE, message=audit_message)
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    fields: dict[str, Any],
    sectors: list | None = None,
    expected_version: int | None = None,
    audit_message: str = "",
) -> Opportunity:
    """Change an opportunity's description; its status moves through `opportunity_set_status` only."""
    _only(fields, OPPORTUNITY_FIELDS, "an opportunity")
    locked = lock(Opportunity, opportunity.pk, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _apply_money(locked)
    locked.full_clean(exclude=["estimated_value_cny"])
    if sectors is not None:
        locked.sectors.set(sectors)
    _save_edit(locked, before, audit_message)
    opportunity.__dict__.update(locked.__dict__)
    return locked


def _actor():
    """The user acting, as the audit trail names them (None for commands and the demo)."""
    actor = audit.current_context().actor
    actor = actor.resolve() if hasattr(actor, "resolve") else actor
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def opportunity_set_status(
    *,
    opportunity: Opportunity,
    status: str,
    reason: str,
    project: Project | None = None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> StatusChange:
    """Move an opportunity to another status, with the reason; a signing names the project it became.

    Open ⇄ in talks, either → signed (with its project) or withdrawn; a withdrawn one may be offered
    again. Signed is final: the project keeps the link.
    """
    locked = lock(Opportunity, opportunity.pk, expected_version)
    reason = (reason or "").strip()
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == locked.status:
        raise ValidationError(
            {"status": _("The opportunity is already %(status)s.") % {"status": locked.get_status_display()}}
        )
    if status not in TRANSITIONS[locked.status]:
        raise ValidationError(
            {
                "status": _("An opportunity that is %(from)s cannot become %(to)s.")
                % {"from": locked.get_status_display(), "to": Status(status).label}
            }
        )
    if not reason:
        raise ValidationError({"reason": _("Say why the status changes.")})
    if status == Status.SIGNED:
        if project is None:
            raise ValidationError({"project": _("Name the project the opportunity was signed as.")})
        taken = Opportunity.objects.filter(project=project).exclude(pk=locked.pk).first()
        if taken is not None:
            raise ValidationError(
                {
                    "project": _("%(project)s is already linked to the opportunity “%(opportunity)s”.")
                    % {"project": project, "opportunity": taken.label}
                }
            )
    elif project is not None:
        raise ValidationError({"project": _("Only a signed opportunity links a project.")})
    changed_on = on or clock.today()
    if locked.status_on and changed_on < locked.status_on:
        raise ValidationError(
            {"on": _("The date cannot be before the last change of status, %(date)s.") % {"date": locked.status_on}}
        )
    before = audit.snapshot(locked)
    previous = locked.status
    locked.status = status
    locked.status_on = changed_on
    if status == Status.SIGNED:
        locked.project = project
    locked.version += 1
    locked.save(update_fields=["status", "status_on", "project", "version", "updated"])
    audit.record(locked, AuditEntry.Kind.STAGE, before=before, message=reason)
    change = StatusChange.objects.create(
        opportunity=locked,
        from_status=previous,
        to_status=status,
        changed_on=changed_on,
        reason=reason,
        project=project if status == Status.SIGNED else None,
        changed_by=_actor(),
    )
    audit.record(change, AuditEntry.Kind.CREATE, message=reason)
    opportunity.__dict__.update(locked.__dict__)
    return change


# --- Interest from the public catalogue --------------------------------------------------------


class TooManyInterests(Exception):
    """One client address left more expressions of interest than `INTEREST_LIMIT` in `INTEREST_WINDOW`."""


def client_key(address: str) -> str:
    """A keyed hash of a client address: enough to count its messages, without keeping the address."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def interest_submit(
    *, opportunity: Opportunity, name: str, organisation: str, email: str, message: str, language: str, client: str
) -> Interest:
    """Keep a public reader's interest in an open opportunity of a published list, whole or not at all."""
    if not Opportunity.objects.public().filter(pk=opportunity.pk).exists():
        raise ValidationError(_("This opportunity is no longer open."))
    key = client_key(client)
    since = timezone.now() - INTEREST_WINDOW  # real time: compared with the rows' own `created` stamps
    if Interest.objects.filter(client_key=key, created__gte=since).count() >= INTEREST_LIMIT:
        raise TooManyInterests
    interest = Interest(
        opportunity=opportunity,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        message=message.strip(),
        language=language[:10],
        client_key=key,
    )
    interest.full_clean()
    interest.save()
    audit.record(interest, AuditEntry.Kind.CREATE)
    return interest


@transaction.atomic
def interest_handle(*, interest: Interest, note: str = "") -> Interest:
    """Mark an expression of interest handled (answered, passed on), with a note."""
    locked = Interest.objects.select_for_update().get(pk=interest.pk)
    if locked.state == InterestState.HANDLED:
        return locked
    before = audit.snapshot(locked)
    locked.state = InterestState.HANDLED
    locked.handled_by = _actor()
    locked.handled_note = (note or "").strip()[:500]
    locked.full_clean()
    locked.save(update_fields=["state", "handled_by", "handled_note", "updated"])
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=locked.handled_note)
    interest.__dict__.update(locked.__dict__)
    return locked
