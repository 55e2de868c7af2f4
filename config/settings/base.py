"""Settings shared by every environment; each value that differs between sites comes from the
environment (see README, "Configuration")."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",  # django.contrib.admin with tracker.admin.site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from the project (no CDN)
    "tracker",
]

MIDDLEWARE = [
    "tracker.request_log.RequestLogMiddleware",
    "tracker.middleware.ServerTimingMiddleware",
    "tracker.middleware.PrivateResponseMiddleware",
    "tracker.audit_context.AuditContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.db_middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.db_middleware.DatabaseErrorMiddleware",
    "tracker.db_middleware.SessionActivityMiddleware",
    "tracker.middleware.SessionExpiryMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tracker.middleware.StaffRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "tracker.accounts.session_settings",
            ],
        },
    },
]

# DATABASE_URL unset means a SQLite file in the project folder (git-ignored).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (the two-command set-up): WAL lets pages read while a request writes; a writing
    # transaction takes the lock when it begins (IMMEDIATE) and waits for it up to 20 s instead
    # of failing half-way with "database is locked"; every commit is still synced (FULL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    # Keep server connections between requests (a new PostgreSQL connection per request costs
    # more than most pages), checked before reuse.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tracker.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # 0.5, not Django's 0.7: "lockme2lockme2" for the user lockme2 is 0.67 similar (issue 9 #11).
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"max_similarity": 0.5},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:worklist"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions end after 30 minutes: the expiry moves with the requests, saved at most once a
# minute so that a page view does not need the database's write lock
# (tracker.db_middleware.SessionActivityMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Lock-out after repeated failed log-ins (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locked per account, not per address: a clinic's staff often share one address behind NAT, and
# locking it would shut out the whole ward (hence axes.W006 is silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap's dist files are committed under static/bootstrap/ (no CDN, nothing built at install).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers are sent in every environment, not only in production.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The REST API (issue 15, tracker/api/): JSON only, API tokens or the browser's session (with
# CSRF), the roles' model permissions, errors as {"errors": [{"path", "message"}]}.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.auth.ApiTokenAuthentication",
        # The browser's login; writes need the CSRF token, as the pages' forms do.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ClinicStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Numbers as JSON numbers (62.5), as in the report and the import.
    "COERCE_DECIMAL_TO_STRING": False,
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HER2 cardiac monitoring tracker API",
    "DESCRIPTION": "Patients, their clinical records, the worklist and the reports. "
    "Authenticate with `Authorization: Bearer <token>` (a token an administrator created in "
    'the admin) or the browser\'s session. Errors: `{"detail", "errors": [{"path", '
    '"message"}]}`.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets share the field name "recommendation": the rules' values (the report, the
    # patient list) and the labelled ones a review records (issue 12 item 2).
    "ENUM_NAME_OVERRIDES": {
        "RecommendationEnum": "tracker.api.serializers.RECOMMENDATION_VALUES",
        "ReviewedRecommendationEnum": "tracker.models.workflow.RECOMMENDATION_CHOICES",
    },
}

# Clinical thresholds an institution may change (clinical-rules.md: LLN; S6 due-soon window).
LVEF_LOWER_LIMIT_NORMAL = Decimal(env("LVEF_LOWER_LIMIT_NORMAL", default="50"))
ASSESSMENT_DUE_SOON_DAYS = env.int("ASSESSMENT_DUE_SOON_DAYS", default=14)
# clinical-rules.md section 0, "Rule set": us_label (default) or eu_smpc, for trastuzumab.
RULE_SET = env("RULE_SET", default="us_label")
# Issue 12: a scan requested this many days ago and still not booked is chased.
SCAN_BOOKING_DAYS = env.int("SCAN_BOOKING_DAYS", default=5)
# Issue 12 item 4: the patient letters' letterhead.
CLINIC_NAME = env("CLINIC_NAME", default="Oncology Day Unit")
CLINIC_TELEPHONE = env("CLINIC_TELEPHONE", default="0100 000 0000")

# FHIR (issue 15 items 2, 3): the identifier system of this hospital's MRNs (often an OID,
# urn:oid:...), and the prefix of the tracker's own code systems and identifiers.
FHIR_MRN_SYSTEM = env("FHIR_MRN_SYSTEM", default="urn:her2-tracker:mrn")
FHIR_SYSTEM_BASE = env("FHIR_SYSTEM_BASE", default="urn:her2-tracker")
# The largest FHIR request body and browser import file accepted (bytes).
FHIR_MAX_BODY_BYTES = env.int("FHIR_MAX_BODY_BYTES", default=2 * 1024 * 1024)
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
# Where a checked browser upload waits for its confirmation ("": the system's temporary folder).
IMPORT_STAGING_DIR = env("IMPORT_STAGING_DIR", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden": {"()": "tracker.middleware.ForbiddenWithoutTracebackFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 403 is logged as one warning line, without a traceback (issue 9 finding 11).
    "loggers": {"django.request": {"filters": ["forbidden"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
# LOG_FORMAT=json: every log record as one JSON line, and one line per request (issue 16;
# tracker/request_log.py says what a line holds: no patient data).
LOG_FORMAT = env("LOG_FORMAT", default="text")
REQUEST_LOG = LOG_FORMAT == "json"
if REQUEST_LOG:
    LOGGING["formatters"] = {"json": {"()": "tracker.request_log.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    LOGGING["loggers"]["tracker.requests"] = {"level": "INFO"}
ENVIRONMENT = "base"
