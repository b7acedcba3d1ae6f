"""Tests: a PostgreSQL database of their own, plain static files, fast password hashing.

Static files are not collected, the readiness probe checks no upstream, and a
request gives up on the database sooner.
"""

import os
import uuid

from .base import *  # noqa: F403
from .base import STORAGES, database_settings

# The PostgreSQL server the tests run on, through a database they may connect to
# (usually postgres). pytest-django creates a test database beside it, migrates it,
# and drops it when the run ends; a name of its own keeps runs that share a server
# apart.
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres:postgres@localhost:5432/postgres"
)
DATABASES = {
    "default": {
        **database_settings(TEST_DATABASE_URL),
        "TEST": {"NAME": f"test_acme_orders_{uuid.uuid4().hex[:12]}"},
    }
}
# The outage tests wait this long for a pooled connection before the 503.
DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 1.0

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
