"""What the shared files (Dockerfile, compose, Makefile, pyproject, CI) need from a framework.

Each framework module (``fw_fastapi``, ``fw_django``, ``fw_flask``) builds one
:class:`Runtime` for a set of answers. The shared templates render these facts
without knowing which framework produced them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Runtime:
    """How a project is served, migrated, packaged and checked."""

    # The container's CMD: the production server, listening on 0.0.0.0:8000.
    serve: tuple[str, ...]
    # `make run`: the development server with auto-reload (run through `uv run`).
    dev_server: str
    # Applies the migrations (compose's one-shot service, `make migrate`); () without a database.
    migrate: tuple[str, ...] = ()
    # Paths the runtime image copies besides an installed src/ package.
    docker_copy: tuple[str, ...] = ()
    # Shell commands the runtime image runs (as root, before USER), e.g. collectstatic.
    docker_prepare: tuple[str, ...] = ()
    # Environment the container needs on top of the settings in .env.
    docker_env: tuple[tuple[str, str], ...] = ()
    # The default DATABASE_URL (settings, .env.example); "" without a database.
    database_url: str = ""
    # Extra Makefile targets: (name, help, command).
    make_targets: tuple[tuple[str, str, str], ...] = ()
    # Where a browser finds the API documentation or the home page.
    docs_path: str = "/"
    # `make openapi`: prints the API's OpenAPI schema as JSON, built in-process (production
    # serves none); () for a project without an HTTP API.
    openapi: tuple[str, ...] = ()
    # mypy plugins, extra ruff rule codes (with a comment) and pytest options.
    mypy_plugins: tuple[str, ...] = ()
    ruff_rules: tuple[tuple[str, str], ...] = ()
    ruff_immutable_calls: tuple[str, ...] = ()
    # Paths ruff leaves alone (generated code such as Django's migrations).
    ruff_exclude: tuple[str, ...] = ()
    pytest_options: tuple[tuple[str, str], ...] = ()  # (key, TOML value)
    coverage_omit: tuple[str, ...] = ()
    # Extra TOML tables for pyproject.toml, already formatted (e.g. [tool.django-stubs]).
    tool_tables: str = ""
    # Framework-specific facts the framework's own templates read as ``project.fw``.
    facts: dict[str, Any] = field(default_factory=dict)


# The SQLAlchemy driver of each database, async and sync (FastAPI and Flask).
SQLALCHEMY_DRIVERS = {
    ("sqlite", True): "sqlite+aiosqlite",
    ("sqlite", False): "sqlite",
    ("postgresql", True): "postgresql+asyncpg",
    ("postgresql", False): "postgresql+psycopg",
}


def sqlalchemy_url(answers: Mapping[str, Any]) -> str:
    """The development DATABASE_URL: a file in data/, or compose's PostgreSQL on localhost."""
    database = answers["database"]
    if database == "none":
        return ""
    scheme = SQLALCHEMY_DRIVERS[(database, answers["concurrency"] == "async")]
    if database == "sqlite":
        return f"{scheme}:///./data/app.db"
    return f"{scheme}://postgres:postgres@localhost:5432/{answers['package_name']}"


def sqlalchemy_image_paths(answers: Mapping[str, Any], root: str) -> tuple[str, ...]:
    """What a SQLAlchemy project's image copies: its code (unless installed) and Alembic."""
    paths: list[str] = []
    if answers["project_size"] != "large":
        paths.append(root or "*.py")
    if answers["database"] != "none":
        paths += ["alembic.ini", "migrations"]
    return tuple(paths)


# Threads per gunicorn worker (gthread): requests waiting on I/O or a pool overlap.
GUNICORN_THREADS = 4


def gunicorn_command(app: str) -> tuple[str, ...]:
    """The container's WSGI server: gthread workers on 0.0.0.0:8000 (WEB_CONCURRENCY of them)."""
    return (
        "gunicorn",
        "--bind",
        "0.0.0.0:8000",
        "--worker-class",
        "gthread",
        "--threads",
        str(GUNICORN_THREADS),
        # The container runtime manages the process: no gunicorn control socket.
        "--no-control-socket",
        app,
    )
