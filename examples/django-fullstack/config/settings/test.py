"""Tests: plain static files (no collectstatic), fast password hashing, no upstream checks."""

from .base import *  # noqa: F403
from .base import STORAGES

# Nothing is collected for the tests: whitenoise finds static files where they live.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Strong hashing only slows the tests down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
READINESS_URLS = []
