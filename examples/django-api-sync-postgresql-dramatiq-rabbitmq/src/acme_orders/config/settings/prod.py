"""Production: a real secret, named hosts, HTTPS only, no API docs or browsable API, JSON logs.

``python manage.py check --deploy`` passes with these settings; the tests prove it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    LOGGING,
    PLACEHOLDER_SECRET_KEY,
    REST_FRAMEWORK,
    env_bool,
    env_int,
    env_list,
    rest_renderers,
)

# Django's deployment check asks for at least 50 characters.
MIN_SECRET_KEY_LENGTH = 50


def require_secret_key(value: str) -> str:
    """The secret, unless it is missing, the placeholder or too short to be random."""
    if value == PLACEHOLDER_SECRET_KEY or len(value) < MIN_SECRET_KEY_LENGTH:
        msg = (
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
            "characters in production"
        )
        raise ImproperlyConfigured(msg)
    return value


def require_allowed_hosts() -> None:
    """The site answers only to the hosts ALLOWED_HOSTS names (and localhost): it must name one."""
    if not env_list("ALLOWED_HOSTS"):
        msg = "ALLOWED_HOSTS must list the site's host names (comma-separated) in production"
        raise ImproperlyConfigured(msg)


SECRET_KEY = require_secret_key(os.environ.get("SECRET_KEY", ""))
require_allowed_hosts()
DEBUG = False

# HTTPS only. A TLS-terminating proxy in front of the server says so with
# X-Forwarded-Proto; the probes stay reachable over plain HTTP for healthchecks.
# So does /metrics, which a scraper calls from inside the network.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
# Browsers keep to HTTPS for a year (lower SECURE_HSTS_SECONDS while HTTPS is being set up).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# The API's documentation describes it to anyone who opens it: on only with DOCS_ENABLED=true.
DOCS_ENABLED = env_bool("DOCS_ENABLED", default=False)
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_RENDERER_CLASSES": rest_renderers(docs_enabled=DOCS_ENABLED),
}

# One JSON object per line, for log collectors (LOG_JSON=false for readable lines).
LOGGING = {**LOGGING, "json": env_bool("LOG_JSON", default=True)}
