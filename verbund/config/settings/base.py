"""Settings for every deployment. Safe production defaults; `make demo` and tests opt into local conveniences."""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from verbund.config.env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("VERBUND_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see docs/operations.md)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves the Swagger UI of /api/v1/docs from local static files instead of a CDN
    "axes",
    "django_tasks",  # the task API of Django 6 (backport): one mechanism for all long work (ADR 0026)
    "django_tasks_db",  # its database backend and `db_worker`: the queue lives in our database, no extra server
    "verbund.core",
    "verbund.accounts",
    "verbund.registry",
    "verbund.catalog",
    "verbund.orders",
    "verbund.costing",
    "verbund.governance",
    "verbund.billing",
    "verbund.closing",
    "verbund.controlling",
    "verbund.strategy",
    "verbund.availability",
    "verbund.ownership",
    "verbund.web",
    "verbund.jobs",
    "verbund.scenarios",
    "verbund.evidence",
    "verbund.surveys",
    "verbund.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "verbund.web.middleware.SecurityHeadersMiddleware",  # Content-Security-Policy, Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "verbund.config.urls"
WSGI_APPLICATION = "verbund.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "verbund.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'verbund.sqlite3'}") or "",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout makes a second writer wait, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins after too many failures
    "verbund.accounts.backends.RoleBackend",  # permissions come from the user's role
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Grouped numbers in the UI and accepted in localised inputs ("85.000,00"). Integers that end up in attributes and
# URLs (ids, years, page numbers) must therefore be written with |stringformat:"d" in templates, or they would
# read "sub-1.268" or "year=2.026" (a test renders such pages with ids above 999).
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders too, so `make demo` needs no collectstatic
MEDIA_ROOT = VAR_DIR / "media"

# Security: secure by default; the local demo over http turns the https-only flags off explicitly.
SERVED_OVER_HTTPS = env_bool("SERVED_OVER_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
LANGUAGE_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SERVED_OVER_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SERVED_OVER_HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Strict: nothing is loaded from elsewhere and no page has inline script or style (verbund/web/middleware.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"

# Where `verbund load-demo` finds the official municipality directory when the registry is empty.
GV100AD_DEFAULT_PATH = Path(
    env_str(
        "VERBUND_GV100AD_PATH",
        str(BASE_DIR.parent / "shared" / "data" / "gemeindeverzeichnis" / "GV100AD_301123.txt"),
    )
    or ""
)

# OParl: licence of the published council data and the vendor/product URLs of the System object.
OPARL_LICENSE = env_str("OPARL_LICENSE", "https://www.govdata.de/dl-de/by-2-0")
OPARL_VENDOR_URL = env_str("OPARL_VENDOR_URL", "")  # empty: the public about page /ueber/#software
OPARL_PRODUCT_URL = env_str("OPARL_PRODUCT_URL", "")

# Background jobs (ADR 0026): the queue is a table in the database; `verbund jobs-worker` processes run it.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
JOBS_PROGRESS_THREAD = True  # progress and heartbeat are written by a thread with its own connection
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 2)
JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 300)  # a RUNNING job silent this long is requeued
JOBS_REAPER_SECONDS = env_int("JOBS_REAPER_SECONDS", 15)  # how often each worker looks for such jobs
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)  # after that many interrupted attempts a job fails
JOBS_MAX_QUEUE_AGE_SECONDS = env_int("JOBS_MAX_QUEUE_AGE_SECONDS", 900)  # /healthz: 503 if a job waits longer

# `verbund serve` (gunicorn, ADR 0027)
SERVE_BIND = env_str("VERBUND_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("VERBUND_WORKERS", 0)  # 0: 2 × CPU cores + 1
SERVE_TIMEOUT = env_int("VERBUND_TIMEOUT", 120)

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "INFO"}, "django_tasks_db": {"level": "INFO"}},
}
