from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from investledger.core.access import Role
from investledger.demo.loader import DEMO_PASSWORD, load
from investledger.ledger.events.selectors import event_totals


def _bn(value) -> str:
    return f"RMB {value / 1_000_000_000:,.1f} bn"


class Command(BaseCommand):
    help = (
        "Load the demo ledger built from published figures (Smart China Expo 2022, Chengdu Hi-Tech Zone "
        "August 2020, SmartHK 2020, InnoEX 2023) and one demo user per role. Safe to run again: what "
        "exists is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help="Send the notification e-mails the demo's issues and notices raise (kept in memory by default).",
        )
        parser.add_argument(
            "--no-extensions",
            action="store_true",
            help="Load only the ledger and users, not the other apps' demo data (investledger.<app>.demo).",
        )

    def handle(self, *args, no_extensions=False, send_mail=False, **options):
        # The demo's issues and notices notify their users in the inbox; their e-mails would only
        # flood the console of a first run, so they stay in memory unless asked for.
        mail = {} if send_mail else {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        try:
            with override_settings(**mail):
                result = load(extensions=not no_extensions, stdout=self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo ledger: {result.tally.summary()}."))
        for module in result.extensions:
            out.write(f"  extended by {module}")

        admin = next(line.user for line in result.users if line.spec.username == "admin")
        for key in ("sce2022", "cdht2020", "smarthk2020", "innoex2023"):
            event = result.events[key]
            totals = event_totals(event, admin)
            announced = (
                f"; announced {event.announced_count} / {_bn(event.announced_value_cny)}"
                if event.announced_count is not None and event.announced_value_cny is not None
                else ""
            )
            undisclosed = totals.breakdown.undisclosed if totals.breakdown else 0
            if totals.count and undisclosed == totals.count:
                value = "amounts undisclosed"
            else:
                value = _bn(totals.value_cny) + (f" ({undisclosed} undisclosed not included)" if undisclosed else "")
            out.write(f"  {event.name_en}: {totals.count} projects, {value}{announced}")

        out.write("")
        out.write(f"{'user':<20} {'role':<22} {'scope':<45} status")
        for line in result.users:
            status = "created" if line.created else "existed, password unchanged"
            scope = line.scope or ("whole ledger" if line.spec.area is None and line.spec.unit is None else "")
            if line.spec.role == "project_contact":
                scope = f"{line.user.contact_projects.count()} projects as contact"
            out.write(f"{line.spec.username:<20} {str(Role(line.spec.role).label):<22} {scope:<45} {status}")
        out.write(f"Password of the demo users created: {DEMO_PASSWORD}")
        out.write("Log in with these users at /accounts/login/ on the server (`investledger serve` or `scripts/run`).")
        out.write(f"Done in {result.seconds:.1f} s.")
        if result.failed:
            for module, error in result.failed:
                self.stderr.write(self.style.ERROR(f"{module}.load() failed, its demo data was not loaded: {error!r}"))
            raise CommandError("the demo ledger is loaded, but some apps' demo data failed (see above)")
