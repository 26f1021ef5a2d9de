"""Django settings for Career Guide.

Every setting that differs between a laptop and production comes from the environment;
docs/configuration.md lists them. With nothing set, the site runs on SQLite and an in-process
cache, and refuses to start without a SECRET_KEY unless DEBUG is on (read-only commands such as
`manage.py content_check` excepted: KEYLESS_COMMANDS).
"""

import ipaddress
import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from careerguide.email_url import mailer

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG")

# Management commands that read files and nothing secret, so that an editor can run them in a
# fresh clone with nothing set. They run with an empty SECRET_KEY: anything that signed with it
# would stop with Django's "The SECRET_KEY setting must not be empty."
KEYLESS_COMMANDS = frozenset({"content_check"})


def running_keyless_command(argv: list[str]) -> bool:
    return (
        len(argv) > 1
        and Path(argv[0]).name in {"manage.py", "django-admin"}
        and argv[1] in KEYLESS_COMMANDS
    )


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Only ever used with DEBUG on, on a developer's machine.
        SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"
    elif not running_keyless_command(sys.argv):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (it is required unless DEBUG=1)."
        )

# Public address of the site (e.g. https://careers.example.org), used in canonical links and
# the sitemap; without it, links use the host of the request.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
_site = urlsplit(SITE_URL)

# Without ALLOWED_HOSTS, production answers only to SITE_URL's host (and to nothing if that is
# unset too: every request then gets a 400, which `check --deploy` warns about).
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else (_site.hostname or "")
)
# Origins allowed to POST forms over HTTPS besides the request's own host. SITE_URL's origin is
# trusted by default so that a TLS-terminating proxy in front of the site needs no extra setting.
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", f"{_site.scheme}://{_site.netloc}" if _site.netloc else ""
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER
    "django_htmx",
    "django_ratelimit",
    "axes",
    "careerguide.apps.CareerGuideConfig",
    "roles",
    "quiz",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the headers too.
    "careerguide.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: answers a locked-out sign-in with the 429 page (careerguide.limits).
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "careerguide.middleware.ContentFreshnessMiddleware",
    # Last, so that it is the first to see a view's exception: a lost database becomes a 503.
    "careerguide.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "careerguide.urls"

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
                "careerguide.context_processors.site",
            ],
        },
    },
]

# Forms render with the project's template engine, so widgets can use templates/ too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "careerguide.wsgi.application"

# Connections persist across requests (CONN_MAX_AGE seconds) and are health-checked before
# reuse, so a database restart costs one reconnect, not a restart of the app servers.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3. Fail fast when the server is unreachable instead of holding a worker.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked", and readers
    # never wait for writers (write-ahead log).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The shared cache holds the rate-limit counters of every app server. It is an
    # optimisation the site can do without: careerguide/cache.py's backend answers reads with
    # their default and skips writes while Redis is unreachable (logging a warning at most once
    # a minute), and tries Redis again after REDIS_RETRY seconds.
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "careerguide.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) can share one Redis database without seeing each
            # other's keys.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "careerguide"),
            "OPTIONS": {
                # Seconds; an unreachable Redis costs a request this long at most, once per
                # RETRY_SECONDS.
                "socket_connect_timeout": env_int("REDIS_TIMEOUT", 2),
                "socket_timeout": env_int("REDIS_TIMEOUT", 2),
                "RETRY_SECONDS": env_int("REDIS_RETRY", 5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sign-in counts of this process alone, for when the shared cache cannot count them
# (careerguide/limits.py): sign-ins stay limited, per server, instead of unlimited.
CACHES["limits-local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "limits-local",
    "OPTIONS": {"MAX_ENTRIES": 10000},
}
# Two caches kept in each process's memory, where a lookup is cheaper than rendering, unlike a
# round trip to Redis; with DEBUG, where templates are edited under a running server, nothing
# is kept. Each is bounded (MAX_ENTRIES, the least recently used dropped first) and keeps
# entries until then (TIMEOUT None): their keys say what the entry was made from.
# - fragments: {% cache %} blocks, such as the site header and footer and the links to the
#   hashed static files, which never change while a process runs (a deploy starts new
#   processes), and parts of pages keyed by the content they show. A few KB each.
# - pages: the guide's rendered pages (roles/caching.py), keyed by their ETag, which changes
#   with the content and the release, and emptied when the content changes. Up to 1,000 entries
#   of about 25 KB (7 KB gzipped: browsers that accept gzip get a copy of their own).
_LOCAL_CACHE = (
    "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache"
)
CACHES["fragments"] = {
    "BACKEND": _LOCAL_CACHE,
    "LOCATION": "fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
CACHES["pages"] = {
    "BACKEND": _LOCAL_CACHE,
    "LOCATION": "pages",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Sessions (signed-in staff only: quiz takers hold a cookie of their own) live in the database
# alone: one indexed read per staff request, consistent across app servers, and untouched by a
# Redis outage (a cached copy could outlive a logout made while Redis was away).
SESSION_ENGINE = "django.contrib.sessions.backends.db"


# --- limits on abuse (careerguide/limits.py) ---------------------------------------------------
def env_rate(name: str, default: str) -> str:
    """A rate such as "30/h" (30 an hour; s, m, h or d, optionally "30/5m"); "off" or "0"
    turns the limit off."""
    value = os.environ.get(name, "").strip().lower() or default
    if value in {"off", "0"}:
        return ""
    if not re.fullmatch(r"\d+/([1-9]\d*)?[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 30/h or 10/m, not {value!r}.")
    return value


# Counted in the default cache, so with REDIS_URL across every app server. Per client address
# unless the name ends in "-owner" (per quiz_owner cookie).
RATE_LIMITS = {
    "quiz-start": env_rate("RATE_QUIZ_START", "60/h"),
    "quiz-start-owner": env_rate("RATE_QUIZ_START_OWNER", "20/h"),
    "quiz-answer": env_rate("RATE_QUIZ_ANSWER", "300/m"),
    "quiz-answer-owner": env_rate("RATE_QUIZ_ANSWER_OWNER", "30/m"),
    "search": env_rate("RATE_SEARCH", "120/m"),
    "preview": env_rate("RATE_PREVIEW", "120/m"),
    "signin": env_rate("RATE_SIGNIN", "20/h"),
}
# Attempts one browser may start in 24 hours (counted in the database); 0 for no cap.
QUIZ_ATTEMPTS_PER_DAY = env_int("QUIZ_ATTEMPTS_PER_DAY", 50)
# django-ratelimit: a cache that cannot count is reported to careerguide/limits.py, which lets
# reads through and keeps counting sign-ins locally.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = False
RATELIMIT_ENABLE = env_bool("RATE_LIMITS", True)
# Behind a proxy (BEHIND_PROXY), the client is the right-most X-Forwarded-For address outside
# these networks: our own proxies and load balancers.
TRUSTED_PROXIES = env_list(
    "TRUSTED_PROXIES", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
)
try:
    TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(n, strict=False) for n in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from None

# Failed sign-ins (the admin's, and any sign-in form that calls authenticate() with the
# request), counted in the database by django-axes, so they need no cache: after
# SIGNIN_FAILURE_LIMIT failures with one username from one address, that pair is refused for
# SIGNIN_LOCKOUT_MINUTES. The refusal reads the same whether the username exists or not.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "careerguide.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "careerguide.limits.signin_lockout"

# --- accounts and mail (careerguide/accounts.py) ---------------------------------------------
# Accounts are optional: the quiz works without one. Sign-in goes through authenticate() with
# the request, so django-axes counts its failures as it does the admin's.
LOGIN_URL = "account-signin"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "account"
# Where the site's mail (password resets) goes, as one URL (careerguide/email_url.py):
# printed to stderr unless set, e.g. smtp+tls://user:password@smtp.example.org:587.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip() or "console:"
MAILERS = {"default": mailer(EMAIL_URL)}
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "").strip() or "Career Guide <noreply@localhost>"

# --- data retention (manage.py prune) ----------------------------------------------------------
# Days after which an attempt never finished is deleted, and a finished one.
RETAIN_UNFINISHED_DAYS = env_int("RETAIN_UNFINISHED_DAYS", 30)
RETAIN_FINISHED_DAYS = env_int("RETAIN_FINISHED_DAYS", 365)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` writes and WhiteNoise serves from (hashed, compressed copies).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- content -----------------------------------------------------------------------------------
CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
# The site's address of a content document, given its kind and slug (None: no page of its own).
# The content library builds no URL itself; tests may point this elsewhere.
CONTENT_URLS = "careerguide.urls.content_url"
# Base URL for "edit this page" links, e.g. https://github.com/org/careerguide/edit/main/content
CONTENT_EDIT_URL = os.environ.get("CONTENT_EDIT_URL", "").rstrip("/")
SITE_NAME = "Career Guide"
# Seconds browsers and shared caches may reuse a guide page without asking (roles/caching.py).
# 0: they keep it but ask each time, answered by a 304 unless the content changed, so an edit
# shows on the next request.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 0)
# `make bench` only: adds the baseline views of careerguide/benchmark.py to the URLs.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS")

# --- security ----------------------------------------------------------------------------------
# Scripts and styles come from files only: no inline code, so no nonces, so pages can be cached.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: every form that posts, htmx's included, carries the token in
# a {% csrf_token %} input. Guide pages carry none (no hx-headers on <body>), so they stay
# cacheable and set no cookie (roles/caching.py).
CSRF_COOKIE_HTTPONLY = False
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Load balancers probe over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
BEHIND_PROXY = env_bool("BEHIND_PROXY")
if BEHIND_PROXY:
    # Only behind a proxy that sets X-Forwarded-Proto and strips it from clients' requests.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Features no page uses, refused for the page and anything it embeds (Permissions-Policy,
# sent by careerguide.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
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

SILENCED_SYSTEM_CHECKS = [
    # security.W021 asks for SECURE_HSTS_PRELOAD. Joining the browsers' preload list binds the
    # whole domain and its subdomains to HTTPS for months and is slow to undo, so it is the
    # operator's explicit choice (SECURE_HSTS_PRELOAD=1), not a default.
    "security.W021",
    # django-ratelimit lists only third-party Redis backends as supported, but Django's own
    # (which careerguide.cache.ResilientRedisCache extends) counts atomically too.
    "django_ratelimit.W001",
]
if not REDIS_URL:
    # Without Redis each process counts its own limits: right for one process (runserver, the
    # tests); several app servers need REDIS_URL, as docs/configuration.md says.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Everything goes to stderr; gunicorn's access log goes to stdout (careerguide/gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING").upper()},
    "loggers": {
        "careerguide.content": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
