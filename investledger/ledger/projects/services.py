"""Writes that matter to projects and signings. Pages, API, admin, imports and commands all call these.

Each function is one transaction: it validates, saves, recounts what the counting rule derives and
records the audit entry, so a change is never on record without its trail (or the reverse).
The writes that record several entries (a project and its signing, the light supervision
reassesses, the recount) run in `audit.collected()`: what derives from the ledger (the dashboard's
summary cells) is brought up to date once, at the end of the service's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, clock, references
from investledger.core.models import AuditEntry
from investledger.core.money import AMOUNT_MAX, convert_to_cny, grouped, quantize
from investledger.core.templatetags.ledger import money as money_text
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.ledger.projects.choices import STAGE_ORDER, Currency, SideState, SigningKind, Stage
from investledger.ledger.projects.duplicates import AreaProjects
from investledger.ledger.projects.models import Project, Signing

M2M_FIELDS = ("co_investors", "involved_units", "contacts")

# What a user may give when entering or editing a project, through a form, the API or an import.
# Everything else on Project is derived (reference, CNY amount, stage, first event, version).
EDITABLE_FIELDS = (
    "name",
    "investor",
    "co_investors",
    "host_area",
    "sector",
    "agreement_type",
    "currency",
    "contract_value",
    "fx_rate",
    "fx_date",
    "outside_value_cny",
    "fixed_asset_value_cny",
    "value_approximate",
    "value_estimated",
    "value_undisclosed",
    "planned_jobs",
    "planned_start",
    "planned_completion",
    "planned_production",
    "lead_unit",
    "involved_units",
    "responsible_leader",
    "commissioner",
    "contacts",
    "description",
    "is_demo",
)


# Functions called with the project after its creation and each change of its record, inside the same
# transaction. Apps that derive something from a project register here (supervision gives a new
# project its milestone plan and recomputes the light), so the projects app needs to know nothing
# about them. Imports write projects in bulk and call `supervision.services.lifecycle_start_rows`.
AFTER_PROJECT_CHANGE: list = []


def _after_project_change(project: Project) -> None:
    for hook in AFTER_PROJECT_CHANGE:
        hook(project)


class DuplicateSuspected(Exception):
    """A new project looks like one already in the ledger; the user must confirm it is different."""

    def __init__(self, candidates: list[DuplicateCandidate]):
        super().__init__(candidates)
        self.candidates = candidates


# --- Likely duplicates (the rule is `duplicates.py`) ------------------------------------------


@dataclass
class DuplicateCandidate:
    project: Project
    reasons: list[str]
    score: float


def find_likely_duplicates(
    *,
    name: str,
    investor_id: int | None,
    host_area_id: int | None,
    contract_value_cny: Decimal | None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """Projects that are probably the same as the one described (`duplicates.AreaProjects`, the rule
    imports apply to each row), with what pages show of them."""
    matches = AreaProjects(host_area_id, exclude_pk=exclude_pk).matches(
        name, investor_id, contract_value_cny, limit=limit
    )
    projects = Project.objects.select_related("investor", "host_area", "first_event").in_bulk(
        [match.known.pk for match in matches]
    )
    return [
        DuplicateCandidate(projects[match.known.pk], match.reasons, match.score)
        for match in matches
        if match.known.pk in projects
    ]


# --- Projects ----------------------------------------------------------------------------------


def reserve_references(year: int, count: int = 1) -> list[str]:
    """Hand out `count` consecutive project references for `year` (P2022-00001); call inside a transaction."""
    return references.reserve(Project, "P", year, count, digits=5)


def _next_reference(year: int) -> str:
    return reserve_references(year, 1)[0]


def _apply_money(project: Project) -> None:
    if project.currency == Currency.CNY:
        project.fx_rate = Decimal("1")
    if project.contract_value is not None and project.fx_rate:
        project.contract_value_cny = convert_to_cny(project.contract_value, project.fx_rate)


def _set_m2m(project: Project, m2m: dict | None) -> None:
    for name, values in (m2m or {}).items():
        if name not in M2M_FIELDS:
            raise ValueError(f"not a to-many field of Project: {name}")
        getattr(project, name).set(values)


@transaction.atomic
@audit.collected()
def project_create(
    *,
    fields: dict,
    m2m: dict | None = None,
    event=None,
    signed_on: dt.date | None = None,
    confirm_not_duplicate: bool = False,
    audit_message: str = "",
) -> Project:
    """Create a project, and its first signing when an event is given.

    Raises DuplicateSuspected unless the caller confirms the project is not a likely duplicate.
    """
    project = Project(**fields)
    _apply_money(project)
    if "stage" not in fields:
        project.stage = Stage.SIGNED
    project.reference = _next_reference((signed_on or (event.date if event else None) or clock.today()).year)
    project.full_clean(exclude=["reference", "contract_value_cny"])
    if not confirm_not_duplicate:
        candidates = find_likely_duplicates(
            name=project.name,
            investor_id=project.investor_id,
            host_area_id=project.host_area_id,
            contract_value_cny=project.contract_value_cny,
        )
        if candidates:
            raise DuplicateSuspected(candidates)
    project.save()
    _set_m2m(project, m2m)
    audit.record(project, AuditEntry.Kind.CREATE, message=audit_message)
    if event is not None:
        signing_add(
            project=project,
            event=event,
            signed_on=signed_on or event.date,
            kind=SigningKind.NEW,
            stated_value_cny=project.contract_value_cny,
            audit_message=audit_message,
        )
        project.refresh_from_db()
    _after_project_change(project)
    return project


@transaction.atomic
@audit.collected()
def project_update(
    *,
    project: Project,
    fields: dict,
    m2m: dict | None = None,
    expected_version: int | None = None,
    audit_message: str = "",
) -> Project:
    """Change a project's fields; refuses with EditConflict if it changed since `expected_version`."""
    locked = lock(Project, project.pk, expected_version)
    before = audit.snapshot(locked)
    protected = {"stage", "first_event", "signed_on", "reference", "version", "contract_value_cny", "id"}
    for name, value in fields.items():
        if name in protected:
            raise ValueError(f"{name} is not changed through project_update")
        setattr(locked, name, value)
    _apply_money(locked)
    locked.full_clean(exclude=["reference", "contract_value_cny"])
    _set_m2m(locked, m2m)
    if not audit.diff(before, audit.snapshot(locked)):
        return locked  # nothing changed: no new version, no audit entry
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=audit_message)
    _after_project_change(locked)
    if before.get("contract_value_cny") != audit.snapshot(locked).get("contract_value_cny"):
        # A changed amount changes what the first signing states and so what its event counts.
        signings = list(locked.signings.order_by("signed_on", "id"))
        first = signings[0] if signings else None
        if first is not None and first.kind == SigningKind.NEW:
            signing_before = audit.snapshot(first)
            # Capital increases signed later keep their increments; the first signing states the rest.
            increments = sum(
                (s.stated_value_cny for s in signings[1:] if s.kind == SigningKind.CAPITAL_INCREASE), Decimal("0")
            )
            first.stated_value_cny = max(locked.contract_value_cny - increments, Decimal("0"))
            first.save(update_fields=["stated_value_cny", "updated"])
            audit.record(first, AuditEntry.Kind.UPDATE, before=signing_before, message=audit_message)
            recount_signings(locked, audit_message=audit_message)
    project.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
@audit.collected()
def project_set_stage(*, project: Project, stage: str, reason: str = "") -> Project:
    """Move a project to a lifecycle stage. Supervision calls this from the milestones met."""
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage.")})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.stage == stage:
        return locked
    before = audit.snapshot(locked)
    locked.stage = stage
    locked.version += 1
    locked.save(update_fields=["stage", "version", "updated"])
    audit.record(locked, AuditEntry.Kind.STAGE, before=before, message=reason)
    project.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def project_set_light(*, project: Project, light: str, assessed_on: dt.date, reason: str = "") -> Project:
    """Record the project's current light (the latest assessment by its date). Supervision calls this.

    The light is derived, not edited, so it does not count as a new version of the record: an edit
    started before the scan is not refused for it.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.light == light and locked.light_on == assessed_on:
        return locked
    before = audit.snapshot(locked)
    locked.light, locked.light_on = light, assessed_on
    locked.save(update_fields=["light", "light_on", "updated"])
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=reason)
    project.light, project.light_on = light, assessed_on
    return locked


@transaction.atomic
@audit.collected()
def project_set_side_state(
    *, project: Project, side_state: str, reason: str, since: dt.date | None, expected_version: int | None = None
) -> Project:
    """Mark a project stalled, suspended or terminated (with reason and date), or clear the side state."""
    locked = lock(Project, project.pk, expected_version)
    before = audit.snapshot(locked)
    if side_state and side_state not in SideState.values:
        raise ValidationError({"side_state": _("Unknown side state.")})
    locked.side_state = side_state
    locked.side_state_reason = reason if side_state else ""
    locked.side_state_date = since if side_state else None
    locked.full_clean(exclude=["reference", "contract_value_cny"])
    locked.version += 1
    locked.save(update_fields=["side_state", "side_state_reason", "side_state_date", "version", "updated"])
    audit.record(locked, AuditEntry.Kind.STAGE, before=before, message=reason)
    _after_project_change(locked)
    project.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def project_involve_unit(*, project: Project, unit, expected_version: int | None = None, message: str = "") -> bool:
    """Add a unit to the units that must act on a project, so its staff can see the project.

    A change of the record like any other: a new version (an edit started before it is refused rather
    than dropping the unit), audited on the project. False when the unit is already the lead or involved.
    """
    locked = lock(Project, project.pk, expected_version)
    if locked.lead_unit_id == unit.pk or locked.involved_units.filter(pk=unit.pk).exists():
        return False
    before = audit.snapshot(locked)
    locked.involved_units.add(unit)
    locked.version += 1
    locked.save(update_fields=["version", "updated"])
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=message)
    project.version = locked.version
    return True


@transaction.atomic
@audit.collected()
def project_delete(*, project: Project, reason: str) -> None:
    """Delete a project entered by mistake. Ending a real project is `project_set_side_state(terminated)`."""
    before = audit.snapshot(project)
    for signing in list(project.signings.all()):
        audit.record(signing, AuditEntry.Kind.DELETE, before=audit.snapshot(signing), message=reason)
    project_pk = project.pk
    project.delete()
    project.pk = project_pk
    audit.record(project, AuditEntry.Kind.DELETE, before=before, message=reason)


# --- Signings and the counting-once rule -----------------------------------------------------------


@transaction.atomic
@audit.collected()
def signing_add(
    *,
    project: Project,
    event,
    signed_on: dt.date,
    kind: str,
    stated_value_cny: Decimal,
    notes: str = "",
    audit_message: str = "",
) -> Signing:
    """Record that a project was signed (again) at an event, then recount the project's signings."""
    signing = Signing(
        project=project,
        event=event,
        signed_on=signed_on,
        kind=kind,
        stated_value_cny=stated_value_cny,
        notes=notes,
    )
    signing.full_clean()
    if kind == SigningKind.CAPITAL_INCREASE and project.signings.exists():
        # The increment raises the project's own amount, so the event totals keep adding up to it.
        signing.stated_value_cny = _raise_amount(project, stated_value_cny, audit_message=audit_message)
    signing.save()
    audit.record(signing, AuditEntry.Kind.CREATE, message=audit_message)
    recount_signings(project, audit_message=audit_message)
    return signing


def _raise_amount(project: Project, increment_cny: Decimal, *, audit_message: str) -> Decimal:
    """Add a capital increase to the project's amount; returns the increment as the CNY amount grew.

    An amount in another currency grows by the increment at the project's recorded rate; the CNY
    amount is then converted again, and what it grew by is what the signing states, to the cent.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    before = audit.snapshot(locked)
    old_cny = locked.contract_value_cny
    if locked.currency == Currency.CNY:
        locked.contract_value += increment_cny
    else:
        locked.contract_value += quantize(increment_cny / locked.fx_rate)
    _apply_money(locked)
    if locked.contract_value_cny > AMOUNT_MAX:
        # Said on the increment: the project's own amount would pass the one bound of money.
        raise ValidationError(
            {
                "stated_value_cny": ValidationError(
                    _(
                        "With this increment the project's amount would be %(total)s yuan: more than the largest amount the ledger holds, %(limit)s yuan."
                    ),
                    code="amount_too_large",
                    params={"total": grouped(locked.contract_value_cny), "limit": grouped(AMOUNT_MAX)},
                )
            }
        )
    locked.full_clean(exclude=["reference", "contract_value_cny"])
    locked.version += 1
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=audit_message)
    _after_project_change(locked)
    project.__dict__.update(locked.__dict__)
    return locked.contract_value_cny - old_cny


def capital_increase_warnings(project: Project, increment_cny: Decimal) -> list[str]:
    """Why an increment may really be the project's new total, for the user to confirm before saving.

    People read the new total off the agreement and type it where the increment goes. A new total
    is never below the current amount, so an increment as large as the project itself is asked about.
    """
    if increment_cny is None or increment_cny <= 0:
        return []
    current = project.contract_value_cny or Decimal("0")
    if increment_cny >= current:
        if current and increment_cny > current:
            return [
                _(
                    "The increment (%(increment)s) is larger than the project itself (%(current)s). If "
                    "%(increment)s is the new total, the increment is %(difference)s."
                )
                % {
                    "increment": money_text(increment_cny),
                    "current": money_text(current),
                    "difference": money_text(increment_cny - current),
                }
            ]
        return [
            _(
                "The increment (%(increment)s) is as large as the project's current amount (%(current)s): "
                "did you type the new total? The project would become %(total)s."
            )
            % {
                "increment": money_text(increment_cny),
                "current": money_text(current),
                "total": money_text(current + increment_cny),
            }
        ]
    return []


def counting_rule(kind: str, position: int, stated: Decimal) -> tuple[bool, Decimal]:
    """What one signing adds to its event: (counts as a project, amount counted).

    - the first signing of a project counts it, with its full amount, whatever its kind;
    - a re-signing adds nothing;
    - an upgrade counts as a project but not its amount again;
    - a capital increase counts only the increment (the amount stated), not as a new project;
    - a change of investor counts under the new event, in full (earlier signings stop counting).
    """
    if position == 0:
        return True, stated
    if kind == SigningKind.UPGRADE:
        return True, Decimal("0")
    if kind == SigningKind.CAPITAL_INCREASE:
        return False, stated
    if kind == SigningKind.INVESTOR_CHANGE:
        return True, stated
    return False, Decimal("0")


@transaction.atomic
def recount_signings(project: Project, *, audit_message: str = "") -> None:
    """Derive each signing's counted project and amount, and the project's first event and date."""
    signings = list(project.signings.select_for_update().order_by("signed_on", "id"))
    results = [counting_rule(s.kind, i, s.stated_value_cny) for i, s in enumerate(signings)]
    last_change = max(
        (i for i, s in enumerate(signings) if i > 0 and s.kind == SigningKind.INVESTOR_CHANGE), default=None
    )
    if last_change is not None:
        results = [(False, Decimal("0")) if i < last_change else r for i, r in enumerate(results)]
    for signing, (counted, value) in zip(signings, results, strict=True):
        if signing.counted_project != counted or signing.counted_value_cny != value:
            before = audit.snapshot(signing)
            signing.counted_project, signing.counted_value_cny = counted, value
            signing.save(update_fields=["counted_project", "counted_value_cny", "updated"])
            audit.record(signing, AuditEntry.Kind.UPDATE, before=before, message=audit_message)
    first = signings[0] if signings else None
    first_event_id = first.event_id if first else None
    first_date = first.signed_on if first else None
    if project.first_event_id != first_event_id or project.signed_on != first_date:
        locked = Project.objects.select_for_update().get(pk=project.pk)
        before = audit.snapshot(locked)
        locked.first_event_id, locked.signed_on = first_event_id, first_date
        locked.save(update_fields=["first_event", "signed_on", "updated"])
        audit.record(locked, AuditEntry.Kind.UPDATE, before=before, message=audit_message)
        project.first_event_id, project.signed_on = first_event_id, first_date
