"""Development: debug pages, and SQLite's folder created on first use."""

from .base import *  # noqa: F403
from .base import DATABASES, ensure_sqlite_folder

DEBUG = True

ensure_sqlite_folder(DATABASES["default"])
