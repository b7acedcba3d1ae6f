"""FastAPI: routers, lifespan and dependencies, served by uvicorn.

The layout is the shared one (:func:`layout.build`) with one more test: the
items API while its database is down.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from . import layout as layout_mod
from .runtime import Runtime, sqlalchemy_image_paths, sqlalchemy_url


def build_layout(answers: Mapping[str, Any]) -> layout_mod.Layout:
    """The shared layout, with the database-outage test of the items API."""
    base = layout_mod.build(answers)
    integration = "tests/integration/" if answers["project_size"] == "large" else "tests/"
    outage = f"{integration}test_database_outage.py" if base.path["items_routes"] else ""
    paths = {**base.path, "test_database_outage": outage}
    return dataclasses.replace(
        base,
        path=paths,
        module={part: layout_mod._module_of(path) for part, path in paths.items() if path},
        test_path={**base.test_path, "test_database_outage": outage},
    )


def dependencies(answers: Mapping[str, Any]) -> list[str]:
    is_async = answers["concurrency"] == "async"
    names = ["fastapi", "uvicorn", "pydantic", "pydantic-settings", "httpx", "structlog"]
    if answers["project_size"] != "small":
        names.append("tenacity")
    database = answers["database"]
    if database != "none":
        names += ["sqlalchemy-async"] if is_async else ["sqlalchemy"]
        names.append("alembic")
    if database == "sqlite" and is_async:
        names.append("aiosqlite")
    if database == "postgresql":
        names.append("asyncpg" if is_async else "psycopg")
    if answers["workload"] == "mixed" and is_async:
        names.append("anyio")
    return names


def dev_dependencies(answers: Mapping[str, Any]) -> list[str]:
    names = ["pytest", "pytest-cov", "schemathesis", "hypothesis", "mypy", "ruff", "pre-commit"]
    names.append("pytest-asyncio" if answers["concurrency"] == "async" else "httpx2")
    return names


def runtime(answers: Mapping[str, Any], layout: layout_mod.Layout) -> Runtime:
    app = f"{layout.module['main']}:app"
    has_db = answers["database"] != "none"
    return Runtime(
        # Inside a container the server must listen on every interface.
        serve=("uvicorn", app, "--host", "0.0.0.0", "--port", "8000"),  # noqa: S104
        dev_server=f"uvicorn {app} --reload",
        migrate=("alembic", "upgrade", "head") if has_db else (),
        database_url=sqlalchemy_url(answers),
        docker_copy=sqlalchemy_image_paths(answers, layout.root),
        docs_path="/docs",
        openapi=(
            "python",
            "-c",
            f"import json; from {layout.module['main']} import app; "
            "print(json.dumps(app.openapi(), indent=2))",
        ),
        mypy_plugins=("pydantic.mypy",),
        ruff_immutable_calls=("fastapi.Depends", "fastapi.Query", "fastapi.Path"),
        pytest_options=(
            (("asyncio_mode", '"auto"'), ("asyncio_default_fixture_loop_scope", '"function"'))
            if answers["concurrency"] == "async"
            else ()
        ),
    )
