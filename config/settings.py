"""Borough settings: one module, driven by the environment (django-environ).

Two modes:

* ``embedded`` (the default): SQLite, Huey on SQLite, sandbox providers, a secret key generated
  on first start and kept in ``var/``. This is what ``make run`` and ``make test`` use.
* ``production``: everything comes from the environment and ``manage.py check --deploy`` is
  clean. See ``docs/how-to/deploy.md``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("BOROUGH_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

BOROUGH_MODE = env.str("BOROUGH_MODE", default="embedded")
if BOROUGH_MODE not in {"embedded", "production"}:
    raise environ.ImproperlyConfigured("BOROUGH_MODE must be 'embedded' or 'production'")
PRODUCTION = BOROUGH_MODE == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _embedded_secret_key() -> str:
    """A random key made on first start and kept in var/, so sessions survive restarts."""
    path = VAR_DIR / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _embedded_secret_key()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The council's own words, so that no council needs a fork (STYLE.md, "Settings and variation").
COUNCIL_NAME = env.str("BOROUGH_COUNCIL_NAME", default="Demo Borough Council")
SERVICE_NAME = env.str("BOROUGH_SERVICE_NAME", default="Council services")
SERVICE_PHASE = env.str("BOROUGH_SERVICE_PHASE", default="beta")
FEEDBACK_EMAIL = env.str("BOROUGH_FEEDBACK_EMAIL", default="digital@council.example")
# Where staff reach the hub, for links in emails to staff (escalations).
SITE_URL = env.str("BOROUGH_SITE_URL", default="http://localhost:8000").rstrip("/")
# An open case is "at risk" when it is due within this many working days (0: due today).
SLA_AT_RISK_WORKING_DAYS = env.int("BOROUGH_SLA_AT_RISK_WORKING_DAYS", default=1)
# The council's service catalogue (docs/how-to/service-definitions.md); Borough ships one.
BOROUGH_CATALOGUE_FILE = env.str("BOROUGH_CATALOGUE_FILE", default="")

# Cost of one contact by channel, in pounds (docs/how-to/kpis.md). The defaults are Socitm's
# 2011 "Channel value benchmarking" figures: old, to be replaced with the council's own. A
# channel left out has no cost set and the KPI pages say so rather than count it as free.
BOROUGH_CONTACT_COSTS = env.dict(
    "BOROUGH_CONTACT_COSTS",
    default={"face_to_face": "8.62", "phone": "2.83", "web": "0.15"},
)
# Print and postage for one letter sent, in pounds; empty means no cost set.
BOROUGH_LETTER_COST = env.str("BOROUGH_LETTER_COST", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "axes",
    "borough.core",
    "borough.accounts",
    "borough.places",
    "borough.people",
    "borough.catalogue",
    "borough.cases",
    "borough.contacts",
    "borough.insights",
    "borough.portal",
    "borough.hub",
    "borough.demo",
]

MIDDLEWARE = [
    "borough.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "borough.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "borough.core.middleware.ResidentLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "borough" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "borough.core.context_processors.borough",
                "borough.core.context_processors.languages",
                "borough.hub.context_processors.hub_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'borough.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Huey consumer writes; IMMEDIATE transactions
    # avoid "database is locked" upgrades from read to write locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Task queue (Huey) ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "borough",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "borough",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "hub:login"
LOGIN_REDIRECT_URL = "hub:cases"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "hub/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "borough.accounts.lockout.username_for_lockout"

# --- Rate limits -------------------------------------------------------------------------------
# What anyone may do without signing in, per client (see borough.core.ratelimit). Counts live in
# the cache: this process's memory by default; set CACHE_URL (redis://...) in production so all
# web processes share them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://borough")}
BOROUGH_RATE_LIMITS = {
    "submit": env.str("BOROUGH_RATE_SUBMIT", default="30/h"),  # sending a request
    "start": env.str("BOROUGH_RATE_START", default="120/h"),  # starting a form
    "search": env.str("BOROUGH_RATE_SEARCH", default="120/m"),
    "feedback": env.str("BOROUGH_RATE_FEEDBACK", default="30/h"),
}
# How many reverse proxies stand in front of Borough (their X-Forwarded-For is trusted).
BOROUGH_TRUSTED_PROXIES = env.int("BOROUGH_TRUSTED_PROXIES", default=0)

# --- Sessions, cookies and security ---------------------------------------------------------
# Browsing sets no cookies. A session cookie (strictly necessary) is set only once a resident
# starts a form or a member of staff signs in; the CSRF token lives in the session.
SESSION_COOKIE_NAME = "borough_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_USE_SESSIONS = True
CSRF_FAILURE_VIEW = "borough.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Extra sources for the Content-Security-Policy (no 'unsafe-inline' anywhere).
CSP_EXTRA_CONNECT_SRC = env.list("BOROUGH_CSP_CONNECT_SRC", default=[])

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Residents choose their language with the switcher in the page header (a cookie, see
# docs/adr/0014-language-by-cookie.md); staff pages, the admin and APIs stay in English.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LANGUAGE_COOKIE_NAME = "borough_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
STAFF_PATH_PREFIXES = ("/hub/", "/admin/", "/api/", "/open311/")
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "borough" / "locale"]

# --- Static files (GOV.UK Frontend, built by `npm run build` into build/static) -------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("BOROUGH_MEDIA_ROOT", default=VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("BOROUGH_MANIFEST_STATIC", default=PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# In embedded mode static files are served straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Logging: JSON lines on stdout, never personal data ------------------------------------
LOG_LEVEL = env.str("BOROUGH_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "borough.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines may carry identifiers; our own middleware logs method, route and status.
        "django.server": {"level": "WARNING"},
        "huey": {"level": "INFO"},
    },
}

# --- Email: an outbox folder in embedded mode (sandbox, nothing leaves the machine) ---------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env.str("BOROUGH_FROM_EMAIL", default="no-reply@council.example")

# --- Case page: duplicate suggestions ------------------------------------------------------
# Open or recently closed cases of the same service within this distance of a case, created
# within this many days, are suggested as possible duplicates on the case page.
BOROUGH_DUPLICATE_RADIUS_METRES = env.int("BOROUGH_DUPLICATE_RADIUS_METRES", default=100)
BOROUGH_DUPLICATE_WINDOW_DAYS = env.int("BOROUGH_DUPLICATE_WINDOW_DAYS", default=30)
