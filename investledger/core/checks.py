"""System checks for settings mistakes that weaken the product's protections.

`manage.py check` (and `check --deploy`) report them; `check --database default` also confirms the
audit trail's append-only triggers are in place.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections

DEVELOPMENT_KEY = "development-only-key-never-used-in-production"


@register(Tags.security, deploy=True)
def production_settings(app_configs=None, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems: list[CheckMessage] = []
    key = settings.SECRET_KEY or ""
    if key == DEVELOPMENT_KEY or len(key) < 50 or len(set(key)) < 5:
        problems.append(
            Error(
                "SECRET_KEY is the development key or too short for production.",
                hint="Set SECRET_KEY in the environment to 50 or more random characters "
                '(python -c "import secrets; print(secrets.token_urlsafe(60))").',
                id="investledger.E001",
            )
        )
    audit_key = getattr(settings, "AUDIT_KEY", "") or ""
    if audit_key == getattr(settings, "AUDIT_KEY_DEVELOPMENT", None) or len(audit_key) < 32 or len(set(audit_key)) < 5:
        problems.append(
            Error(
                "The audit key is the development key or too short for production: anyone could recompute "
                "the audit trail's hashes and checkpoints.",
                hint="Set INVESTLEDGER_AUDIT_KEY (or INVESTLEDGER_AUDIT_KEY_FILE, a file only the application "
                'can read) to 32 or more random characters (python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"); keep it out of the database and its backups.',
                id="investledger.E010",
            )
        )
    elif audit_key == key:
        problems.append(
            Warning(
                "The audit key is the same as SECRET_KEY.",
                hint="Give the audit trail a key of its own (INVESTLEDGER_AUDIT_KEY): a SECRET_KEY rotated or "
                "leaked through another door must not be the audit key.",
                id="investledger.W011",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "DEBUG is on in production: error pages would show settings and data.",
                hint="Unset DEBUG (or DEBUG=0) when INVESTLEDGER_PRODUCTION=1.",
                id="investledger.E002",
            )
        )
    if not getattr(settings, "AXES_ENABLED", True):
        problems.append(
            Warning(
                "Log-in throttling (django-axes) is switched off in production.",
                hint="Unset AXES_ENABLED; it locks an account out after AXES_FAILURE_LIMIT wrong passwords.",
                id="investledger.W003",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Warning(
                "ALLOWED_HOSTS accepts any host name.",
                hint="List the server's names in ALLOWED_HOSTS (comma-separated).",
                id="investledger.W004",
            )
        )
    return problems


@register(Tags.security)
def content_security_policy(app_configs=None, **kwargs):
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    problems: list[CheckMessage] = []
    for name in ("script-src", "style-src", "default-src"):
        if "'unsafe-inline'" in directives.get(name, []) or "'unsafe-eval'" in directives.get(name, []):
            problems.append(
                Warning(
                    f"The Content-Security-Policy allows inline or evaluated code in {name}.",
                    hint="Keep scripts and styles in static files; pass data with json_script.",
                    id="investledger.W005",
                )
            )
    if not directives:
        problems.append(Warning("No Content-Security-Policy is configured.", id="investledger.W006"))
    return problems


@register(Tags.security)
def uploads_are_not_public(app_configs=None, **kwargs):
    """Uploaded evidence must only leave through views that apply the access rule."""
    from pathlib import Path

    problems: list[CheckMessage] = []
    media = Path(settings.MEDIA_ROOT).resolve()
    public_dirs = [settings.STATIC_ROOT] + [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    for public in filter(None, public_dirs):
        folder = Path(str(public)).resolve()
        if media == folder or folder in media.parents or media in folder.parents:
            problems.append(
                Warning(
                    f"MEDIA_ROOT ({media}) overlaps a static files folder ({folder}): evidence would be public.",
                    hint="Keep INVESTLEDGER_MEDIA_ROOT outside the static folders.",
                    id="investledger.W007",
                )
            )
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.views.static import serve

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    if any(p.callback is serve for p in walk(get_resolver().url_patterns)):
        problems.append(
            Warning(
                "A URL serves files with django.views.static.serve, without the access rule.",
                hint="Serve evidence through the views that check access.",
                id="investledger.W009",
            )
        )
    return problems


@register(Tags.database)
def audit_triggers_present(app_configs=None, databases=None, **kwargs):
    """The database refuses changes to audit entries (migration core 0002); say so if it does not."""
    problems: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            tables = connection.introspection.table_names()
        except Exception:  # noqa: BLE001 - an unreachable database is reported by Django's own checks
            continue
        if "core_auditentry" not in tables:
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                    "('core_auditentry_append_only', 'core_auditentry_no_truncate') AND NOT tgisinternal"
                )
                present, expected = cursor.fetchone()[0], 2
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                    "('core_auditentry_no_update', 'core_auditentry_no_delete')"
                )
                present, expected = cursor.fetchone()[0], 2
            else:
                continue
        if present < expected:
            problems.append(
                Error(
                    f"The audit trail of database '{alias}' accepts changes: its append-only triggers are missing.",
                    hint="Run `investledger migrate core 0001` then `investledger migrate` to put them back, "
                    "then `investledger audit verify`.",
                    id="investledger.E008",
                )
            )
    return problems
