"""`investledger serve`: migrate, collect the static files, then serve with gunicorn.

gunicorn is the production WSGI server; static files are served by WhiteNoise from STATIC_ROOT
(compressed and with far-future cache headers in production mode). `--dev` runs Django's
development server instead (auto-reload, static files from the source folders); never expose it.
"""

from __future__ import annotations

import multiprocessing

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """gunicorn's advice, (2 x cores) + 1, overridden by WEB_CONCURRENCY as most platforms set it."""
    if settings.WEB_CONCURRENCY:
        return settings.WEB_CONCURRENCY
    return multiprocessing.cpu_count() * 2 + 1


class Command(BaseCommand):
    help = "Apply migrations, collect static files, then serve investledger with gunicorn (--dev: Django's development server)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="ADDR:PORT to listen on.")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations first.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default: 2 x cores + 1, or WEB_CONCURRENCY).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="threads per worker process (default: WEB_THREADS, 2; more than 1 runs gunicorn's threaded worker).",
        )
        parser.add_argument("--timeout", type=int, default=60, help="seconds before a silent worker is restarted.")
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server with auto-reload (never in production)."
        )

    def handle(self, *args, addrport, no_migrate, workers, threads, timeout, dev, **options):
        if ":" not in addrport:
            raise CommandError(f"expected ADDR:PORT, got {addrport!r} (for example 127.0.0.1:8000 or 0.0.0.0:8080)")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        if dev:
            self.stdout.write(self.style.WARNING(f"development server at http://{addrport}/ (never expose it)"))
            call_command("runserver", addrport, use_reloader=True)
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or default_workers()
        threads = threads or settings.WEB_THREADS
        self.stdout.write(
            self.style.SUCCESS(
                f"investledger at http://{addrport}/ (log in at /accounts/login/): gunicorn, {workers} workers "
                f"of {threads} thread{'s' if threads > 1 else ''}, "
                f"DEBUG {'on' if settings.DEBUG else 'off'}"
            )
        )
        self.stdout.flush()
        run_gunicorn(addrport, workers=workers, threads=threads, timeout=timeout)


def gunicorn_settings(addrport: str, *, workers: int, threads: int, timeout: int) -> dict:
    """gunicorn's settings for `serve`. More than one thread makes gunicorn run its threaded worker
    (gthread): a worker waiting for the database answers another request meanwhile."""
    return {
        "bind": addrport,
        "workers": workers,
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 20,
        "accesslog": settings.INVESTLEDGER_ACCESS_LOG,
        "errorlog": "-",
        "loglevel": settings.LOG_LEVEL.lower(),
        # Workers are recycled now and then so that a slow leak in any library never grows unbounded.
        "max_requests": 2000,
        "max_requests_jitter": 200,
    }


def run_gunicorn(addrport: str, *, workers: int, threads: int = 1, timeout: int) -> None:
    class _Server(BaseApplication):
        def load_config(self):
            for name, value in gunicorn_settings(addrport, workers=workers, threads=threads, timeout=timeout).items():
                self.cfg.set(name, value)

        def load(self):
            # Built in each worker, after collectstatic: WhiteNoise indexes STATIC_ROOT when it starts.
            from django.core.wsgi import get_wsgi_application

            return get_wsgi_application()

    _Server().run()
