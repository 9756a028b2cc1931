"""The bureau's reference data of the lead pipeline: the registry of investment ambassadors and
agencies (referrers) and the lead classes that set response deadlines. Changed only by those who
manage reference data; audited; every edit on the version it was read at."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import access, audit
from investledger.core.access import Action
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.leads.models import (
    LeadClass,
    Referrer,
)
from investledger.ledger.projects.services import DuplicateSuspected as DuplicateSuspected

HUNDRED = Decimal("100")


# --- Referrers ------------------------------------------------------------------------------------


def _require_bureau(by, message: str) -> None:
    """The registry and the lead classes are the bureau's reference data: changed by those who manage it
    (the access rule's `reference` kind), never by a district or a unit."""
    if by is not None and not access.can(by, Action.MANAGE):
        raise PermissionDenied(message)


@transaction.atomic
def referrer_save(
    *, fields: dict, sectors=None, by, referrer: Referrer | None = None, expected_version=None
) -> Referrer:
    """Register an ambassador or agency, or change one (administrators keep the registry)."""
    _require_bureau(by, _("Only the bureau keeps the registry of referrers."))
    fields = {name: value for name, value in fields.items() if name != "active"}
    if referrer is None:
        obj = Referrer(**fields)
        obj.full_clean()
        obj.save()
        if sectors is not None:
            obj.sectors.set(sectors)
        audit.record(obj, AuditEntry.Kind.CREATE)
        return obj
    locked = lock(Referrer, referrer.pk, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if sectors is not None:
        locked.sectors.set(sectors)
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before)
    return locked


@transaction.atomic
def referrer_set_active(*, referrer: Referrer, active: bool, by, expected_version: int | None = None) -> Referrer:
    """Deactivate a referrer (its term ended, its agreement was ended) or take it back. A deactivated
    referrer keeps its leads, credit and ranking; new leads can no longer name it."""
    _require_bureau(by, _("Only the bureau keeps the registry of referrers."))
    locked = lock(Referrer, referrer.pk, expected_version)
    if locked.active == active:
        raise ValidationError(
            (_("%(referrer)s is already active.") if active else _("%(referrer)s is already deactivated."))
            % {"referrer": locked}
        )
    before = audit.snapshot(locked)
    locked.active = active
    locked.version += 1
    locked.save(update_fields=["active", "version", "updated"])
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message="activated" if active else "deactivated")
    referrer.__dict__.update(locked.__dict__)
    return locked


# --- Lead classes ---------------------------------------------------------------------------------

LEAD_CLASS_FIELDS = ("name", "min_value_cny", "respond_days", "assess_days", "feedback_days")


@transaction.atomic
def lead_class_save(
    *, fields: dict, by, lead_class: LeadClass | None = None, expected_version: int | None = None
) -> LeadClass:
    """Create a lead class or change its threshold and deadlines. Leads already received keep the
    deadlines they were given; leads received from now on take the new ones."""
    _require_bureau(by, _("Only the bureau sets the response deadlines of leads."))
    fields = {name: fields[name] for name in LEAD_CLASS_FIELDS if name in fields}
    if lead_class is None:
        obj = LeadClass(**fields)
        obj.full_clean()
        obj.save()
        audit.record(obj, AuditEntry.Kind.CREATE)
        return obj
    locked = lock(LeadClass, lead_class.pk, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.full_clean()
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before)
    return locked


@transaction.atomic
def lead_class_set_active(*, lead_class: LeadClass, active: bool, by, expected_version: int | None = None) -> LeadClass:
    """Deactivate a lead class (new leads take the next class below it) or take it back."""
    _require_bureau(by, _("Only the bureau sets the response deadlines of leads."))
    locked = lock(LeadClass, lead_class.pk, expected_version)
    if locked.active == active:
        raise ValidationError(
            (_("%(name)s is already active.") if active else _("%(name)s is already deactivated."))
            % {"name": locked.name}
        )
    before = audit.snapshot(locked)
    locked.active = active
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=["active", "version", "updated"])
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message="activated" if active else "deactivated")
    lead_class.__dict__.update(locked.__dict__)
    return locked
