"""Writes to investors: a new investor (on its own page, or entered with its project), an edit of one, and
an investor's profile (what it is looking for). Pages, API, admin and imports call these.

An investor and its profile carry a `version`: an edit made on an older one is refused (`EditConflict`)
rather than overwriting what someone saved meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from investledger.core import audit, versions
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict as EditConflict
from investledger.core.versions import lock
from investledger.ledger.investors.models import Investor, InvestorProfile

# What a user gives when entering or editing an investor (form, API, admin).
INVESTOR_FIELDS = (
    "name",
    "name_en",
    "parent",
    "origin",
    "country",
    "ownership",
    "fortune_global_500",
    "china_top_500",
    "listed",
    "notes",
    "is_demo",
)
PROFILE_FIELDS = ("ticket_min_cny", "ticket_max_cny", "modes", "plans")
# The facts a profile states only with a source and a date (ownership is the investor's own record).
SOURCED = {
    InvestorProfile.Fact.SECTORS: lambda p, m2m: bool(m2m.get("sectors")),
    InvestorProfile.Fact.TICKET: lambda p, m2m: p.ticket_min_cny is not None or p.ticket_max_cny is not None,
    InvestorProfile.Fact.REGIONS: lambda p, m2m: bool(m2m.get("regions")),
    InvestorProfile.Fact.MODES: lambda p, m2m: bool(p.modes),
    InvestorProfile.Fact.PLANS: lambda p, m2m: bool(p.plans.strip()),
}


@transaction.atomic
def investor_create(*, name: str, audit_message: str = "", **fields) -> Investor:
    """A new investor with its audit entry; the name must be new (names are unique)."""
    return versions.create(Investor, {"name": name.strip(), **fields}, message=audit_message)


@transaction.atomic
def investor_update(
    *,
    investor: Investor,
    fields: Mapping[str, Any],
    expected_version: int | None = None,
    audit_message: str = "",
) -> Investor:
    """Change an investor; refuses with EditConflict if it changed since `expected_version`."""
    unknown = set(fields) - set(INVESTOR_FIELDS)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not fields a user gives on an investor")
    if "name" in fields:
        fields = {**fields, "name": fields["name"].strip()}
    return versions.edit(Investor, investor.pk, fields, expected_version=expected_version, message=audit_message)


def _unsourced(profile: InvestorProfile, m2m: dict) -> dict[str, list[str]]:
    """The stated facts that say neither where they were read nor when, keyed by their source field."""
    errors: dict[str, list[str]] = {}
    for fact, stated in SOURCED.items():
        source = (profile.sources or {}).get(fact) or {}
        if stated(profile, m2m) and not ((source.get("text") or source.get("url")) and source.get("on")):
            errors[f"source_{fact}"] = [
                _("%(fact)s: say where this was read (a text or a web address) and on what date.")
                % {"fact": InvestorProfile.Fact(fact).label}
            ]
    return errors


@transaction.atomic
def profile_save(
    *,
    investor: Investor,
    fields: dict,
    sectors: Iterable[int] | None = None,
    regions: Iterable[int] | None = None,
    ownership: str | None = None,
    expected_version: int | None = None,
    audit_message: str = "",
) -> InvestorProfile:
    """Create or change an investor's profile, each stated fact with its source and date.

    `fields` holds the profile's own fields and `sources` ({fact: {"text", "url", "on"}}); `sectors` and
    `regions` are ids (None keeps them as they are); `ownership`
    changes the investor's record beside it (its own audit entry). A profile changed since
    `expected_version` is not overwritten (EditConflict).
    """
    unknown = set(fields) - {*PROFILE_FIELDS, "sources"}
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not fields of a profile")
    existing = InvestorProfile.objects.filter(investor=investor).values_list("pk", flat=True).first()
    if existing is None:
        profile, before = InvestorProfile(investor=investor), None
    else:
        profile = lock(InvestorProfile, existing, expected_version)
        before = audit.snapshot(profile)
    for name, value in fields.items():
        setattr(profile, name, value)
    m2m = {
        "sectors": sorted(set(sectors)) if sectors is not None else before["sectors"] if before else [],
        "regions": sorted(set(regions)) if regions is not None else before["regions"] if before else [],
    }
    errors: dict[str, list] = dict(_unsourced(profile, m2m))
    try:
        profile.full_clean(exclude=["investor"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if ownership is not None and ownership != investor.ownership:
        _set_ownership(investor, ownership, audit_message)
    if before is None:
        profile.save()
        profile.sectors.set(m2m["sectors"])
        profile.regions.set(m2m["regions"])
        audit.record(profile, AuditEntry.Kind.CREATE, message=audit_message)
        return profile
    current = {**audit.snapshot(profile), **m2m}
    if not audit.diff(before, current):
        return profile  # nothing changed: no new version, no audit entry
    profile.version += 1
    profile.save()
    profile.sectors.set(m2m["sectors"])
    profile.regions.set(m2m["regions"])
    audit.record(profile, AuditEntry.Kind.UPDATE, before=before, message=audit_message)
    return profile


def _set_ownership(investor: Investor, ownership: str, audit_message: str) -> None:
    locked = lock(Investor, investor.pk)
    before = audit.snapshot(locked)
    locked.ownership = ownership
    locked.full_clean(validate_unique=False)
    versions.save_edit(locked, before, message=audit_message)  # a new version of the investor: an open edit clashes
    investor.ownership, investor.version = ownership, locked.version
