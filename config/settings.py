"""Flaremap settings: one file, driven by environment variables with safe embedded defaults.

Without any environment the app runs on a SQLite file, runs Celery tasks in-process and prints
e-mail to the console. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and
leaves DEBUG off; that configuration passes ``manage.py check --deploy`` without warnings.
"""

import importlib.util
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest: plain static storage and no HTTPS redirect, so the test client and the
# Playwright live server work over http://127.0.0.1. Production behaviour is tested explicitly.
TESTING = env_bool("TESTING", "pytest" in sys.modules)
LOCAL_HTTP = DEBUG or TESTING
# The embedded default key is only for local runs; production must set SECRET_KEY (compose does).
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "insecure-local-only-8d1f0c7e2b9a4f3c6e5d7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "diary",
    "insights",
    "clinic",
]

MIDDLEWARE = [
    # Compresses HTML/JSON (Django pads gzip output against BREACH); static files come
    # pre-compressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # no-store + Permissions-Policy on every response that is not a static file.
    "config.middleware.PrivateResponseMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    # Last, so it sees the outcome of authentication (django-axes' requirement).
    "axes.middleware.AxesMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "diary.context_processors.ongoing_attack",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A busy timeout stops "database is locked" when the dev server and a task overlap, and
    # IMMEDIATE transactions take the write lock at BEGIN: writers are serialised before they
    # read or stamp anything (what PostgreSQL's per-patient lock does in diary.services).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The admin asks staff for a one-time password (TOTP app, or static backup codes from
# `manage.py addstatictoken EMAIL`) when ADMIN_REQUIRE_MFA is on.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", False)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute-force lockout (django-axes): 5 failures per email+IP lock that pair out for 15 minutes.
# The e-mail is counted normalised (trimmed, lower-cased) on the web form and the API alike.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
# Lockout logs hold e-mails, IPs and user agents: purged after this many days (a beat task)
# and at once for an account that is deleted.
LOCKOUT_LOG_RETENTION_DAYS = int(os.environ.get("LOCKOUT_LOG_RETENTION_DAYS", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Behind a TLS proxy set PROXY_COUNT to the number of proxies: lockouts, share-code limits and
# the access log then see the client's address, not the proxy's (accounts.access.client_ip).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.access.client_ip"
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL_HTTP
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = LOCAL_HTTP
WHITENOISE_MAX_AGE = 31536000

# Request bodies: DRF answers 413 past this size (see config.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(2 * 1024 * 1024)))

# E-mail: console unless EMAIL_URL-style settings are given.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Flaremap <noreply@flaremap.local>")

# Web Push reminders (accounts.push). Production sets the VAPID key pair (base64url, e.g. from
# `vapid --gen` or docs in README "Reminders") and a contact subject; a local DEBUG run without
# them generates a pair once into a git-ignored file. Without either, reminders go by e-mail.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:noreply@flaremap.local")
VAPID_LOCAL_KEY_FILE = os.environ.get("VAPID_LOCAL_KEY_FILE") or (
    str(BASE_DIR / ".vapid-local.pem") if DEBUG and not TESTING else ""
)

# Security headers. Production (DEBUG off) gets the strict set; ``check --deploy`` is clean.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL_HTTP)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not LOCAL_HTTP)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the app never uses, switched off (config.middleware.PrivateResponseMiddleware).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "manifest-src": [SELF],
    }
}

# Celery: Redis when configured, otherwise tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Tests run tasks eagerly unless a test opts into the real broker (tests/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", not REDIS_URL or TESTING)
INSIGHTS_DEBOUNCE_SECONDS = int(os.environ.get("INSIGHTS_DEBOUNCE_SECONDS", "10"))
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message whose worker died unacked (late ack) is redelivered after the visibility timeout;
# it must exceed the task time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "insights-catch-up": {"task": "insights.tasks.recompute_stale", "schedule": 300.0},
    # Nightly refresh: "the last 30 days" moves even when no diary data changed.
    "insights-nightly": {
        "task": "insights.tasks.recompute_nightly",
        "schedule": crontab(hour=3, minute=15),
    },
    # Opt-in reminders (check-in, relief follow-up, questionnaires due; diary.reminders). Every
    # 5 minutes: a follow-up is due 2 hours after a dose, not on a quarter-hour grid.
    "diary-reminders": {"task": "diary.tasks.send_reminders", "schedule": 300.0},
    # Lockout logs and failed share codes older than LOCKOUT_LOG_RETENTION_DAYS are deleted.
    "accounts-purge-lockout-logs": {
        "task": "accounts.tasks.purge_lockout_logs",
        "schedule": crontab(hour=4, minute=5),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not TESTING
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.SafeJSONParser"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("THROTTLE_AUTH", "20/min"),
        "writes": os.environ.get("THROTTLE_WRITES", "600/min"),
    },
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # Throttles key anonymous clients on the address PROXY_COUNT proxies in (0: the peer), never
    # on a client-written X-Forwarded-For.
    "NUM_PROXIES": PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTO_REFRESH": True,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Flaremap API",
    "DESCRIPTION": (
        "Daily migraine and widespread-pain diary for patients, their clinicians and mobile apps. "
        "Authenticate with `POST /api/v1/auth/token/` and send `Authorization: Token <token>`."
        "\n\n**Clinicians** read a patient who shares with them through the same endpoints with "
        "`?patient=<id>` (the `patient` of `GET /shares/`); they are read-only (writes 403), "
        "notes appear only with the notes scope, and every read is logged for the patient. "
        "Another patient's objects answer 404."
        "\n\n**Offline sync.** Every diary object carries `id`, `version`, `updated_at` and "
        "`deleted`. Create with client-generated UUIDs (`PUT /<resource>/<uuid>/`, or `POST` "
        "with `id`): a retried request never duplicates and a replay changes nothing. Send "
        '`If-Match: "<version>"` (the `ETag`) to never overwrite someone else\'s edit: a stale '
        "one answers 412 with `current`. Pull changes with `?updated_since=<largest updated_at "
        "seen>` (tombstones included, cursor pages) and push a queue with `POST /sync/batch/` "
        "(up to 500 operations, one result each)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: a nullable reference is `oneOf: [{$ref}, {type: "null"}]`, which generators and
    # validators read alike (3.0's `nullable` beside `allOf` is ignored by most of them).
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name for the choice set shared by both family-history fields of the profile.
    "ENUM_NAME_OVERRIDES": {"FamilyHistoryEnum": "accounts.models.FamilyHistory"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_unauthorized",
        "config.openapi.document_retry_after",
        "config.openapi.require_response_fields",
    ],
}
# /api/docs/ serves Swagger UI from our own static files: the CSP allows no CDN.
if importlib.util.find_spec("drf_spectacular_sidecar") is not None:
    INSTALLED_APPS.append("drf_spectacular_sidecar")
    SPECTACULAR_SETTINGS.update(
        SWAGGER_UI_DIST="SIDECAR", SWAGGER_UI_FAVICON_HREF="SIDECAR", REDOC_DIST="SIDECAR"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
