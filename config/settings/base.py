"""Settings shared by every mode. Everything that differs per machine comes from the
environment, read once here with django-environ (https://django-environ.readthedocs.io).

Modes: ``local`` (development, the default of manage.py), ``test`` (pytest) and
``production`` (wsgi/asgi, and ``DJANGO_SETTINGS_MODULE=config.settings.production``).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: SQLite file, broker folders, beat schedule

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# --- Core ----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")  # production.py refuses to boot without it
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_NAME = "Rapport"
# Absolute links in e-mails (the client's plan link, reminders) start with this.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Draft plans: what may be uploaded, and how long a client's link works.
PLAN_UPLOAD_MAX_MB = env.int("RAPPORT_PLAN_UPLOAD_MAX_MB", default=20)
PLAN_LINK_MAX_AGE_DAYS = env.int("RAPPORT_PLAN_LINK_MAX_AGE_DAYS", default=30)

# Reminders and flags (docs/domain.md, Reminder policy; docs/domain.md, Flag rules). Every key
# is optional; the defaults are in engagements/rules/reminders.py (Timings) and
# engagements/rules/flags.py (Thresholds).
RAPPORT_REMINDERS: dict = {}
RAPPORT_FLAG_RULES: dict = {}
# A claimed reminder not marked sent after this long belongs to a worker that died: the
# next scan hands it out again. Longer than CELERY_TASK_TIME_LIMIT.
RAPPORT_REMINDER_CLAIM_STALE_SECONDS = env.int("RAPPORT_REMINDER_CLAIM_STALE_SECONDS", default=600)

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = ["crispy_forms", "crispy_bootstrap5", "axes", "django_ratelimit", "csp", "simple_history"]
LOCAL_APPS = ["core", "advisors", "engagements", "casestudies"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every response to a logged-in user.
    "core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: refuses a locked-out login before the view runs (django-axes).
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "advisors.context_processors.navigation",
                "casestudies.context_processors.community_navigation",
                "engagements.context_processors.review",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
# SQLite in var/ unless DATABASE_URL is set (postgres://user:pass@host:5432/name).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes; IMMEDIATE
    # transactions take the write lock up front instead of failing half-way with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Persistent connections: ~10x the throughput of reconnecting per request (MACHINE-NOTES).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The frozen querysets' SQL prepared once per connection (core.prepared). Off behind a
    # pooler that shares sessions between clients (PgBouncer in transaction mode < 1.21).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        from core.prepared import PreparingConnection, PreparingCursor  # noqa: E402  (psycopg2 classes)

        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "connection_factory": PreparingConnection,
            "cursor_factory": PreparingCursor,
        }

# Database sessions (Django's), read by SQL built once (core.sessions).
SESSION_ENGINE = "core.sessions"

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username or address before the password is
# checked. https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "advisors.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Headers (README: Security) ------------------------------------------------------------
# Content-Security-Policy (django-csp): only this site's own scripts and styles, no inline
# code of any kind (templates carry no inline script, handler or style attribute; htmx is
# told not to inject its indicator style). Bootstrap's CSS draws a few icons as data: SVGs.
# RAPPORT_CSP_REPORT_ONLY=true sends the same policy as report-only, for a rollout;
# RAPPORT_CSP_REPORT_URI names where browsers report violations.
# https://django-csp.readthedocs.io/en/latest/configuration.html
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if env("RAPPORT_CSP_REPORT_URI", default=""):
    _CSP_DIRECTIVES["report-uri"] = [env("RAPPORT_CSP_REPORT_URI")]
if env.bool("RAPPORT_CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
# Browser features the app never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Brute force and floods (README: Security) ----------------------------------------------
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR). The
# client's address for lockouts and rate limits is the entry that the nearest proxy added.
RAPPORT_TRUSTED_PROXIES = env.int("RAPPORT_TRUSTED_PROXIES", default=0)
# Logins: after this many failures per username, and separately per address, the login is
# refused (the right password too) for the cool-off time. Counted in the database, so it
# holds across web nodes; staff lift a lockout in the admin (Axes > Access attempts).
AXES_FAILURE_LIMIT = env.int("RAPPORT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RAPPORT_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset by a successful login: axes would also wipe the failures of that address
# against other usernames, so one could guess a colleague's password between own logins.
# Failures expire after the cool-off time instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_VERBOSE = False  # core.security logs each failure once, without the password
# Password reset and the client's answer form (django-ratelimit, on the default cache:
# Redis in production, so the limits hold across web nodes). "N/period", period s, m, h, d.
RATELIMIT_IP_META_KEY = "core.security.client_ip"
RATELIMIT_FAIL_OPEN = True  # see core.security.over_limit
RAPPORT_RATE_LIMITS = {
    "password_reset_per_address": env("RAPPORT_RATE_PASSWORD_RESET_PER_ADDRESS", default="10/h"),
    "password_reset_per_email": env("RAPPORT_RATE_PASSWORD_RESET_PER_EMAIL", default="3/h"),
    "client_answer_per_link": env("RAPPORT_RATE_CLIENT_ANSWER_PER_LINK", default="10/h"),
    "client_answer_per_address": env("RAPPORT_RATE_CLIENT_ANSWER_PER_ADDRESS", default="30/h"),
    # The community: sign-ups per address, comments and reports per member.
    "signup_per_address": env("RAPPORT_RATE_SIGNUP_PER_ADDRESS", default="5/h"),
    "comments_per_member": env("RAPPORT_RATE_COMMENTS_PER_MEMBER", default="10/h"),
    "reports_per_member": env("RAPPORT_RATE_REPORTS_PER_MEMBER", default="20/h"),
}
# One process in development and tests: the local-memory cache is enough there (ratelimit's
# check asks for a shared cache, which production.py configures).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Community (casestudies) ----------------------------------------------------------------
# A new member's first comment waits for a moderator; their later ones appear at once.
RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT = env.bool("RAPPORT_COMMUNITY_HOLD_FIRST_COMMENT", default=True)
# A comment reported by this many different members is hidden until a moderator looks.
RAPPORT_COMMUNITY_REPORTS_TO_HIDE = env.int("RAPPORT_COMMUNITY_REPORTS_TO_HIDE", default=3)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------------
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public uploads (none yet). Confidential files (draft plans) go to PRIVATE_MEDIA_ROOT, which
# has no URL at all: they are served only by views that check the policy.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "core.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail --------------------------------------------------------------------------------
# EMAIL_URL: consolemail:// (default), smtp://user:pass@host:587, smtp+tls://..., smtp+ssl://...
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# --- Forms ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery --------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# Without CELERY_BROKER_URL, kombu's filesystem transport in var/ lets `make run` work with no
# server. It is not durable (a killed worker loses its task in flight); that is harmless
# because what is due and what was sent live in the database, and the scan catches up.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _folder in ("queue", "processed", "control"):  # kombu does not create them
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold up a web request or the scan: one immediate retry (a
# pooled connection the broker closed reconnects), then the enqueue fails and is logged; the
# work is owed in the database and the next scan enqueues it again. Celery's default (three
# retries 0.2 s apart) costs ~0.6 s per task with Redis refusing, per contact on the share page.
# https://docs.celeryq.dev/en/stable/userguide/calling.html#message-sending-retry
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_IGNORE_RESULT = True  # nobody reads results: the database holds the state
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks live in one place: config/schedule.py.
from config.schedule import CELERY_BEAT_SCHEDULE  # noqa: E402,F401

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django adds handlers of its own to "django"; send its records through ours once.
    # Failed logins, lockouts and refused floods go to "rapport.security" (root's handler).
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Axes' own INFO lines repeat every login; its warnings still show.
        "axes": {"level": "WARNING"},
    },
}
