"""Borough settings: one module, driven by the environment (django-environ).

Two modes:

* ``embedded`` (the default): SQLite, Huey on SQLite, sandbox providers, a secret key, an
  encryption key and an API key hashing key generated on first start and kept in ``var/``.
  This is what ``make run`` and ``make test`` use.
* ``production``: everything comes from the environment and ``manage.py check --deploy`` is
  clean. See ``docs/how-to/deploy.md``.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import uuid
from pathlib import Path
from typing import Any, Final

import environ

from borough.core.branding import brand_colour_problem, footer_links
from config import deployment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("BOROUGH_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)
# Secrets may come from files a secrets manager mounts (NAME_FILE; config/deployment.py).
deployment.read_file_secrets()

BOROUGH_MODE = env.str("BOROUGH_MODE", default="embedded")
if BOROUGH_MODE not in {"embedded", "production"}:
    raise environ.ImproperlyConfigured("BOROUGH_MODE must be 'embedded' or 'production'")
PRODUCTION = BOROUGH_MODE == "production"
if PRODUCTION:
    # No silent one-machine fallbacks (SQLite, a file queue, a per-machine cache, local uploads).
    deployment.refuse_incomplete_production()

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _embedded_key(name: str, make) -> str:
    """A key made on first start and kept in var/ (embedded mode only), so sessions and stored
    secrets survive restarts: the secret key, the encryption key, the API key hash key."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _embedded_key(
        "secret-key", lambda: secrets.token_urlsafe(64)
    )


def _key_list(name: str) -> list[str]:
    """Keys from ``NAME`` (comma-separated) or from the file named by ``NAME_FILE`` (one a line
    or comma-separated): a secrets manager can mount the file. First key first."""
    text = env.str(name, default="")
    if not text and env.str(f"{name}_FILE", default=""):
        text = Path(env.str(f"{name}_FILE")).read_text().replace("\n", ",")
    return [key.strip() for key in text.split(",") if key.strip()]


# Encryption at rest of the secrets Borough keeps (ADR 0028; borough.core.encryption): Fernet
# keys, the first encrypts, all decrypt. Rotate with `manage.py rotate_encryption_key`.
# Production must set it (`check --deploy` says so); embedded mode makes one in var/.
BOROUGH_FIELD_ENCRYPTION_KEYS = _key_list("BOROUGH_FIELD_ENCRYPTION_KEYS")
# The keys API keys are hashed with (HMAC-SHA256), apart from SECRET_KEY so that rotating
# SECRET_KEY does not lock out every API client: the first hashes, all verify (a key found with
# an older one is hashed again with the first). Embedded mode makes one in var/ and keeps
# verifying keys hashed with SECRET_KEY, as every key was before ADR 0028.
BOROUGH_API_KEY_HASH_KEYS = _key_list("BOROUGH_API_KEY_HASH_KEYS")
if not PRODUCTION:
    BOROUGH_FIELD_ENCRYPTION_KEYS = BOROUGH_FIELD_ENCRYPTION_KEYS or [
        _embedded_key(
            "field-encryption-key",
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        )
    ]
    BOROUGH_API_KEY_HASH_KEYS = BOROUGH_API_KEY_HASH_KEYS or [
        _embedded_key("api-key-hash-key", lambda: secrets.token_urlsafe(48)),
        SECRET_KEY,
    ]

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The council's own words, so that no council needs a fork (STYLE.md, "Settings and variation").
COUNCIL_NAME = env.str("BOROUGH_COUNCIL_NAME", default="Demo Borough Council")
SERVICE_NAME = env.str("BOROUGH_SERVICE_NAME", default="Council services")
SERVICE_PHASE = env.str("BOROUGH_SERVICE_PHASE", default="beta")
FEEDBACK_EMAIL = env.str("BOROUGH_FEEDBACK_EMAIL", default="digital@council.example")
# Where "Exit this page" (GOV.UK pattern, issue 22) sends someone who must leave quickly: an
# ordinary page that says nothing about the council or about abuse. The GOV.UK Design System's
# own example is the BBC weather page.
EXIT_THIS_PAGE_URL = env.str("BOROUGH_EXIT_THIS_PAGE_URL", default="https://www.bbc.co.uk/weather")
# Staff AI helpers (issue 22): extractive and offline unless the council also allows its
# language model (BOROUGH_ASSISTANT_LLM_URL) to reword staff drafts.
BOROUGH_STAFF_LLM = env.bool("BOROUGH_STAFF_LLM", default=False)
# The one address of this site (issue 17): every absolute link (emails to residents and staff,
# allauth's sign-up, confirmation and password reset links) is built from it, never from the
# host a request happened to use. The default is where `make run` serves the demo.
SITE_URL = env.str(
    "BOROUGH_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
# Open311 GeoReport v2 (docs/how-to/open311.md): the council's jurisdiction_id (its website
# without www), and how far a reported point may be from a property to stand for it.
OPEN311_JURISDICTION = env.str("BOROUGH_OPEN311_JURISDICTION", default="council.example")
OPEN311_SNAP_METRES = env.int("BOROUGH_OPEN311_SNAP_METRES", default=50)
# An open case is "at risk" when it is due within this many working days (0: due today).
SLA_AT_RISK_WORKING_DAYS = env.int("BOROUGH_SLA_AT_RISK_WORKING_DAYS", default=1)
# The single view's names for the council's source systems, e.g.
# "council_tax=Council tax (Northgate),adult_social_care=Adult social care (Mosaic)"; systems not
# named here are named from their slug (borough/singleview/labels.py).
SINGLEVIEW_SOURCE_NAMES = env.dict("BOROUGH_SINGLEVIEW_SOURCE_NAMES", default={})
# The council's service catalogue (docs/how-to/service-definitions.md); Borough ships one.
BOROUGH_CATALOGUE_FILE = env.str("BOROUGH_CATALOGUE_FILE", default="")

# GOV.UK Pay (issue 20, docs/how-to/payments.md). With no API key Borough uses its embedded
# sandbox, which speaks the same API under /sandbox/pay/ (clearly labelled, test cards only);
# production must set a key and the webhook signing secret, and may not use the sandbox.
GOVUK_PAY_API_KEY = env.str("GOVUK_PAY_API_KEY", default="")
GOVUK_PAY_SANDBOX = env.bool(
    "BOROUGH_PAY_SANDBOX", default=not GOVUK_PAY_API_KEY and not PRODUCTION
)
if PRODUCTION and GOVUK_PAY_SANDBOX:
    raise environ.ImproperlyConfigured("the GOV.UK Pay sandbox is not for production")
GOVUK_PAY_BASE_URL = (
    f"{SITE_URL}/sandbox/pay"
    if GOVUK_PAY_SANDBOX
    else env.str("GOVUK_PAY_BASE_URL", default="https://publicapi.payments.service.gov.uk")
).rstrip("/")
GOVUK_PAY_WEBHOOK_SECRET = env.str("GOVUK_PAY_WEBHOOK_SECRET", default="") or (
    "" if PRODUCTION else _embedded_key("pay-webhook-secret", lambda: secrets.token_hex(32))
)
GOVUK_PAY_TIMEOUT_SECONDS = env.float("GOVUK_PAY_TIMEOUT_SECONDS", default=10.0)

# DVLA Vehicle Enquiry Service (resident parking permits, docs/how-to/processes.md). With no API
# key Borough uses its embedded sandbox, which speaks the VES API under /sandbox/dvla-ves/
# (clearly labelled, documented test registrations only); production sets DVLA_VES_API_KEY
# (a secret, from the DVLA) and may not use the sandbox.
DVLA_VES_API_KEY = env.str("DVLA_VES_API_KEY", default="")
DVLA_VES_SANDBOX = env.bool(
    "BOROUGH_DVLA_VES_SANDBOX", default=not DVLA_VES_API_KEY and not PRODUCTION
)
if PRODUCTION and DVLA_VES_SANDBOX:
    raise environ.ImproperlyConfigured("the DVLA vehicle enquiry sandbox is not for production")
DVLA_VES_BASE_URL = (
    f"{SITE_URL}/sandbox/dvla-ves"
    if DVLA_VES_SANDBOX
    else env.str("DVLA_VES_BASE_URL", default="https://driver-vehicle-licensing.api.gov.uk")
).rstrip("/")
DVLA_VES_TIMEOUT_SECONDS = env.float("DVLA_VES_TIMEOUT_SECONDS", default=10.0)

# Cost of one contact by channel, in pounds (docs/how-to/kpis.md). The defaults are Socitm's
# 2011 "Channel value benchmarking" figures: old, to be replaced with the council's own. A
# channel left out has no cost set and the KPI pages say so rather than count it as free.
BOROUGH_CONTACT_COSTS = env.dict(
    "BOROUGH_CONTACT_COSTS",
    default={"face_to_face": "8.62", "phone": "2.83", "web": "0.15"},
)
# Print and postage for one letter sent, in pounds; empty means no cost set.
BOROUGH_LETTER_COST = env.str("BOROUGH_LETTER_COST", default="")
# One hour of back-office staff time, in pounds, with on-costs; empty means no cost set. Staff
# time recorded on requests times this is the spend on business support.
BOROUGH_STAFF_COST_PER_HOUR = env.str("BOROUGH_STAFF_COST_PER_HOUR", default="")
# Targets drawn on the KPI pages, by measure (docs/how-to/kpis.md): percentages as percentages,
# e.g. "completion_rate=85,satisfaction=80,self_service_share=60". None are set by default.
BOROUGH_KPI_TARGETS = env.dict("BOROUGH_KPI_TARGETS", default={})

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
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "borough.accounts.govuk_one_login",
    "borough.core",
    "borough.accounts",
    "borough.clients",
    "borough.places",
    "borough.people",
    "borough.catalogue",
    "borough.cases",
    "borough.contacts",
    "borough.payments",
    "borough.insights",
    "borough.singleview",
    "borough.notify",
    "borough.processes",
    "borough.portal",
    "borough.hub",
    "borough.api",
    "borough.integrations",
    "borough.assistant",
    "borough.telephony",
    "borough.voice",
    "borough.homes",
    "borough.directory",
    "borough.inclusion",
    "borough.governance",
    "borough.demo",
]

MIDDLEWARE = [
    "borough.core.middleware.RequestIdMiddleware",
    # Every refused response (401 under the APIs, 403, 429) is a security event (issue 16).
    "borough.core.security_events.SecurityEventMiddleware",
    "borough.api.middleware.ApiErrorEnvelopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Cache-Control: no-store on everything but public pages and static files (issue 16).
    "borough.core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "borough.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "borough.core.middleware.ResidentLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Bodies over BOROUGH_MAX_REQUEST_BYTES get a 413 before anything reads them (issue 16).
    "borough.core.body_limit.RequestBodyLimitMiddleware",
    "borough.accounts.idle.StaffIdleTimeoutMiddleware",
    # Issue 16: no control characters in any form, query or JSON body (core.text).
    "borough.core.middleware.ControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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
    # Any number of consumers may share it; each periodic task still runs once (ADR 0034).
    HUEY = {
        "huey_class": "borough.core.queue.SharedRedisHuey",
        "name": env.str("BOROUGH_QUEUE_NAME", default="borough"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {
            "workers": env.int("BOROUGH_TASK_WORKERS", default=2),
            "worker_type": "thread",
        },
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "borough",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Accounts (django-allauth; docs/how-to/sign-in.md, ADR 0009) ----------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/account/login/"
# Where people land after signing in when no page asked for it: the adapter sends staff to the
# hub and residents to their account (borough.accounts.adapters.AccountAdapter).
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "borough.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"borough.accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "reset_password": "ResetPasswordForm",
        "request_login_code": "RequestLoginCodeForm",
        "confirm_login_code": "ConfirmLoginCodeForm",
    }.items()
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a button on the page: link scanners cannot confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_SESSION_REMEMBER = True  # sessions last SESSION_COOKIE_AGE, as before allauth
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Confirming it is you again: the password or the authenticator app, never an emailed code
# (allauth 65.22 added "code"; an inbox alone must not unlock API keys or staff admin).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
# Rate limits (per client address, per email address "key", per user). Refused attempts get
# the GOV.UK "too many attempts" page or an error on the form. Counts live in CACHES.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("BOROUGH_RATE_LOGIN", default="30/m/ip"),
    "login_failed": env.str("BOROUGH_RATE_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("BOROUGH_RATE_SIGNUP", default="10/m/ip,30/h/ip"),
    "request_login_code": env.str("BOROUGH_RATE_LOGIN_CODE", default="10/m/ip,3/5m/key"),
    "reset_password": env.str("BOROUGH_RATE_PASSWORD_RESET", default="10/m/ip,3/5m/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "borough.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "borough.accounts.forms.AuthenticateForm",
    "reauthenticate": "borough.accounts.forms.ReauthenticateForm",
    "activate_totp": "borough.accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = COUNCIL_NAME
MFA_TOTP_TOLERANCE = 1  # accept the code of the 30 seconds before or after (clock drift)
SOCIALACCOUNT_ADAPTER = "borough.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False  # "Continue" is a button (POST), not a link
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified provider email signs in to that account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
# GOV.UK One Login (or any OpenID Connect provider): on when BOROUGH_OIDC_CLIENT_ID is set.
# Borough's provider (borough.accounts.govuk_one_login) is allauth's OpenID Connect provider
# plus a nonce and private_key_jwt client authentication. docs/how-to/sign-in.md.
BOROUGH_OIDC_CLIENT_ID = env.str("BOROUGH_OIDC_CLIENT_ID", default="")
_oidc_private_key = env.str("BOROUGH_OIDC_PRIVATE_KEY", default="").replace("\\n", "\n")
if not _oidc_private_key and env.str("BOROUGH_OIDC_PRIVATE_KEY_FILE", default=""):
    _oidc_private_key = Path(env.str("BOROUGH_OIDC_PRIVATE_KEY_FILE")).read_text()
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "openid_connect": {"APPS": []},
    "govuk_one_login": {"APPS": []},
}
if BOROUGH_OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["govuk_one_login"]["APPS"].append(
        {
            "provider_id": env.str("BOROUGH_OIDC_PROVIDER_ID", default="govuk-one-login"),
            "name": env.str("BOROUGH_OIDC_NAME", default="GOV.UK One Login"),
            "client_id": BOROUGH_OIDC_CLIENT_ID,
            "secret": env.str("BOROUGH_OIDC_CLIENT_SECRET", default=""),
            "settings": {
                "server_url": env.str(
                    "BOROUGH_OIDC_SERVER_URL", default="https://oidc.integration.account.gov.uk"
                ),
                "token_auth_method": env.str(
                    "BOROUGH_OIDC_TOKEN_AUTH_METHOD",
                    default="private_key_jwt" if _oidc_private_key else "client_secret_post",
                ),
                "private_key": _oidc_private_key,
                "private_key_id": env.str("BOROUGH_OIDC_PRIVATE_KEY_ID", default=""),
                "scope": env.list("BOROUGH_OIDC_SCOPES", default=["openid", "email"]),
                "oauth_pkce_enabled": env.bool("BOROUGH_OIDC_PKCE", default=True),
                "vtr": env.str("BOROUGH_OIDC_VTR", default=""),
            },
        }
    )

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
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "borough.accounts.lockout.username_for_lockout"

# --- Rate limits -------------------------------------------------------------------------------
# What anyone may do without signing in, per client (see borough.core.ratelimit). Counts live in
# the cache, which every web process must share (issue 16): in production Redis (CACHE_URL
# redis://host:6379/1, required by `check --deploy`); in the embedded mode, files under
# var/cache/ that every worker process on the machine reads and writes (Borough's counters take
# a file lock there, so two workers cannot both count the same last allowed request).
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
CACHES["default"].setdefault("KEY_PREFIX", env.str("BOROUGH_CACHE_PREFIX", default="borough"))
if CACHES["default"]["BACKEND"].endswith(".RedisCache"):  # Django's or django-redis
    # Sessions live in this cache with the database behind it (cached_db): every web server
    # reads them from Redis, and a Redis restart does not sign everyone out (issue 24).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
BOROUGH_RATE_LIMITS = {
    "submit": env.str("BOROUGH_RATE_SUBMIT", default="30/h"),  # sending a request
    "start": env.str("BOROUGH_RATE_START", default="120/h"),  # starting a form
    "search": env.str("BOROUGH_RATE_SEARCH", default="120/m"),
    "feedback": env.str("BOROUGH_RATE_FEEDBACK", default="30/h"),
    # Per API client (a client's own rate_limit wins), and reading Open311 without a key.
    "api": env.str("BOROUGH_RATE_API", default="600/m"),
    "open311-read": env.str("BOROUGH_RATE_OPEN311_READ", default="300/m"),
    # Reading the community directory's Open Referral UK API (public, no key).
    "openreferral-read": env.str("BOROUGH_RATE_OPENREFERRAL_READ", default="300/m"),
    # The resident assistant: starting chats and sending messages without signing in.
    "chat-start": env.str("BOROUGH_RATE_CHAT_START", default="30/h"),
    "chat-message": env.str("BOROUGH_RATE_CHAT_MESSAGE", default="300/h"),
    # Files sent: a form page, a chat message or POST /api/v1/uploads with a file (issue 16).
    "upload": env.str("BOROUGH_RATE_UPLOAD", default="60/h"),
}

# --- Resident assistant (chat) ------------------------------------------------------------
# The emergency line the assistant gives with safeguarding signposting (with 999, Samaritans).
BOROUGH_OUT_OF_HOURS_PHONE = env.str("BOROUGH_OUT_OF_HOURS_PHONE", default="0800 000 0000")
# Optional LLM (any OpenAI-compatible chat-completions endpoint). Off unless the URL is set.
BOROUGH_ASSISTANT_LLM_URL = env.str("BOROUGH_ASSISTANT_LLM_URL", default="")
BOROUGH_ASSISTANT_LLM_MODEL = env.str("BOROUGH_ASSISTANT_LLM_MODEL", default="")
BOROUGH_ASSISTANT_LLM_KEY = env.str("BOROUGH_ASSISTANT_LLM_KEY", default="")
BOROUGH_ASSISTANT_LLM_TIMEOUT = env.float("BOROUGH_ASSISTANT_LLM_TIMEOUT", default=10.0)

# The voice gateway (borough.voice, issue 21; docs/how-to/voice-gateway.md). Speech runs offline
# (Whisper tiny.en and eSpeak NG, ADR XXXX-voice-speech-models); "hosted" sends it to a hosted
# speech service at BOROUGH_VOICE_SPEECH_URL instead (off by default).
BOROUGH_VOICE_SPEECH = env.str("BOROUGH_VOICE_SPEECH", default="offline")
BOROUGH_VOICE_SPEECH_URL = env.str("BOROUGH_VOICE_SPEECH_URL", default="")
BOROUGH_VOICE_SPEECH_KEY = env.str("BOROUGH_VOICE_SPEECH_KEY", default="")
BOROUGH_VOICE_STT_MODEL = env.str("BOROUGH_VOICE_STT_MODEL", default="")  # a CTranslate2 folder
BOROUGH_VOICE_STT_THREADS = env.int("BOROUGH_VOICE_STT_THREADS", default=0)
BOROUGH_VOICE_TTS_VOICE = env.str("BOROUGH_VOICE_TTS_VOICE", default="en-gb")
BOROUGH_VOICE_OFFER_CALLBACK_AFTER_S = env.int("BOROUGH_VOICE_OFFER_CALLBACK_AFTER_S", default=120)
BOROUGH_VOICE = {
    "SIP_LISTEN": env.str("BOROUGH_VOICE_SIP_LISTEN", default="0.0.0.0:5060"),
    "RTP_PORTS": env.str("BOROUGH_VOICE_RTP_PORTS", default="10000-10999"),
    "MEDIA_LISTEN": env.str("BOROUGH_VOICE_MEDIA_LISTEN", default="0.0.0.0:8765"),
    "MAX_CALLS": env.int("BOROUGH_VOICE_MAX_CALLS", default=8),
}
# How many reverse proxies stand in front of Borough: the client's address is the one that many
# places from the right of X-Forwarded-For (0: the connection's own address; the header is then
# ignored). One setting for Borough's rate limits, allauth's and django-axes's (issue 16).
# Production must set it explicitly (`check --deploy`); unset, it counts as 0.
BOROUGH_TRUSTED_PROXIES: int | None = env.int("BOROUGH_TRUSTED_PROXIES", default=None)
AXES_CLIENT_IP_CALLABLE = "borough.core.ratelimit.client_address"

# --- Sessions, cookies and security ---------------------------------------------------------
# Browsing sets no cookies. A session cookie (strictly necessary) is set only once a resident
# starts a form or a member of staff signs in; the CSRF token lives in the session.
SESSION_COOKIE_NAME = "borough_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# Staff are signed out after this many minutes without a request (borough.accounts.idle);
# residents keep SESSION_COOKIE_AGE.
BOROUGH_STAFF_IDLE_MINUTES = env.int("BOROUGH_STAFF_IDLE_MINUTES", default=30)
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
# Welsh (issue 25): a council in Wales sets BOROUGH_WELSH=true and Cymraeg is a third portal
# language, next to English in the switcher (borough/locale/cy: machine-made, labelled on every
# Welsh page until reviewed, ADR 0032). Off by default: councils in England offer English and
# Polish.
BOROUGH_WELSH = env.bool("BOROUGH_WELSH", default=False)
LANGUAGES = [
    ("en-gb", "English"),
    *([("cy", "Cymraeg")] if BOROUGH_WELSH else []),
    ("pl", "Polski"),
]
# Languages the resident assistant's chat replies in beside LANGUAGES, from machine-made
# catalogues (borough/locale/<code>/, catalogue/data/translations/<code>.yaml; ADR 0032).
# Not portal languages: the switcher and the portal's pages stay English and Polish.
BOROUGH_ASSISTANT_LANGUAGES = env.list(
    "BOROUGH_ASSISTANT_LANGUAGES",
    default=["pa", "ur", "ro", "gu", "ta", "so", "ar", "bn", "pt", "hi"],
)
LANGUAGE_COOKIE_NAME = "borough_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
STAFF_PATH_PREFIXES = ("/hub/", "/admin/", "/api/", "/open311/")
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "borough" / "locale"]

# --- Static files (GOV.UK Frontend, built by `npm run build` into build/static) -------------
STATIC_URL = "/static/"
# The container image collects them at build time into /app/staticfiles (BOROUGH_STATIC_ROOT).
STATIC_ROOT = Path(env.str("BOROUGH_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# Uploaded files: BOROUGH_STORAGE_URL s3://bucket[/prefix] puts them in S3-compatible object
# storage (django-storages; BOROUGH_S3_ENDPOINT_URL, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY),
# file:///folder in a folder every server mounts; unset (embedded mode only) under var/media.
BOROUGH_STORAGE_URL = env.str("BOROUGH_STORAGE_URL", default="")
STORAGES = {
    "default": deployment.storage(
        BOROUGH_STORAGE_URL, env.path("BOROUGH_MEDIA_ROOT", default=VAR_DIR / "media"), env.ENVIRON
    ),
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
# The largest request body Borough reads at all (a form's largest file is 20MB, plus the form):
# bigger ones are refused with a 413 before they are read (borough/core/body_limit.py).
BOROUGH_MAX_REQUEST_BYTES = env.int("BOROUGH_MAX_REQUEST_BYTES", default=21 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Logging: JSON lines on stdout, never personal data ------------------------------------
LOG_LEVEL = env.str("BOROUGH_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "borough.core.logging.RequestIdFilter"},
        "redact_path": {"()": "borough.core.logging.PathRedactingFilter"},
        # The trace and span ids of the request or task a line belongs to (issue 24).
        "trace": {"()": "borough.observability.logging.TraceContextFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": (
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(trace_id)s "
                "%(span_id)s"
            ),
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "trace"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines may carry identifiers; our own middleware logs method, route and status.
        "django.server": {"level": "WARNING"},
        "huey": {"level": "INFO"},
        # Django's 4xx/5xx warnings name the path, which may hold references and tokens.
        "django.request": {"filters": ["redact_path"]},
        "django.security.csrf": {"filters": ["redact_path"]},
    },
}

# --- Outbound calls: webhooks and connectors (issue 16; docs/how-to/deploy.md) ------------
# Borough calls only public addresses over HTTPS (the embedded mode may also call this
# machine's loopback addresses, over http:// too, for the demo's local receivers). A council
# that must reach an internal system lists its network here on purpose, as CIDR blocks:
# "10.20.0.0/16,fd00:20::/64".
BOROUGH_OUTBOUND_ALLOWED_NETWORKS = env.list("BOROUGH_OUTBOUND_ALLOWED_NETWORKS", default=[])
for _network in BOROUGH_OUTBOUND_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network.strip(), strict=False)
    except ValueError:
        raise environ.ImproperlyConfigured(
            f"BOROUGH_OUTBOUND_ALLOWED_NETWORKS: {_network!r} is not a network like 10.20.0.0/16"
        ) from None

# --- Email: an outbox folder in embedded mode (sandbox, nothing leaves the machine) ---------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env.str("BOROUGH_FROM_EMAIL", default="no-reply@council.example")
# GOV.UK Notify (issue 20, docs/how-to/notify.md). With no API key Borough uses its embedded
# sandbox, which speaks Notify's API (clearly labelled at /sandbox/notify/, nothing leaves the
# machine); production sets NOTIFY_API_KEY and the callbacks' bearer token, and may not use it.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_SANDBOX = env.bool("BOROUGH_NOTIFY_SANDBOX", default=not NOTIFY_API_KEY and not PRODUCTION)
if PRODUCTION and NOTIFY_SANDBOX:
    raise environ.ImproperlyConfigured("the GOV.UK Notify sandbox is not for production")
if NOTIFY_SANDBOX:
    # A key in Notify's own format, {name}-{service id}-{secret}: the sandbox checks the JWTs
    # the client signs with it exactly as Notify does. The ".invalid" host never resolves, so
    # nothing can leave the machine even if the sandbox were not mounted.
    NOTIFY_API_KEY = _embedded_key(
        "notify-sandbox-key", lambda: f"borough_sandbox-{uuid.uuid4()}-{uuid.uuid4()}"
    )
    NOTIFY_BASE_URL = "http://notify-sandbox.invalid"
else:
    NOTIFY_BASE_URL = env.str(
        "NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
    ).rstrip("/")
# The bearer token Notify puts on its callbacks (set the same one for delivery receipts,
# received text messages and returned letters in Notify's "API integration" page).
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="") or (
    "" if PRODUCTION else _embedded_key("notify-callback-token", lambda: secrets.token_hex(32))
)
# Which Notify template each of Borough's messages uses, by kind and channel:
# "case_acknowledgement.email=<template id>,case_acknowledgement.sms=<id>,...". The sandbox
# needs none; real Notify needs one for every message a council sends (notify.E002 says which).
NOTIFY_TEMPLATES = env.dict("BOROUGH_NOTIFY_TEMPLATES", default={})
NOTIFY_TIMEOUT_SECONDS = env.float("NOTIFY_TIMEOUT_SECONDS", default=10.0)
# Every message Borough sends goes through borough.notify and is kept in its outbox (Message).
# "notify": GOV.UK Notify (or its sandbox), email, text and letter, with delivery receipts;
# "email": email only, through the email backend above (SMTP from EMAIL_URL); "outbox":
# recorded only, nothing is sent.
# Sensors in council homes (issue 27, docs/how-to/home-sensors.md): the MQTT broker the
# ingest subscribes to.
HOMES_MQTT_HOST = env.str("BOROUGH_HOMES_MQTT_HOST", default="127.0.0.1")
HOMES_MQTT_PORT = env.int("BOROUGH_HOMES_MQTT_PORT", default=1883)

BOROUGH_NOTIFY_PROVIDER = env.str(
    "BOROUGH_NOTIFY_PROVIDER",
    default="notify" if NOTIFY_SANDBOX or env.str("NOTIFY_API_KEY", default="") else "email",
)
# How long the tracking link in a request's acknowledgement works (anonymous reporters).
BOROUGH_TRACKING_LINK_DAYS = env.int("BOROUGH_TRACKING_LINK_DAYS", default=365)
# How long after closing a resident may say a request is "not fixed" and reopen it.
BOROUGH_NOT_FIXED_DAYS = env.int("BOROUGH_NOT_FIXED_DAYS", default=28)

# --- Case page: duplicate suggestions ------------------------------------------------------
# Open or recently closed cases of the same service within this distance of a case, created
# within this many days, are suggested as possible duplicates on the case page.
BOROUGH_DUPLICATE_RADIUS_METRES = env.int("BOROUGH_DUPLICATE_RADIUS_METRES", default=100)
BOROUGH_DUPLICATE_WINDOW_DAYS = env.int("BOROUGH_DUPLICATE_WINDOW_DAYS", default=30)

# --- Open311 at scale and observability (issue 24, points 4 and 7) -------------------------
# How long a request list (GET /open311/v2/requests) is kept in the cache; any saved case or
# timeline event makes a new one at once (borough/api/open311/cache.py). 0: never kept.
BOROUGH_OPEN311_CACHE_SECONDS = env.int("BOROUGH_OPEN311_CACHE_SECONDS", default=30)
# /readyz fails when the periodic task runner's heartbeat (every minute) is older than this.
BOROUGH_HEARTBEAT_MAX_AGE_SECONDS = env.int("BOROUGH_HEARTBEAT_MAX_AGE_SECONDS", default=300)
# OpenTelemetry metrics (Prometheus at /metrics) and traces (borough/observability, ADR 0035).
INSTALLED_APPS += ["borough.observability"]
BOROUGH_TELEMETRY = env.bool("BOROUGH_TELEMETRY", default=True)
# Where spans go: "none" (trace ids only, in the logs), "console" (stderr) or "otlp" (an
# OpenTelemetry collector at OTEL_EXPORTER_OTLP_ENDPOINT; needs the otlp extra).
BOROUGH_TRACES_EXPORTER = env.str("BOROUGH_TRACES_EXPORTER", default="none")
BOROUGH_TRACES_SAMPLE_RATIO = env.float("BOROUGH_TRACES_SAMPLE_RATIO", default=0.1)
# Who may read /metrics: callers from these networks, or with this bearer token.
BOROUGH_METRICS_TOKEN = env.str("BOROUGH_METRICS_TOKEN", default="")
BOROUGH_METRICS_ALLOWED_NETWORKS = []
for _network in env.list("BOROUGH_METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"]):
    try:
        BOROUGH_METRICS_ALLOWED_NETWORKS.append(
            ipaddress.ip_network(_network.strip(), strict=False)
        )
    except ValueError:
        raise environ.ImproperlyConfigured(
            f"BOROUGH_METRICS_ALLOWED_NETWORKS: {_network!r} is not a network like 10.0.0.0/8"
        ) from None
# Errors to Sentry (or GlitchTip), scrubbed of personal data; off unless a DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=BOROUGH_MODE)
# The council's brand (issue 25; docs/how-to/branding.md): a logo (an image address: a path
# under /static/ or an https URL), the header's colour (refused unless white text on it meets WCAG
# AA), extra footer links ("Label=https://..." items, comma-separated), contact details for the
# footer, and a site-wide banner shown on every page ("Bin collections are delayed by snow").
BOROUGH_LOGO_URL = env.str("BOROUGH_LOGO_URL", default="")
BOROUGH_BRAND_COLOUR = env.str("BOROUGH_BRAND_COLOUR", default="")
if BOROUGH_BRAND_COLOUR and (_brand_problem := brand_colour_problem(BOROUGH_BRAND_COLOUR)):
    raise environ.ImproperlyConfigured(_brand_problem)
try:
    BOROUGH_FOOTER_LINKS = footer_links(env.list("BOROUGH_FOOTER_LINKS", default=[]))
except ValueError as _error:
    raise environ.ImproperlyConfigured(str(_error)) from None
BOROUGH_CONTACT_PHONE = env.str("BOROUGH_CONTACT_PHONE", default="")
BOROUGH_CONTACT_EMAIL = env.str("BOROUGH_CONTACT_EMAIL", default="")
BOROUGH_CONTACT_ADDRESS = env.str("BOROUGH_CONTACT_ADDRESS", default="")
BOROUGH_SITE_BANNER = env.str("BOROUGH_SITE_BANNER", default="")

# Reports on a map (issue 25): open reports of the same service within this distance of a
# resident's pin are shown before they describe the problem; a pin snaps to the street of the
# nearest property within BOROUGH_MAP_SNAP_METRES. Tiles come from BOROUGH_MAP_TILE_URL (an
# {z}/{x}/{y} template, such as the council's Ordnance Survey Maps API URL with its key); by
# default the demo borough's own tiles, drawn by `manage.py map_tiles` and served with the static
# files, so the map works offline. BOROUGH_MAP_ATTRIBUTION is shown on the map (OS licence text).
BOROUGH_NEARBY_RADIUS_METRES = env.int("BOROUGH_NEARBY_RADIUS_METRES", default=150)
BOROUGH_MAP_SNAP_METRES = env.int("BOROUGH_MAP_SNAP_METRES", default=250)
BOROUGH_MAP_TILE_URL = env.str("BOROUGH_MAP_TILE_URL", default="")
BOROUGH_MAP_ATTRIBUTION = env.str(
    "BOROUGH_MAP_ATTRIBUTION", default="Demo borough map, drawn from the gazetteer"
)
BOROUGH_MAP_MAX_ZOOM = env.int("BOROUGH_MAP_MAX_ZOOM", default=18)
BOROUGH_MAP_TILE_DIR = Path(env.str("BOROUGH_MAP_TILE_DIR", default=str(VAR_DIR / "map-tiles")))
