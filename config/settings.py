"""Settings for the scrutiny tracker, every one of them read from the environment.

The defaults run the whole product on one machine with nothing but Python: a SQLite file,
reminder jobs run in-process, and email written to files under var/mail/. Production
sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_BACKEND=smtp and the rest (see README.md).
"""

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_int_list,
    env_list,
    env_notify_key,
    env_rate,
    env_str,
    env_uuid,
    env_weekday,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For a local run, set DEBUG=1 "
            "(the README's `make run` does this for you)."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The address people open in emails; links in reminders are built on it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "committees",
    "actions",
    "tracker",
    "tracker.moderngov",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.site.signin.SignInThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# Behind a pooler in transaction mode (PgBouncer's pool_mode=transaction) a server session
# outlives no transaction: Django then opens no server-side cursor, and the tracker prepares
# no statement (the API's list pages) and holds nothing across transactions.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_TRANSACTION_POOLER", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (runserver, the in-process reminder sweep) share one file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The index of open actions' due-on dates carries the page's columns on PostgreSQL
    # (INCLUDE), so a list's ids are read off it alone; SQLite keeps it as a plain index.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"


# --- Email -------------------------------------------------------------------------------
EMAIL_BACKEND = env_choice(
    "EMAIL_BACKEND",
    "file",
    {
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "memory": "django.core.mail.backends.locmem.EmailBackend",
        "notify": "tracker.reminders.notify.NotifyEmailBackend",
    },
)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Scrutiny tracker <scrutiny@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# GOV.UK Notify (EMAIL_BACKEND=notify): the service's API key and the email template(s) the
# reminders fill in, ((subject)) and ((body)). One template for every rule, or one per rule
# (NOTIFY_TEMPLATE_ID_ACTION_OVERDUE ...), which wins over the one for all.
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk").rstrip("/")
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = env_uuid("NOTIFY_TEMPLATE_ID")
# The reply-to address set up in the Notify service (its id, under Settings > Reply-to email
# addresses): where an answer to a reminder goes. Unset, Notify uses the service's default.
NOTIFY_REPLY_TO_ID = env_uuid("NOTIFY_REPLY_TO_ID")
# The ledger's rules (tracker.reminders.ledger.Reminder.Rule); a test keeps the two in step.
NOTIFY_RULES = (
    "item_deferred",
    "report_due_soon",
    "report_overdue",
    "action_overdue",
    "chair_digest",
    "response_warning",
    "response_due",
)
NOTIFY_TEMPLATE_IDS = {
    rule: env_uuid(f"NOTIFY_TEMPLATE_ID_{rule.upper()}") or NOTIFY_TEMPLATE_ID
    for rule in NOTIFY_RULES
}
if EMAIL_BACKEND.endswith(".NotifyEmailBackend"):
    if not NOTIFY_API_KEY:
        raise ImproperlyConfigured(
            "EMAIL_BACKEND=notify needs NOTIFY_API_KEY: the API key from the Notify service's "
            "API integration page."
        )
    env_notify_key("NOTIFY_API_KEY")
    untemplated = [rule for rule, template in NOTIFY_TEMPLATE_IDS.items() if not template]
    if untemplated:
        raise ImproperlyConfigured(
            "EMAIL_BACKEND=notify needs NOTIFY_TEMPLATE_ID (one template for every reminder) or "
            "a template for each rule; none for: "
            + ", ".join(f"NOTIFY_TEMPLATE_ID_{rule.upper()}" for rule in untemplated)
        )
    if not NOTIFY_BASE_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"NOTIFY_BASE_URL must be an http(s):// address, not {NOTIFY_BASE_URL!r}"
        )

# --- Celery ------------------------------------------------------------------------------
# With no broker, jobs run in-process (see README: "Reminders without a broker").
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used for sending; keeps kombu from guessing a host
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    # An interval, not a crontab at a local hour: what is due when is decided by our code
    # in TIME_ZONE, so daylight saving changes cannot make beat skip or repeat a day.
    "reminder-sweep": {
        "task": "tracker.tasks.sweep",
        "schedule": env_int("REMINDER_SWEEP_SECONDS", 300, minimum=10),
        "options": {"expires": env_int("REMINDER_SWEEP_SECONDS", 300, minimum=10)},
    },
    # Its own task beside the sweep: a modern.gov that fails or hangs never holds reminders up.
    "moderngov-sync": {
        "task": "tracker.tasks.sync_moderngov",
        "schedule": env_int("MODERNGOV_SYNC_SECONDS", 3600, minimum=60),
        "options": {"expires": env_int("MODERNGOV_SYNC_SECONDS", 3600, minimum=60)},
    },
}

# --- The tracker's own rules -------------------------------------------------------------
# Reminders go out in the morning, in TIME_ZONE, from this hour.
REMINDER_HOUR = env_int("REMINDER_HOUR", 8, minimum=0, maximum=23)
# A deferral is announced only while it is news: decided within this many days (and its new
# meeting still ahead). Older ones (demo data, imports of past minutes) are recorded silently.
DEFERRAL_NOTICE_DAYS = env_int("DEFERRAL_NOTICE_DAYS", 4, minimum=0, maximum=60)
# "Report due soon" goes this many working days before a meeting's report deadline.
REPORT_REMINDER_WORKING_DAYS = env_int_list("REPORT_REMINDER_WORKING_DAYS", [10, 3], minimum=1)
# The chair's digest goes on this weekday.
DIGEST_WEEKDAY = env_weekday("DIGEST_WEEKDAY", "monday")
# How often the sweep runs (celery beat, or the in-process loop of `make run`).
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 300, minimum=10)
# On a big day, how many of a worker's processes deliver at once (one sweep's own, and the
# rest asked for as `deliver` tasks): at most the worker's --concurrency; 1 never asks.
REMINDER_DELIVERY_PROCESSES = env_int("REMINDER_DELIVERY_PROCESSES", 2, minimum=1, maximum=64)
# A mail server that fails transiently is tried again with backoff, this many times in all.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 8, minimum=1)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 120, minimum=1)
# Links in reminder emails that let an owner record progress without a password expire.
EMAIL_LINK_MAX_AGE_DAYS = env_int("EMAIL_LINK_MAX_AGE_DAYS", 21, minimum=1)

# --- REST framework ----------------------------------------------------------------------
# How many proxies of our own stand in front of the server, each appending to X-Forwarded-For.
# Every rate limit counts the client address this many places from the right of that header
# (tracker/throttles.py); with 0 the header is ignored, so a client cannot reset its count.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

REST_FRAMEWORK = {
    # Token first, so an anonymous write is told 401 with how to authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "tracker.api.conventions.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.conventions.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.conventions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["tracker.site.throttles.AnonThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        # Anonymous readers of the public API, per address; and password attempts for a token.
        "anon": env_rate("API_ANON_RATE", "120/minute"),
        "login": env_rate("API_LOGIN_RATE", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Scrutiny tracker API",
    "DESCRIPTION": "Committees, meetings, work programmes, deferrals, resolutions, actions and "
    "executive responses of council scrutiny. Exempt (Part 2) items appear only as a public "
    "title and Schedule 12A paragraph to those who may not open them.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api.schema.declare_optional_sign_in",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RAGEnum": "actions.models.RAG",
        "MeetingStatusEnum": "committees.models.Meeting.Status",
        "TopicStatusEnum": "committees.models.WorkProgrammeTopic.Status",
        "ActionStatusEnum": "actions.models.Action.Status",
        "ReminderStatusEnum": "tracker.reminders.ledger.Reminder.Status",
        "CommitteeKindEnum": "committees.models.Committee.Kind",
        "ResolutionKindEnum": "actions.models.Resolution.Kind",
        "DecisionEnum": "actions.models.ExecutiveResponse.Decision",
        "ExecutiveAnswerEnum": "tracker.api.serializers.EXECUTIVE_ANSWERS",
        "OutcomeEnum": "committees.models.AgendaItem.Outcome",
        "RecordedOutcomeEnum": "tracker.api.serializers.RECORDED_OUTCOMES",
    },
}

# Repeated API reads are answered from the cache until the data changes (0 turns it off).
API_CACHE_SECONDS = env_int("API_CACHE_SECONDS", 300, minimum=0)

# Throttle counts and cached API answers live in the cache: one per process by default, shared when CACHE_URL is set.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Security: production values unless DEBUG ---------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
}

# --- Pages and exports (tracker/pages) -----------------------------------------------------
# Officers, chairs and authors sign in on the pages, not in the admin.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:my-work"
LOGOUT_REDIRECT_URL = "home"
