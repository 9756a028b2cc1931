from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations, then serve investledger (development server; use gunicorn behind a proxy in production)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations first.")

    def handle(self, *args, addrport, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"investledger at http://{addrport}/ (log in at /accounts/login/)"))
        call_command("runserver", addrport, use_reloader=False, insecure_serving=not settings.DEBUG)
