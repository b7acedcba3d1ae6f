"""The one source of truth for the dependency versions a generated project asks for.

Each entry is a PEP 508 requirement fragment (name, extras and a specifier) that
goes verbatim into the rendered ``pyproject.toml``. The team that inherits the
project commits a ``uv.lock``; these ranges are what ``uv lock --upgrade`` may
move it to:

* the lower bound is a release the template's CI proved green (the project
  tier locks the rows that together hold every requirement at these bounds with
  ``uv lock --resolution lowest-direct`` and runs their checks);
* the upper bound is the next major release (``<1`` for a 0.x library), where a
  library that follows semantic versioning may break its API; the template's
  weekly CI run resolves the newest versions these ranges allow and runs every
  tier with them. A tighter cap, or none, is an exception listed with its
  reason in ``NOT_AT_THE_NEXT_MAJOR``.
"""

from __future__ import annotations

RUNTIME: dict[str, str] = {
    "fastapi": "fastapi>=0.165,<1",
    "uvicorn": "uvicorn[standard]>=0.54,<1",
    "pydantic": "pydantic>=2.14,<3",
    "pydantic-settings": "pydantic-settings>=2.16,<3",
    "sqlalchemy": "sqlalchemy>=2.1,<3",
    "sqlalchemy-async": "sqlalchemy[asyncio]>=2.1,<3",
    "aiosqlite": "aiosqlite>=0.22,<1",
    # PostgreSQL drivers: asyncpg for SQLAlchemy's asyncio engine, psycopg 3 for sync code.
    "asyncpg": "asyncpg>=0.32,<1",
    # 3.3.6: Connection.wait takes the timeout the projects' PatientConnection passes on.
    "psycopg": "psycopg[binary]>=3.3.6,<4",
    "alembic": "alembic>=1.20,<2",
    "httpx": "httpx>=0.28,<1",
    "tenacity": "tenacity>=9.2.1,<10",
    "structlog": "structlog>=26.1",
    "prometheus-client": "prometheus-client>=0.26,<1",
    "anyio": "anyio>=4.16,<5",
    # Django projects
    "django": "django>=6.1,<7",
    "djangorestframework": "djangorestframework>=3.18,<4",
    # The OpenAPI schema of the DRF views.
    "drf-spectacular": "drf-spectacular>=0.30,<1",
    "whitenoise": "whitenoise>=6.12,<7",
    "dj-database-url": "dj-database-url>=3.1,<4",
    "python-dotenv": "python-dotenv>=1.2,<2",
    # Runtime half of django-stubs: makes admin.ModelAdmin[Item] and friends subscriptable.
    "django-stubs-ext": "django-stubs-ext>=6.1,<7",
    # The connection pool Django's PostgreSQL backend keeps per process (with "psycopg").
    "psycopg-pool": "psycopg-pool>=3.3,<4",
    # Flask projects
    "flask": "flask>=3.1,<4",
    # Validates the views' Pydantic parameters and builds the OpenAPI schema.
    "flask-openapi3": "flask-openapi3>=4.3.2,<5",
    # The WSGI server of Django (sync) and Flask projects.
    "gunicorn": "gunicorn>=27,<28",
    # Task queues. Redis keeps the job records with every queue (ARQ brings its own client).
    "redis": "redis>=8.0,<9",
    # ARQ 0.28 requires redis 5, and the ARQ projects' code type-checks against it.
    "redis-for-arq": "redis>=5.3,<6",
    "celery": "celery[redis]>=5.7,<6",
    "arq": "arq>=0.28,<1",
    "rq": "rq>=3.0,<4",
    "dramatiq-redis": "dramatiq[redis]>=2.2,<3",
    "dramatiq-rabbitmq": "dramatiq[rabbitmq]>=2.2,<3",
    # Dramatiq's periodic job: APScheduler sends the actor on a schedule.
    "apscheduler": "apscheduler>=3.11,<4",
}

DEV: dict[str, str] = {
    "pytest": "pytest>=9.2,<10",
    "pytest-asyncio": "pytest-asyncio>=1.5,<2",
    "pytest-cov": "pytest-cov>=7.1,<8",
    # Requests derived from the OpenAPI schema (tests/…/test_api_contract.py), run by Hypothesis.
    "schemathesis": "schemathesis>=4.32,<5",
    "hypothesis": "hypothesis>=6.170,<7",
    # Starlette's TestClient (sync projects) is built on httpx2.
    "httpx2": "httpx2>=2.16,<3",
    "mypy": "mypy>=2.4,<3",
    "ruff": "ruff>=0.17.6,<0.18",
    "pre-commit": "pre-commit>=4.7,<5",
    # Django projects
    "pytest-django": "pytest-django>=4.14,<5",
    # The extra pins mypy to the versions these stubs support (6.1.x: mypy < 2.5).
    # Each release tracks a Django feature release; the resolver pairs them.
    "django-stubs": "django-stubs[compatible-mypy]>=6.1.2,<7",
    "djangorestframework-stubs": "djangorestframework-stubs>=3.18,<4",
    # Type stubs for Celery (which ships none).
    "celery-types": "celery-types>=0.26,<1",
    # The worker-kill test (`make test-slow`) kills the worker's whole process tree.
    "psutil": "psutil>=7.2,<8",
    "types-psutil": "types-psutil>=7.2.0.20251228,<8",
}

# Versions pinned in non-Python files (container images, pre-commit hooks, CI actions).
TOOLS: dict[str, str] = {
    # The PostgreSQL server of compose.yaml and of the generated CI.
    "postgres-image": "postgres:17",
    # The brokers of compose.yaml and of the generated CI.
    "redis-image": "redis:8",
    "rabbitmq-image": "rabbitmq:4",
    # The dev container's image (a major release; the Python version is appended).
    "devcontainer-python-image": "mcr.microsoft.com/devcontainers/python:3",
    "uv": "0.13.9",
    "ruff-pre-commit": "v0.17.6",
    "pre-commit-hooks": "v6.0.0",
    # The dependency audit (make audit), run through uvx.
    "pip-audit": "pip-audit>=2.10,<3",
}


# Requirements whose upper bound is not the next major release, and why.
NOT_AT_THE_NEXT_MAJOR: dict[str, str] = {
    "ruff": (
        "capped at the next minor: its formatter's style changes between minor releases, "
        "and a rendered project must pass `ruff format --check` as it is"
    ),
    "structlog": (
        "no cap: calendar versions (26.1 is 2026's first), and breaking changes come "
        "only after a deprecation period, so a new year is not a break"
    ),
}


def requirement(name: str) -> str:
    """Return the requirement string for ``name`` from either table."""
    if name in RUNTIME:
        return RUNTIME[name]
    return DEV[name]
