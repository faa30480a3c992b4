"""MesoPlan settings: one module, driven by the environment (see README, "Configuration").

Defaults give the embedded set-up (SQLite under var/, Celery tasks run in-process);
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis with a real worker.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_htmx",
    "simple_history",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "mesoplan",
    "mesoplan.outbox",
    "protocols",
    "patients",
    "scheduling",
    "lots",
    "sessions.apps.SessionsConfig",
    "outcomes",
    "reports",
    "office",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mesoplan.guards.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mesoplan.idle.IdleSessionMiddleware",
    # A signed-in browser that still owes its second factor or a new password reaches
    # only the pages that settle it (mesoplan/auth/gate.py).
    "mesoplan.auth.gate.SignInStepsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mesoplan.middleware.PracticeTimeZoneMiddleware",
    "mesoplan.audit.AuditContextMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the lock-out flag set during authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mesoplan.urls"
WSGI_APPLICATION = "mesoplan.wsgi.application"
AUTH_USER_MODEL = "mesoplan.User"

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
                "mesoplan.context_processors.product",
            ],
            # The practice's date format in every template without a {% load %}.
            "builtins": ["mesoplan.templatetags.practice_dates"],
        },
    },
]

# --- Database --------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mesoplan.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server and an in-process task read while another request writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared between processes when CACHE_URL points at Redis ------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://mesoplan")}

# --- Auth, sessions, lock-out -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "mesoplan.auth.backends.LockoutAwareAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A shared clinic workstation must not stay signed in: the session ends after this many
# minutes without a request (every request renews it).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Renewed at most once a minute (mesoplan/idle.py), not written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# API.md: 5 failures for one username within 15 minutes lock that username (not the
# clinic's shared IP address) until the period ends.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mesoplan.auth.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0) or None

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"  # storage; each practice displays and plans in its own zone
USE_I18N = True
USE_TZ = True
# Dates as pages show them (mesoplan/date_display.py): the locale's formats come from
# mesoplan/formats/en_GB/ (Django prefers them over the settings below, kept equal for a
# language without its own module).
FORMAT_MODULE_PATH = ["mesoplan.formats"]
DATE_FORMAT = "d M Y"
DATETIME_FORMAT = "d M Y, H:i"
TIME_FORMAT = "H:i"
DEFAULT_PRACTICE_TIME_ZONE = "Europe/Berlin"
# A deferred screening (a temporary contraindication, DOMAIN.md) is due to be repeated
# this many days after it was taken; the clinician's home page lists the patients due.
DEFERRAL_RESCREEN_DAYS = env.int("DEFERRAL_RESCREEN_DAYS", default=14)
# Appointment reminders go out this many hours before the appointment (scheduling.reminders).
REMINDER_LEAD_HOURS = env.int("REMINDER_LEAD_HOURS", default=24)
# The session form warns about product lots that expire within this many days (lots.services).
LOT_EXPIRY_WARNING_DAYS = env.int("LOT_EXPIRY_WARNING_DAYS", default=30)
# A session is recorded at most this many days after it was performed (an older date is
# a typing error, such as year 1).
SESSION_BACKDATE_DAYS = env.int("SESSION_BACKDATE_DAYS", default=365)
# How far ahead appointments and courses are booked or moved (scheduling/horizon.py).
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=730)
# How long the appointments' change history is kept for the changes feed (API.md: at
# least 30 days; a sync token older than that answers 410 and the client starts again).
SYNC_RETENTION_DAYS = max(30, env.int("SYNC_RETENTION_DAYS", default=30))
# Webhook deliveries queued per beat sweep (webhooks.tasks.sweep, every 5 seconds).
WEBHOOK_SWEEP_BATCH = 500
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="DE")
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Clinical photos: never under a public URL; served only by the practice-scoped view
    # (outcomes/photo_http.py). Local files by default; an S3-compatible store by setting
    # PHOTO_STORAGE_BACKEND and its options (docs/deployment.md).
    "photos": {
        "BACKEND": env.str(
            "PHOTO_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json(
            "PHOTO_STORAGE_OPTIONS",
            default={"location": str(VAR_DIR / "photos"), "base_url": None},
        ),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Security --------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG and env.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Bodies larger than this are refused from their Content-Length (mesoplan/guards.py),
# except on the photo upload URLs, which take PHOTO_MAX_BYTES plus the multipart framing
# (PHOTO_UPLOAD_MAX_BODY). In a multipart body Django counts only the fields that are not
# files against this limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# An uploaded file larger than this is spooled to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# --- Clinical photos and the satisfaction survey (outcomes/photos.py, outcomes/surveys.py)
# A photo larger than this is refused (400); nginx and the request guard let the photo
# upload URLs carry this much plus the multipart framing (deploy/nginx.conf: 11m).
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PHOTO_UPLOAD_MAX_BODY = PHOTO_MAX_BYTES + 256 * 1024
# Width x height above this is refused before the pixels are decoded (a decompression
# bomb: a small file that unpacks to gigabytes). 24 MP is a 6000 x 4000 camera, twice a
# phone's usual 12 MP photo; a 7071 x 7071 PNG (the old 50 MP limit) took 12 s and 1 GB of
# one worker to decode and re-encode. A practice with a larger camera raises it.
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=24_000_000)
# A patient's one-time survey link expires after this many days.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=14)

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mesoplan.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mesoplan.api.pagination.ResultsPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "mesoplan.api.schema.MesoPlanAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["mesoplan.api.renderers.SafeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mesoplan.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "mesoplan.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MesoPlan API",
    "DESCRIPTION": (
        "Treatment planning for aesthetic mesotherapy. Authenticate with "
        "`POST /api/v1/auth/token/` and send `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        # Screenings have a severity and an outcome of their own.
        "AdverseEventSeverityEnum": "sessions.models.EventSeverity",
        "AdverseEventOutcomeEnum": "sessions.models.EventOutcome",
        "CancellationReasonEnum": "scheduling.models.CancellationReason",
    },
}

# --- Trust: second factor and API tokens (mesoplan/auth/) -------------------------------
# An API token works this many days after it is issued; then the client asks for a new one.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
# At most this many live tokens per user: issuing one more revokes the least recently used.
API_TOKEN_MAX_PER_USER = env.int("API_TOKEN_MAX_PER_USER", default=20)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="MesoPlan")
# Wrong codes make the next try wait 1, 2, 4, ... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys: a second factor only, never a sign-in without the password. The relying
# party is the host the browser is on (checked against ALLOWED_HOSTS), unless set here.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "MesoPlan"
OTP_WEBAUTHN_RP_ID_CALLABLE = "mesoplan.auth.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "mesoplan.auth.passkeys.PasskeyHelper"
PASSKEY_RP_ID = env.str("PASSKEY_RP_ID", default="")
PASSKEY_ORIGINS = env.list("PASSKEY_ORIGINS", default=[])
# What the library's own check reads; the helper takes the request's origin unless
# PASSKEY_ORIGINS pins them (mesoplan/auth/passkeys.py).
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    PASSKEY_ORIGINS
    or [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if "*" not in host]
    or ["https://localhost"]
)
# Superusers (the site's administrators, in /admin/) always need a second factor; a
# development database may switch it off.
ADMIN_SECOND_FACTOR = env.bool("ADMIN_SECOND_FACTOR", default=True)

# --- Celery ----------------------------------------------------------------------------
# Without a broker the embedded set-up runs tasks in-process, eagerly, after commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Webhook deliveries wait on other servers (up to 15 s each): their own queue, so they
# never hold up reminders or report builds (docker-compose runs a worker for each).
# Report builds read the whole network: their own queue too (`reports`).
CELERY_TASK_ROUTES = {
    "webhooks.tasks.*": {"queue": "webhooks"},
    "reports.tasks.*": {"queue": "reports"},
}
# Redis hands an unacknowledged task to another worker after this long: longer than the
# longest report build (minutes at a network's size), or a slow build would run twice.
# A publish finds the broker down at once: one connection attempt (not kombu's reconnect
# loop, seconds per message), a second to connect at most. What a request enqueues waits
# in the outbox meanwhile (mesoplan/outbox/); workers reconnect on their own schedule.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4 * 3600,
    "max_retries": 0,
    "socket_connect_timeout": 1,
}
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {"task": "sessions.tasks.send_due_reminders", "schedule": 300.0},
    "update-recall-lists": {"task": "sessions.tasks.update_recall_lists", "schedule": 3600.0},
    "webhooks-sweep": {"task": "webhooks.tasks.sweep", "schedule": 5.0},
    "relay-outbox": {"task": "mesoplan.outbox.tasks.relay_outbox", "schedule": 5.0},
    "prune-appointment-changes": {
        "task": "scheduling.tasks.prune_appointment_changes",
        "schedule": 86400.0,
    },
    "purge-expired-idempotency-keys": {
        "task": "mesoplan.tasks.purge_expired_idempotency_keys",
        "schedule": 3600.0,
    },
}

# --- Logging: to stdout, for the process manager ---------------------------------------
# One handler, on the root logger. Django first installs its own defaults, whose `django`
# logger has a console handler (shown when DEBUG is on) and still propagates to the root:
# every django.* line printed twice. Naming `django` here replaces its handlers with none,
# so its records reach the root handler only. (Its mail_admins handler goes too: ADMINS
# is empty.) `django.server`, runserver's request lines, keeps Django's own handler and
# does not propagate.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "axes": {"level": "WARNING"},
        # In-process tasks (no broker): a line per task run is noise in runserver's log.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# E-mail (appointment reminders): printed to the console unless told otherwise. EMAIL_URL
# names an SMTP server in one variable (django-environ: smtp+tls://user:pw@host:587,
# smtps://... for implicit TLS); DJANGO_EMAIL_BACKEND names any other backend.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# The sender of reminders, e.g. "Praxis Mitte <termine@praxis-mitte.example>".
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# Lock-out is by username alone on purpose (API.md): a whole clinic shares one NAT
# address, and locking it would stop every colleague. Axes warns about exactly that.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
