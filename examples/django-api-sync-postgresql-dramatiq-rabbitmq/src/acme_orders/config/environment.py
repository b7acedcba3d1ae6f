"""ENVIRONMENT picks the settings module: development (the default), test or production.

``manage.py`` and the WSGI entry point call :func:`use_environment_settings` before
Django starts, so a server needs nothing but ``ENVIRONMENT`` (and what that
environment's settings require) to run with the right configuration.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

SETTINGS_MODULES = {
    "development": "acme_orders.config.settings.dev",
    "test": "acme_orders.config.settings.test",
    "production": "acme_orders.config.settings.prod",
}
# The installed package may live in site-packages: the project root is the
# working directory every command (manage.py, the server) runs in.
DOTENV_PATH = Path.cwd() / ".env"


def use_environment_settings() -> None:
    """Load a local ``.env``, then point Django at the settings of ``$ENVIRONMENT``.

    Variables already set win over ``.env``, and an explicit
    ``DJANGO_SETTINGS_MODULE`` wins over ``ENVIRONMENT``.
    """
    load_dotenv(DOTENV_PATH)
    environment = os.environ.get("ENVIRONMENT", "development")
    if environment not in SETTINGS_MODULES:
        msg = f"ENVIRONMENT must be one of {', '.join(SETTINGS_MODULES)}"
        raise ImproperlyConfigured(msg)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULES[environment])
