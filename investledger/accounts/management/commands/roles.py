"""`investledger roles USER`: show, grant and revoke a user's roles from the command line.

For the first administrator of a new installation, and for scripts. Every change is audited as
`command:roles`.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from investledger.accounts import services
from investledger.accounts.models import User
from investledger.core.access import Role
from investledger.core.audit import audit_context
from investledger.reference.models import Area, Unit


class Command(BaseCommand):
    help = "Show a user's roles; --grant/--revoke ROLE [--area CODE] [--unit CODE]; --deactivate/--activate."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--grant", choices=Role.values)
        parser.add_argument("--revoke", choices=Role.values)
        parser.add_argument("--area", help="Area code limiting the role (and its sub-areas).")
        parser.add_argument("--unit", help="Unit code (responsible units).")
        parser.add_argument("--deactivate", action="store_true")
        parser.add_argument("--activate", action="store_true")

    def handle(self, *args, username, grant, revoke, area, unit, deactivate, activate, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f'No user "{username}".') from exc
        area_obj = unit_obj = None
        if area:
            area_obj = Area.objects.filter(code=area).first()
            if area_obj is None:
                raise CommandError(f'No area with code "{area}".')
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f'No unit with code "{unit}".')
        current = [{"role": a.role, "area": a.area, "unit": a.unit} for a in user.role_assignments.all()]
        with audit_context(actor=None, source="command:roles"):
            try:
                if grant:
                    services.user_update(
                        user=user, fields={}, roles=current + [{"role": grant, "area": area_obj, "unit": unit_obj}]
                    )
                if revoke:
                    kept = [
                        r
                        for r in current
                        if not (
                            r["role"] == revoke
                            and (area is None or r["area"] == area_obj)
                            and (unit is None or r["unit"] == unit_obj)
                        )
                    ]
                    services.user_update(user=user, fields={}, roles=kept)
                if deactivate or activate:
                    services.user_set_active(user=user, active=activate, reason="command line")
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        user.refresh_from_db()
        state = "active" if user.is_active else "inactive"
        roles = [str(a) for a in user.role_assignments.select_related("area", "unit")] or ["no role"]
        self.stdout.write(f"{user.username} ({state}): " + ", ".join(roles))
