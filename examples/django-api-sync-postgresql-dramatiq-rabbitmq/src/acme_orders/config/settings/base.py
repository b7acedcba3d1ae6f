"""Settings every environment shares; dev.py, test.py and prod.py adjust what differs.

Whatever varies between deployments is read from the environment (in
development, ``acme_orders.config.environment`` loads a local ``.env`` first). A
value that does not fit stops start-up with an error that names the variable,
never the value.
"""

import json
import math
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from psycopg.abc import PQGen

# Lets the code subscript Django's generic classes at run time (admin.ModelAdmin[Item]).
django_stubs_ext.monkeypatch()

# The project root (manage.py's folder). The package may be installed in
# site-packages, so this is the working directory every command runs in.
BASE_DIR = Path.cwd()

# Good enough for development and tests; prod.py refuses it.
PLACEHOLDER_SECRET_KEY = "change-me"  # noqa: S105
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def env_bool(name: str, *, default: bool) -> bool:
    """``true`` or ``false`` (also 1/0, yes/no, on/off) from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list from the environment."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_json_list(name: str) -> list[str]:
    """A JSON list of strings from the environment (empty when unset)."""
    try:
        value = json.loads(os.environ.get(name) or "[]")
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        msg = f"{name} must be a JSON list of strings"
        raise ImproperlyConfigured(msg)
    return value


def env_int(name: str, default: int, *, minimum: int) -> int:
    """A whole number of at least ``minimum`` from the environment."""
    value: int | None
    try:
        value = int(os.environ.get(name) or default)
    except ValueError:
        value = None
    if value is None or value < minimum:
        msg = f"{name} must be a whole number of at least {minimum}"
        raise ImproperlyConfigured(msg)
    return value


def env_seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment."""
    try:
        value = float(os.environ.get(name) or default)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        msg = f"{name} must be a positive number of seconds"
        raise ImproperlyConfigured(msg)
    return value


def env_choice(name: str, default: str, choices: Collection[str]) -> str:
    """One of ``choices`` from the environment."""
    value = os.environ.get(name) or default
    if value not in choices:
        msg = f"{name} must be one of {', '.join(choices)}"
        raise ImproperlyConfigured(msg)
    return value


def database_url() -> str:
    """DATABASE_URL (the development default when unset), if it names this project's database.

    An .env written before the database answer changed names the other one.
    """
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        engine = dj_database_url.parse(url)["ENGINE"]
    except dj_database_url.UnknownSchemeError:
        engine = ""
    if engine != dj_database_url.parse(DEFAULT_DATABASE_URL)["ENGINE"]:
        msg = (
            f'DATABASE_URL uses the database "{urlsplit(url).scheme}", but this project is built '
            f'for "{urlsplit(DEFAULT_DATABASE_URL).scheme}"; update DATABASE_URL in .env '
            "(see .env.example)"
        )
        raise ImproperlyConfigured(msg)
    return url


# A new connection gives up after this many seconds (libpq takes whole seconds).
DATABASE_CONNECT_TIMEOUT_SECONDS = env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5, minimum=1)
# The server cancels a statement that runs longer than this.
DATABASE_STATEMENT_TIMEOUT_SECONDS = env_seconds("DATABASE_STATEMENT_TIMEOUT_SECONDS", 15)
# A request waits at most this long for a pooled connection. While the database is
# down, that is how long a request (and the readiness probe) takes to answer 503.
DATABASE_POOL_TIMEOUT_SECONDS = env_seconds("DATABASE_POOL_TIMEOUT_SECONDS", 5)
# The pool retries a refused connection, with growing pauses, for this long; then
# the next request that needs one connects at once. So the service is ready again
# moments after the database is back, however long it was away.
DATABASE_RECONNECT_TIMEOUT_SECONDS = 10.0

T = TypeVar("T")


class PatientConnection(psycopg.Connection[Any]):
    """A psycopg connection that gives up on a server that stopped answering.

    The server's statement_timeout ends a slow statement, but when the network or the
    server freezes no answer comes, and libpq would wait forever, holding the request
    and its pooled connection. A second past the statement timeout this connection
    closes itself and the statement fails with OperationalError, as on any lost
    connection (a 503); the pool replaces the connection.

    ``wait`` is psycopg's internal loop for every exchange with the server (send the
    statement, read the whole result); its ``timeout`` is there since psycopg 3.3.
    Every caller that waits without a limit gets this one, LISTEN's ``notifies()``
    included: a connection for that needs another class.
    """

    def wait(self, gen: PQGen[T], interval: float = 0.1, timeout: float | None = None) -> T:
        if timeout is None:
            timeout = DATABASE_STATEMENT_TIMEOUT_SECONDS + 1
        try:
            return super().wait(gen, interval, timeout)
        except psycopg.OperationalError as error:
            # No SQLSTATE: no server answered (the wait timed out, or the connection broke),
            # so nothing more will come on it. A server's error (a statement timeout, a
            # deadlock) leaves the connection usable.
            if error.sqlstate is None:
                self.close()
            raise


def database_settings(url: str) -> dict[str, Any]:
    """The Django settings of the PostgreSQL database at ``url``, pooled and time-bounded.

    Each server process keeps a pool of ``DATABASE_POOL_SIZE`` connections and
    opens up to ``DATABASE_MAX_OVERFLOW`` more for a burst. A request borrows one
    and gives it back when it ends, under WSGI and ASGI alike. Every connection
    is checked before it is lent out, so those a database restart broke are
    replaced instead of failing a request. Connecting, waiting for the pool, each
    statement and an answer that never comes (PatientConnection) are bounded by
    the timeouts above; options in the URL
    (``?connect_timeout=``, ``?options=``) win.
    """
    pool_size = env_int("DATABASE_POOL_SIZE", 5, minimum=1)
    max_overflow = env_int("DATABASE_MAX_OVERFLOW", 10, minimum=0)
    database: dict[str, Any] = {**dj_database_url.parse(url, conn_health_checks=True)}
    statement_timeout_ms = round(DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000)
    database["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT_SECONDS,
        "options": f"-c statement_timeout={statement_timeout_ms}",
        **database.get("OPTIONS", {}),
        "pool": {
            "connection_class": PatientConnection,
            "min_size": pool_size,
            "max_size": pool_size + max_overflow,
            "timeout": DATABASE_POOL_TIMEOUT_SECONDS,
            "reconnect_timeout": DATABASE_RECONNECT_TIMEOUT_SECONDS,
        },
    }
    return database


def rest_renderers(*, docs_enabled: bool) -> list[str]:
    """JSON always; DRF's browsable API (the API as HTML pages) only with the docs on."""
    renderers = ["rest_framework.renderers.JSONRenderer"]
    if docs_enabled:
        renderers.append("rest_framework.renderers.BrowsableAPIRenderer")
    return renderers


SECRET_KEY = os.environ.get("SECRET_KEY", PLACEHOLDER_SECRET_KEY)
DEBUG = False
# The host names the site answers to (production requires ALLOWED_HOSTS); a request
# for any other Host is a 400. localhost stays allowed whatever ALLOWED_HOSTS says:
# the container's healthchecks ask http://127.0.0.1:8000/health/... from inside.
ALLOWED_HOSTS = [*env_list("ALLOWED_HOSTS"), "localhost", "127.0.0.1"]
# Origins (https://example.com) allowed to send unsafe requests with a CSRF cookie.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "acme_orders.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "acme_orders.health",
    "acme_orders.items",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "acme_orders.core.logging.RequestIdMiddleware",
    "acme_orders.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "acme_orders.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "acme_orders.core.security.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "acme_orders.core.errors.ProblemDetailsMiddleware",
]

ROOT_URLCONF = "acme_orders.config.urls"
WSGI_APPLICATION = "acme_orders.config.wsgi.application"

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
            ],
        },
    },
]

DEFAULT_DATABASE_URL = "postgresql://postgres:postgres@localhost:5432/acme_orders"
DATABASES = {"default": database_settings(database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# collectstatic gathers static files here; whitenoise serves them, fingerprinted.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A request body may be this large; a larger one is refused with 413 before any view reads it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 1_048_576, minimum=1)

# Headers on every response (SecurityMiddleware, XFrameOptionsMiddleware and the
# project's ContentSecurityPolicyMiddleware); prod.py adds HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy of HTML pages: they load only what the site serves, and
# no other site may frame them. Every other response (JSON) may load nothing at all.
SECURE_CSP = {"default-src": [CSP.SELF], "frame-ancestors": [CSP.NONE]}

# The API's documentation: its OpenAPI schema at /api/schema/ and DRF's browsable API
# (production turns both off by default).
DOCS_ENABLED = env_bool("DOCS_ENABLED", default=True)

REST_FRAMEWORK = {
    # The example API is open; add authentication and permission classes to protect it.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["acme_orders.core.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": rest_renderers(docs_enabled=DOCS_ENABLED),
    "DEFAULT_PAGINATION_CLASS": "acme_orders.core.rest.TotalLimitOffsetPagination",
    "EXCEPTION_HANDLER": "acme_orders.core.rest.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "acme_orders.core.openapi.ProblemDetailsAutoSchema",
}

# The OpenAPI schema drf-spectacular builds from the DRF views (`make openapi` prints it).
SPECTACULAR_SETTINGS = {
    "TITLE": "Acme Orders",
    "DESCRIPTION": "Acme Orders service.",
    "VERSION": "0.1.0",
    "OAS_VERSION": "3.0.3",
    # Separate request and response components: a response's read-only fields (id,
    # timestamps) are no fields a request may send.
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema endpoint documents the API, not itself.
    "SERVE_INCLUDE_SCHEMA": False,
}

# Django calls LOGGING_CONFIG(LOGGING) once at start-up.
LOGGING_CONFIG = "acme_orders.core.logging.configure_logging"
LOGGING = {
    "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS),
    "json": env_bool("LOG_JSON", default=False),
}

# Outbound HTTP: the readiness probe also checks these upstream URLs.
HTTP_TIMEOUT_SECONDS = env_seconds("HTTP_TIMEOUT_SECONDS", 5)
READINESS_URLS = env_json_list("READINESS_URLS")

# The task queue: Redis keeps the job records.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://localhost:6379/0"
BROKER_URL = os.environ.get("BROKER_URL") or "amqp://guest:guest@localhost:5672/%2F"
# The jobs' namespace: the queue's name and the prefix of every Redis key they write.
JOBS_QUEUE = os.environ.get("JOBS_QUEUE") or "acme-orders"
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 5, minimum=1)
# Retry n waits JOBS_BACKOFF_SECONDS * 2**(n-1), at most five minutes.
JOBS_BACKOFF_SECONDS = env_seconds("JOBS_BACKOFF_SECONDS", 2.0)
# Unfinished jobs nothing has moved for this many seconds are failed as expired.
JOBS_STALE_AFTER_SECONDS = env_seconds("JOBS_STALE_AFTER_SECONDS", 3600)

# The bearer token /metrics asks for; unset, /metrics answers 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
