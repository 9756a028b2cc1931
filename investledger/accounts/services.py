"""Changes to users, their roles and their API tokens. Pages and commands call these; each is audited.

A user's audit snapshot holds who they are, whether they may sign in and the roles they hold,
never their password hash.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from investledger.accounts.models import RoleAssignment, User
from investledger.core import audit
from investledger.core.access import Role
from investledger.core.models import AuditEntry

AUDITED_FIELDS = ("username", "display_name", "first_name", "last_name", "email", "language", "unit_id", "is_active")
EDITABLE_FIELDS = {"username", "display_name", "first_name", "last_name", "email", "language", "unit"}


def user_snapshot(user: User) -> dict:
    data = {name: getattr(user, name) for name in AUDITED_FIELDS}
    data["roles"] = sorted(
        f"{a.role}:{a.area_id or ''}:{a.unit_id or ''}" for a in RoleAssignment.objects.filter(user=user)
    )
    return data


def _forget_cached_roles(user: User) -> None:
    user.__dict__.pop("_investledger_assignments", None)


def _validate_roles(roles: list[dict]) -> list[dict]:
    """Each role as {"role", "area", "unit"}; district officers need an area, responsible units a unit."""
    clean, seen, errors = [], set(), []
    for i, item in enumerate(roles, start=1):
        role, area, unit = item.get("role"), item.get("area"), item.get("unit")
        if role not in Role.values:
            errors.append(_("Role %(n)d: choose a role.") % {"n": i})
            continue
        if role == Role.DISTRICT_OFFICER and area is None:
            errors.append(_("Role %(n)d: a district officer needs an area.") % {"n": i})
        if role == Role.RESPONSIBLE_UNIT and unit is None:
            errors.append(_("Role %(n)d: a responsible unit needs a unit.") % {"n": i})
        key = (role, getattr(area, "pk", None), getattr(unit, "pk", None))
        if key in seen:
            continue
        seen.add(key)
        clean.append({"role": role, "area": area, "unit": unit})
    if errors:
        raise ValidationError({"roles": errors})
    return clean


def _set_roles(user: User, roles: list[dict]) -> None:
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=r["role"], area=r["area"], unit=r["unit"]) for r in roles]
    )
    _forget_cached_roles(user)


@transaction.atomic
def user_create(*, fields: dict, password: str, roles: list[dict], audit_message: str = "") -> User:
    """Create a user who may sign in with `password` (checked by the password validators)."""
    roles = _validate_roles(roles)
    user = User(**fields)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    _set_roles(user, roles)
    audit.record(user, AuditEntry.Kind.CREATE, after=user_snapshot(user), message=audit_message)
    return user


@transaction.atomic
def user_update(*, user: User, fields: dict, roles: list[dict] | None = None, audit_message: str = "") -> User:
    """Change a user's details and, when given, replace the roles they hold."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = user_snapshot(locked)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not changed through user_update")
        setattr(locked, name, value)
    locked.full_clean(exclude=["password"])
    locked.save()
    if roles is not None:
        _set_roles(locked, _validate_roles(roles))
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, after=user_snapshot(locked), message=audit_message)
    _forget_cached_roles(user)
    return locked


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User | None = None, reason: str = "") -> User:
    """Let a user sign in again, or stop them (their sessions and API token stop working at once).

    Users are deactivated, never deleted: the audit trail keeps naming who did what.
    """
    if not active and by is not None and by.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    before = user_snapshot(locked)
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=locked).delete()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before, after=user_snapshot(locked), message=reason)
    return locked


@transaction.atomic
def token_revoke(*, user: User, reason: str = "") -> bool:
    """Revoke the user's API token; returns whether there was one. Clients using it get HTTP 401."""
    deleted, _count = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record(user, AuditEntry.Kind.ACTION, after=user_snapshot(user), message=reason or "API token revoked")
    return bool(deleted)
