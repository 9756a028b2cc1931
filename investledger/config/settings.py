"""Settings for investledger.

One file, read from the environment. Everything has a safe development default except in
production mode (INVESTLEDGER_PRODUCTION=1), where the secret key must come from the environment
and the secure-cookie/HSTS settings are switched on.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent  # the investledger package
PROJECT_DIR = BASE_DIR.parent  # the checkout
DATA_DIR = Path(os.environ.get("INVESTLEDGER_DATA_DIR", PROJECT_DIR / "var"))

PRODUCTION = env_bool("INVESTLEDGER_PRODUCTION")
# Off unless asked for (DEBUG=1): error pages with settings and data are for a developer's own machine.
DEBUG = env_bool("DEBUG")

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]  # no default: a missing key must stop a production start
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-key-never-used-in-production")


def env_secret(name: str) -> str | None:
    """A secret from the environment (NAME) or from the file it names (NAME_FILE), whichever is set."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name)


# The key of the audit trail's hashes and checkpoints (HMAC-SHA256). It lives outside the database, so
# that whoever can write the database cannot recompute a hash (docs/security.md, "The audit key").
# Retired keys stay listed in INVESTLEDGER_AUDIT_OLD_KEYS (comma-separated, newest first) so that the
# entries and checkpoints they signed keep verifying after a rotation.
AUDIT_KEY_DEVELOPMENT = "development-only-audit-key-never-used-in-production"
AUDIT_KEY = env_secret("INVESTLEDGER_AUDIT_KEY")
if AUDIT_KEY is None:
    if PRODUCTION:
        # No default in production: a missing key must stop the start, not fall back to a known one.
        raise RuntimeError("INVESTLEDGER_AUDIT_KEY (or INVESTLEDGER_AUDIT_KEY_FILE) must be set in production")
    AUDIT_KEY = AUDIT_KEY_DEVELOPMENT
# Commas or line breaks part the retired keys (a key file may hold one a line).
_old_keys = (env_secret("INVESTLEDGER_AUDIT_OLD_KEYS") or "").replace("\n", ",")
AUDIT_OLD_KEYS = [key.strip() for key in _old_keys.split(",") if key.strip()]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Our apps come first: where two catalogues translate the same text, the first app listed wins.
INSTALLED_APPS = [
    "investledger.core",
    # Right after core, whose catalogue once held its messages, so that its wording keeps winning.
    "investledger.history",
    "investledger.accounts",
    "investledger.reference",
    "investledger.ledger.investors",
    "investledger.ledger.events",
    "investledger.ledger.projects",
    "investledger.ledger.opportunities",
    "investledger.matching",
    "investledger.supervision",
    "investledger.escalation",
    "investledger.leads",
    "investledger.reporting",
    "investledger.intake",
    "investledger.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "investledger.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "investledger.config.urls"
WSGI_APPLICATION = "investledger.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "investledger.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://...) selects PostgreSQL.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'investledger.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's cost of the dashboard's and the matching's queries crosses
    # jit_above_cost, and compiling them took 2.0 of a 2.25 s matching query that runs in 0.2 s without
    # (docs/benchmarks.md, "Matching"). Short requests never repay it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "investledger.accounts.backends.RolePermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "projects:project_list"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Languages: English and Simplified Chinese, both complete ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
# Front-end packages come from the npm registry at set-up (package.json) and are served from node_modules.
NODE_MODULES = Path(os.environ.get("INVESTLEDGER_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded evidence lives outside the web root and is only served through views that check access.
MEDIA_ROOT = Path(os.environ.get("INVESTLEDGER_MEDIA_ROOT", DATA_DIR / "uploads"))
MEDIA_URL = "/uploads-are-not-served/"  # evidence is only served through access-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Files in one request: as many press releases as a set of them may hold (Django's default is 100).
DATA_UPLOAD_MAX_NUMBER_FILES = 500

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "investledger.core.drf.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "investledger.core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "investledger.core.drf.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "investledger API",
    "DESCRIPTION": "The signed-project ledger: projects, signing events, investors, areas and sectors.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the installed sidecar package, not a CDN (CSP and offline servers).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share field names across models get stable, readable names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "EscalationLevelEnum": "investledger.escalation.choices.Level",
        "AreaKindEnum": "investledger.reference.models.Area.Kind",
        "UnitKindEnum": "investledger.reference.models.Unit.Kind",
        "SigningEventKindEnum": "investledger.ledger.events.models.SigningEvent.Kind",
        "SigningKindEnum": "investledger.ledger.projects.choices.SigningKind",
        "AuditKindEnum": "investledger.core.models.AuditEntry.Kind",
        "MilestoneKindEnum": "investledger.supervision.choices.MilestoneKind",
        "ResponseKindEnum": "investledger.escalation.choices.ResponseKind",
        "InspectionKindEnum": "investledger.escalation.choices.InspectionKind",
        "NotificationKindEnum": "investledger.escalation.choices.NotificationKind",
        "ImportKindEnum": "investledger.intake.kinds.CHOICES",
        "OpportunityStatusEnum": "investledger.ledger.opportunities.choices.Status",
        "ProjectStageEnum": "investledger.ledger.projects.choices.Stage",
        "LeadStageEnum": "investledger.leads.choices.LeadStage",
    },
}

# --- Imports: what reading one uploaded sheet may cost (docs/security.md, "Uploaded sheets") ---
INTAKE_MAX_FILE_BYTES = int(os.environ.get("INTAKE_MAX_FILE_BYTES", 30 * 1024 * 1024))  # the file as uploaded
INTAKE_MAX_INFLATED_BYTES = int(os.environ.get("INTAKE_MAX_INFLATED_BYTES", 200 * 1024 * 1024))  # an .xlsx unzipped
INTAKE_MAX_RATIO = int(os.environ.get("INTAKE_MAX_RATIO", 100))  # inflated / compressed, per part above 1 MB
INTAKE_MAX_ROWS = int(os.environ.get("INTAKE_MAX_ROWS", 200_000))
INTAKE_MAX_COLUMNS = int(os.environ.get("INTAKE_MAX_COLUMNS", 200))
INTAKE_MAX_CELL_CHARS = int(os.environ.get("INTAKE_MAX_CELL_CHARS", 32_767))  # Excel's own limit
INTAKE_READ_SECONDS = int(os.environ.get("INTAKE_READ_SECONDS", 900))  # reading and checking one file (in the worker)
# Every upload is read and checked by the worker; batches of more rows than this are also committed there.
INTAKE_BACKGROUND_ROWS = int(os.environ.get("INTAKE_BACKGROUND_ROWS", 2000))
# An import being checked or written with no progress for this long (its task failed, vanished from
# the queue, or its worker died) is failed by the sweep (`investledger sweep_imports`, run by
# `investledger daily` and every few minutes by the worker). Longer than a chunk of rows ever takes.
INTAKE_STALE_AFTER = int(os.environ.get("INTAKE_STALE_AFTER", 30 * 60))  # seconds

# --- Uploads of evidence and photos (the files checked by content, docs/security.md) ---
# The largest evidence file (a licence, contract or photo of a milestone) one may upload.
INVESTLEDGER_EVIDENCE_MAX_BYTES = int(os.environ.get("INVESTLEDGER_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
# The largest photo attached to an issue or an inspection.
INVESTLEDGER_PHOTO_MAX_BYTES = int(os.environ.get("INVESTLEDGER_PHOTO_MAX_BYTES", 8 * 1024 * 1024))

# --- Pages ---
# How long one user's dashboard stays cached (seconds); 0 builds it on every request.
INVESTLEDGER_DASHBOARD_CACHE_SECONDS = int(os.environ.get("INVESTLEDGER_DASHBOARD_CACHE_SECONDS", 60))
# The address users reach the product at (https://ledger.example.org): links in e-mails start with it;
# empty leaves them relative.
INVESTLEDGER_BASE_URL = os.environ.get("INVESTLEDGER_BASE_URL", "")

# --- Background work (django-tasks with the database backend; `investledger worker` runs it) ---
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The local time (HH:MM) from which the day's scans (lights, escalation, digest) are due each day.
INVESTLEDGER_DAILY_AT = os.environ.get("INVESTLEDGER_DAILY_AT", "01:15")

# --- Serving (`investledger serve`, gunicorn) ---
# Worker processes when --workers is not given; 0 means gunicorn's advice, (2 x cores) + 1. Most
# platforms set WEB_CONCURRENCY.
WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY") or 0)
# Threads per worker process when --threads is not given. Two or more run gunicorn's threaded worker,
# which keeps telling gunicorn it is alive while a thread streams a long download; a sync worker (1)
# is killed, download and all, by any request longer than serve's --timeout (docs/benchmarks.md,
# "Serving under load").
WEB_THREADS = int(os.environ.get("WEB_THREADS") or 2)
# gunicorn's access log: a file, "-" for standard output; unset for none.
INVESTLEDGER_ACCESS_LOG = os.environ.get("INVESTLEDGER_ACCESS_LOG") or None
# The level of the application's log and of gunicorn's error log.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()

# --- Mail: console in development ---
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "investledger@localhost")

# --- Security ---
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
# Locked out is the (name, address) pair: wrong passwords for other names, or from another address,
# never lock out a user who types their own password right (behind a proxy everyone shares one address).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind reverse proxies every request comes from the nearest proxy's address: TRUSTED_PROXY_COUNT says how
# many proxies stand in front of investledger, and the client's address is then read from X-Forwarded-For,
# counted from the right (each proxy appends the address it saw), so a header the client sent is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "investledger.core.middleware.client_address"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
