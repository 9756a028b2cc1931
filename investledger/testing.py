"""Test helpers: a small city, personas per role and area, and project factories.

The city: Testcity → North district (with North Park) and South district. Personas:
admin, supervisor, leader (city-wide), officer_north (North and its park), officer_park (North Park
only), officer_south, unit_power (Power Supply Company, a responsible unit), contact_a (contact of
the projects they are named on) and stranger (signed in, no role).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from investledger.accounts.models import RoleAssignment
from investledger.core.access import Role
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.services import project_create
from investledger.reference.models import Area, Sector, Unit

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


@dataclass
class ReferenceData:
    city: object
    north: object
    north_park: object
    south: object
    ev: object  # electronic information (strategic emerging)
    bio: object  # biomedicine (strategic emerging)
    food: object  # food processing (not strategic emerging)
    bureau: object
    power: object
    event: object


def build_reference_data() -> ReferenceData:
    city = Area.objects.create(code="testcity", name="测试市", name_en="Testcity", kind=Area.Kind.CITY)
    north = Area.objects.create(code="north", name="北区", name_en="North District", kind="district", parent=city)
    park = Area.objects.create(code="north-park", name="北区园区", name_en="North Park", kind="park", parent=north)
    south = Area.objects.create(code="south", name="南区", name_en="South District", kind="district", parent=city)
    ev = Sector.objects.create(
        code="ev", name="智能网联新能源汽车", name_en="Smart connected NEV", strategic_emerging=True
    )
    bio = Sector.objects.create(code="bio", name="生物医药", name_en="Biomedicine", strategic_emerging=True)
    food = Sector.objects.create(code="food", name="食品加工", name_en="Food processing")
    bureau = Unit.objects.create(code="bureau", name="投资促进局", name_en="Investment Promotion Bureau", kind="bureau")
    power = Unit.objects.create(code="power", name="供电公司", name_en="Power Supply Company", kind="utility")
    event = SigningEvent.objects.create(
        name="测试签约会", name_en="Test signing ceremony", kind="ceremony", date=dt.date(2022, 8, 22)
    )
    return ReferenceData(city, north, park, south, ev, bio, food, bureau, power, event)


@dataclass
class Personas:
    admin: object
    supervisor: object
    leader: object
    officer_north: object
    officer_park: object
    officer_south: object
    unit_power: object
    contact_a: object
    stranger: object

    @classmethod
    def create(cls, ref: ReferenceData) -> Personas:
        User = get_user_model()

        def user(name, *assignments):
            u = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
            for role, area, unit in assignments:
                RoleAssignment.objects.create(user=u, role=role, area=area, unit=unit)
            return u

        return cls(
            admin=user("admin", (Role.ADMIN, None, None)),
            supervisor=user("supervisor", (Role.SUPERVISOR, None, None)),
            leader=user("leader", (Role.LEADER, None, None)),
            officer_north=user("officer_north", (Role.DISTRICT_OFFICER, ref.north, None)),
            officer_park=user("officer_park", (Role.DISTRICT_OFFICER, ref.north_park, None)),
            officer_south=user("officer_south", (Role.DISTRICT_OFFICER, ref.south, None)),
            unit_power=user("unit_power", (Role.RESPONSIBLE_UNIT, None, ref.power)),
            contact_a=user("contact_a", (Role.PROJECT_CONTACT, None, None)),
            stranger=user("stranger"),
        )

    def all(self) -> dict[str, object]:
        return dict(self.__dict__)


def make_investor(name: str | None = None, **fields):
    return Investor.objects.create(name=name or f"Investor {next(_counter)}", **fields)


def make_project(
    *,
    area,
    sector,
    investor=None,
    name: str | None = None,
    value: Decimal | str | int = "1000000000",
    event=None,
    signed_on: dt.date | None = None,
    **fields,
):
    """A project created through the service (so it is audited and counted like any other)."""
    with audit_context(actor=None, source="test"):
        return project_create(
            fields={
                "name": name or f"Project {next(_counter)}",
                "investor": investor or make_investor(),
                "host_area": area,
                "sector": sector,
                "contract_value": Decimal(str(value)),
                **fields,
            },
            event=event,
            signed_on=signed_on,
            confirm_not_duplicate=True,
        )


def forged_entry_after(last, hasher, *, timestamp=None):
    """An audit entry as someone with write access to the database would forge it: a deletion of
    `last`'s object, chained to `last` and hashed with `hasher` (a plain hash, a retired key, or the
    current key). Not saved: the caller stores it the way its attack does."""
    forged = AuditEntry(
        timestamp=timestamp or last.timestamp,
        actor_name="admin",
        source="web:forged",
        content_type_id=last.content_type_id,
        object_id=last.object_id,
        object_repr=last.object_repr,
        kind=AuditEntry.Kind.DELETE,
        prev_hash=last.hash,
    )
    forged.hash = hasher(forged)
    return forged
