"""Settings for the resource platform, read from the environment.

DATABASE_URL  sqlite:///... (default: var/db.sqlite3) or postgres://user@host:5432/name
SECRET_KEY    required when DEBUG is off
DEBUG         "1"/"true" to enable (default on only for the SQLite demo)
ALLOWED_HOSTS comma-separated
With DEBUG off, HTTPS only (SECURE_SSL_REDIRECT, SECURE_HSTS_*, SECURE_COOKIES; see below).
"""

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from apps.operations.conf import instrumented_caches, log_format, logging_config
from apps.replication.conf import replica_databases

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME")}

DEBUG = env_bool("DEBUG", default="DATABASE_URL" not in os.environ)

# A production key is what Django's deploy check asks for (security.W009): at least 50
# characters, at least 5 distinct, not startproject's "django-insecure-" one; and none of the
# placeholders this repository shows (a copied env.example must not start).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-for-the-local-demo"
KNOWN_PLACEHOLDER_KEYS = {
    DEVELOPMENT_SECRET_KEY,
    "generate-with-python-c-import-secrets-print-secrets-token-urlsafe-50",
}


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions and tokens in production, or None."""
    if not key:
        return "it is not set"
    if key in KNOWN_PLACEHOLDER_KEYS or "change-me" in key.lower():
        return "it is a placeholder from this repository"
    if key.startswith("django-insecure-"):
        return "it is a development key (it starts with 'django-insecure-')"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} distinct characters"
    return None


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# (The test suite runs with DEBUG off on PostgreSQL and needs no key.)
_weak = None if DEBUG or "PYTEST_VERSION" in os.environ else secret_key_problem(SECRET_KEY)
if _weak:
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for a run with DEBUG off: {_weak}. Set a random key of "
        f"at least {SECRET_KEY_MIN_LENGTH} characters, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "apps.jobs",
    "apps.backups",
    "apps.accounts",
    "apps.organizations",
    "apps.taxonomy",
    "apps.sharing",
    "apps.faculty",
    "apps.cases",
    "apps.teaching_sites",
    "apps.courses",
    "apps.classes",
    "apps.calls",
    "apps.surveys",
    "apps.meetings",
    "apps.consultations",
    "apps.exchange",
    "apps.attachments",
    "apps.search",
    "apps.dashboard",
    "apps.audit",
    "apps.notifications",
    "apps.webhooks",
    "apps.api",
    "apps.backoffice",
    "apps.web",
    "apps.operations",
    "seeds",
]

# apps.operations: /healthz, /readyz and /metrics are answered first (no HTTPS redirect or
# host check for probes); django-prometheus times the rest between its two middlewares; one
# structured log event per request (apps.operations.logs).
MIDDLEWARE = [
    "apps.operations.middleware.OperationsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "apps.operations.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "apps.api.edge.EdgeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Read replicas (apps.replication, README "Read replicas"): DATABASE_REPLICA_URLS, comma-separated
# PostgreSQL URLs of streaming replicas, become the aliases replica1, replica2…; reads go to one
# of them, writes, transactions and the primary-only models to the primary; a user who wrote reads
# from the primary until a replica has replayed past the write (its WAL position, kept in the
# cache "default": with several web workers CACHE_URL must point at a shared Redis). A replica
# further behind than REPLICA_MAX_LAG_SECONDS, or down, is not used. Empty (the default): no
# alias, no router, no middleware: nothing changes.
DATABASE_REPLICA_URLS = os.environ.get("DATABASE_REPLICA_URLS", "")
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
try:
    _replicas = replica_databases(DATABASE_REPLICA_URLS, DATABASES["default"])
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
if _replicas:
    DATABASES.update(_replicas)
    DATABASE_ROUTERS = ["apps.replication.router.ReplicaRouter"]
    INSTALLED_APPS.append("apps.replication")
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "apps.replication.middleware.ReadYourWritesMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "apps.web.context.navigation",
                "apps.web.context.notification_bell",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Chinese first, English available; Foshan time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bounds on what one request or one person may cost (bad input never breaks, slows or leaks):
# EXPORT_MAX_ROWS      rows in one Excel export (API and admin); more answers 400 "narrow it"
# ATTACHMENT_MAX_PIXELS  width × height of an uploaded image, read from its header before
#                      decoding (env ATTACHMENT_MAX_MEGAPIXELS)
# API_TOKENS_PER_USER  active (unrevoked, unexpired) API tokens one person may hold
# API_SESSION_RATE     API requests per signed-in person through the session (browsers)
# API_ANON_RATE        API requests per client address without credentials
# TRUSTED_PROXY_COUNT  reverse proxies in front that set X-Forwarded-For; 0 (default): the
#                      client address is REMOTE_ADDR and the header is never believed
# Rates are generous: the test suite and the benchmark (tokens, its own rate) never meet them.
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "5000"))
# Excel work that leaves the request (apps.exchange.jobs): an export of more than
# EXPORT_INLINE_ROWS rows or an import of more than IMPORT_INLINE_ROWS rows (or any, on
# ?async=1) runs as a job answering 202; EXPORT_MAX_ROWS then bounds only the synchronous
# export, EXPORT_JOB_MAX_ROWS an export job (more answers the same 400).
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "2000"))
IMPORT_INLINE_ROWS = int(os.environ.get("IMPORT_INLINE_ROWS", "500"))
EXPORT_JOB_MAX_ROWS = int(os.environ.get("EXPORT_JOB_MAX_ROWS", "100000"))
# The audit log by month (PostgreSQL; apps/audit/partitions.py, docs/operations.md):
# partitions made ahead, months past the retention (0: keep all) archived then dropped.
AUDIT_PARTITION_MONTHS_AHEAD = int(os.environ.get("AUDIT_PARTITION_MONTHS_AHEAD", "3"))
AUDIT_RETENTION_MONTHS = int(os.environ.get("AUDIT_RETENTION_MONTHS", "0"))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
# 待复核: days before a review-by date that its people are told (manage.py review_reminders).
REVIEW_REMINDER_DAYS = int(os.environ.get("REVIEW_REMINDER_DAYS", "30"))
ATTACHMENT_MAX_PIXELS = int(float(os.environ.get("ATTACHMENT_MAX_MEGAPIXELS", "40")) * 1_000_000)
API_TOKENS_PER_USER = int(os.environ.get("API_TOKENS_PER_USER", "10"))
API_SESSION_RATE = os.environ.get("API_SESSION_RATE", "1200/min")
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer first, so that a request without credentials answers 401 with
        # WWW-Authenticate: Bearer rather than 403.
        "apps.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.api.problems.problem_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "apps.api.parsers.JSONParser",
        "apps.api.parsers.FormParser",
        "apps.api.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.api.negotiation.LenientContentNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.api.throttling.TokenRateThrottle",
        "apps.api.throttling.SessionRateThrottle",
        "apps.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_TOKEN_RATE", "600/min"),
        "session": API_SESSION_RATE,
        "anon": API_ANON_RATE,
    },
}

# Rate-limit counters and sign-in lockouts live in the cache. The default is per process;
# with several server workers point CACHE_URL at Redis (redis://127.0.0.1:6379/0) so the
# limits are shared.
CACHE_URL = os.environ.get("CACHE_URL", "")
# Cached lists (apps.sharing.list_cache) live in a cache of their own, "lists", so that
# many lists can never push a sign-in lockout or a rate-limit counter out of "default".
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        },
        "lists": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "lists",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "lists": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lists",
            # Cached lists are ~30 kB each: 1000 entries keep a worker well under 200 MB.
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Cache hits and misses are counted for /metrics (the same backends, subclassed).
CACHES = instrumented_caches(CACHES)

# Lists cached per audience (apps.sharing.list_cache): the content version in the key keeps
# them current, so this only bounds how long an unused entry takes memory. 0 turns it off.
LIST_CACHE_SECONDS = int(os.environ.get("LIST_CACHE_SECONDS", "300"))

# Repeated failed sign-ins on the pages lock that username for a while.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))

SPECTACULAR_SETTINGS = {
    "TITLE": "佛山党校系统四库共建共享平台 API",
    "DESCRIPTION": (
        "课程库、师资库、案例库、现场教学库的共享接口。"
        " Shared teaching-resource API of the Foshan party-school network."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the lifecycle states, wherever they appear (site, event, change request).
    "ENUM_NAME_OVERRIDES": {
        "LifecycleEnum": "apps.teaching_sites.models.Lifecycle",
        "EventKindEnum": "apps.notifications.models.Kind",
        "DeliveryStatusEnum": "apps.webhooks.models.DeliveryStatus",
        "ExchangeJobStatusEnum": "apps.exchange.models.ExchangeJob.Status",
        "StatusEnum": "apps.sharing.choices.Status",
        "ClassStatusEnum": "apps.classes.models.ClassStatus",
        "VisitStatusEnum": "apps.classes.models.VisitStatus",
        "ReportStatusEnum": "apps.consultations.models.ReportStatus",
        "AdoptionLevelEnum": "apps.consultations.models.AdoptionLevel",
        "MeetingStatusEnum": "apps.meetings.models.MeetingStatus",
        "PlanItemStatusEnum": "apps.meetings.models.ItemStatus",
        "PlanItemDecisionEnum": ["approved", "declined"],
        "CallStatusEnum": "apps.calls.models.CallStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # A library's create documents the "call" it may answer (apps/api/schema_hooks.py).
        "apps.api.schema_hooks.document_call_answers",
    ],
}

# Attachments: size limit (bytes); files live under MEDIA_ROOT and are only served
# through a view that applies the resource's visibility.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "50")) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Bad input never breaks, slows or leaks: the bounds of what a request may send. Over a bound
# the API answers 400 (413 for the body's size) in problem+json naming the field and the
# limit, the pages a message beside the field or the 400 page (apps/api/edge.py).
# A search (?q= on the API and the pages): at most this many characters, and this many words
# (runs of Chinese characters or of letters and digits).
SEARCH_MAX_CHARS = int(os.environ.get("SEARCH_MAX_CHARS", "100"))
SEARCH_MAX_TOKENS = int(os.environ.get("SEARCH_MAX_TOKENS", "32"))
# Every list in a request body (links such as "domains", "cases"): at most this many items.
API_MAX_LIST_ITEMS = int(os.environ.get("API_MAX_LIST_ITEMS", "200"))
# How deeply a JSON body may nest (ours nest three levels at most).
JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH", "32"))
# A request body other than a file upload (JSON, a form, the fields beside a file), in KiB.
# Uploaded files keep their own limits (ATTACHMENT_MAX_MB, the Excel import's).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("REQUEST_BODY_MAX_KB", "2048")) * 1024

# API token lifetime when none is given (days).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "365"))

# HTTPS only when DEBUG is off: TLS ends at the reverse proxy (platform/nginx.conf.example),
# which says so in X-Forwarded-Proto. Each default can be turned off from the environment
# (the benchmark serves plain HTTP on loopback; the test suite turns the redirect off in
# tests/conftest.py). With DEBUG on (the SQLite demo) everything stays plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# One year, this host and its subdomains, eligible for the browsers' preload lists.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (django-csp): only this origin, no inline script,
# no inline style, no plugins, no framing. Templates load scripts and styles from static
# files (data for scripts comes in json_script blocks, which are not executed). The API docs'
# page alone allows its start script by a nonce new for every answer, and data: images for
# Swagger UI's icons (apps.api.docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
# (Not named CSP_…: django-csp's check takes any such setting for one of its old settings.)
if _report_uri := os.environ.get("CSP_REPORT_URI", "").strip():
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [_report_uri]

# The job queue (apps.jobs): django-tasks with its database backend. A job is a row written in
# the transaction of the change that asks for it; `python manage.py jobs_worker` processes (any
# number, on any machine) run them. The SQLite demo runs them in a thread of the web process
# instead (JOBS_INLINE_WORKER, on by default there), so it needs no extra process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# (Never under pytest: tests run the jobs themselves, apps.jobs.queue.run_due_jobs.)
JOBS_INLINE_WORKER = env_bool(
    "JOBS_INLINE_WORKER",
    DEBUG
    and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and "PYTEST_VERSION" not in os.environ,
)
JOBS_INLINE_INTERVAL_SECONDS = float(os.environ.get("JOBS_INLINE_INTERVAL_SECONDS", "1"))
# A failed job runs again after this many seconds, then twice as long each time.
JOBS_RETRY_BACKOFF_SECONDS = float(os.environ.get("JOBS_RETRY_BACKOFF_SECONDS", "30"))
# A job still "running" after this long was left by a worker that died (killed, rebooted):
# `manage.py jobs_worker` (and the demo's worker) put it back in the queue. Longer than any job.
JOBS_LEASE_SECONDS = float(os.environ.get("JOBS_LEASE_SECONDS", "3600"))
JOBS_REAP_INTERVAL_SECONDS = float(os.environ.get("JOBS_REAP_INTERVAL_SECONDS", "60"))

# E-mail (notifications): the console in the demo, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "四库共建共享平台 <noreply@localhost>")
# Where the file-based backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes the messages: a worker's e-mail a test or an operator can read.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# The address the e-mails link back to (no request to read it from in a worker).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Webhooks (apps.webhooks): receivers on private, loopback or link-local addresses are refused
# unless this is on (tests run a receiver on loopback). Deliveries time out after
# WEBHOOK_TIMEOUT_SECONDS and are tried WEBHOOK_MAX_ATTEMPTS times, the waits doubling from
# JOBS_RETRY_BACKOFF_SECONDS.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
# How many webhooks one partner department may register.
WEBHOOK_MAX_PER_ORGANIZATION = int(os.environ.get("WEBHOOK_MAX_PER_ORGANIZATION", "10"))

# Logs (apps.operations.logs): JSON lines with LOG_FORMAT=json, the default when DEBUG is off;
# a readable console with LOG_FORMAT=console, the default with DEBUG on (the demo). Either way
# with the request id, user, seat and timing, and never a secret or contact data (redacted).
# LOG_LEVEL sets the rest; the request log writes at REQUEST_LOG_LEVEL (INFO: every request;
# WARNING: only 4xx and 5xx answers), the job log at INFO.
LOG_FORMAT = log_format(os.environ.get("LOG_FORMAT"), debug=DEBUG)
LOGGING = logging_config(
    LOG_FORMAT,
    os.environ.get("LOG_LEVEL", "WARNING"),
    request_level=os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
)

# /metrics (apps.operations.metrics): readable from loopback and private addresses, or by
# anyone sending "Authorization: Bearer <METRICS_TOKEN>" (empty: no token is accepted).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# The gap map (apps.surveys.gaps) shows no need for a domain and area answered fewer times than
# this: a single answer would be readable from the map by anyone who may read it.
GAP_MAP_MIN_ANSWERS = int(os.environ.get("GAP_MAP_MIN_ANSWERS", "5"))
