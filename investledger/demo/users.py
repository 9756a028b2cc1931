"""Demo users, one per role, all with the same printed password. Created only when missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from investledger.accounts.models import RoleAssignment, User
from investledger.core.access import Role
from investledger.reference.models import Area, Unit

from .records import Tally

DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    area: str | None = None  # area code the role is limited to
    unit: str | None = None  # unit code of a responsible unit
    superuser: bool = False


USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Bureau administrator (demo)", Role.ADMIN, superuser=True),
    DemoUser("supervisor", "Supervision office (demo)", Role.SUPERVISOR),
    DemoUser("leader", "City leader (demo)", Role.LEADER),
    DemoUser("officer_liangjiang", "Liangjiang New Area officer (demo)", Role.DISTRICT_OFFICER, area="cq-liangjiang"),
    DemoUser("officer_hitech", "Chengdu Hi-Tech Zone officer (demo)", Role.DISTRICT_OFFICER, area="cd-hitech"),
    DemoUser("unit_power", "State Grid Chongqing (demo)", Role.RESPONSIBLE_UNIT, unit="cq-power"),
    DemoUser("contact", "Yuxin Power Battery contact (demo)", Role.PROJECT_CONTACT),
)


@dataclass
class UserLine:
    spec: DemoUser
    user: User
    created: bool

    @property
    def scope(self) -> str:
        assignment = self.user.role_assignments.select_related("area", "unit").filter(role=self.spec.role).first()
        if assignment is None:
            return ""
        scope = assignment.area or assignment.unit
        return scope.name_en if scope else ""


@transaction.atomic
def _create(spec: DemoUser, password: str):
    User = get_user_model()
    area = Area.objects.get(code=spec.area) if spec.area else None
    unit = Unit.objects.get(code=spec.unit) if spec.unit else None
    user = User(
        username=spec.username,
        email=f"{spec.username}@example.org",
        display_name=spec.display_name,
        is_staff=spec.superuser,
        is_superuser=spec.superuser,
        unit=unit,
    )
    validate_password(password, user)  # the settings' validators apply to demo users as to anyone
    user.set_password(password)
    user.full_clean()
    user.save()
    RoleAssignment.objects.create(user=user, role=spec.role, area=area, unit=unit)
    return user


def load_users(tally: Tally, *, password: str = DEMO_PASSWORD) -> list[UserLine]:
    """Create each demo user that does not exist yet; existing accounts are left untouched."""
    User = get_user_model()
    lines = []
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = _create(spec, password)
            tally.add("user")
        lines.append(UserLine(spec, user, created))
    return lines
