"""Flask: an app factory and blueprints, served by gunicorn's threaded workers.

The layout is the shared one (:func:`layout.build`) with two differences:

* one part Flask needs and FastAPI does not: ``validation``, the Pydantic
  boundary that parses request bodies and query strings and shapes JSON
  responses (FastAPI does this itself from the route signatures);
* a feature's blueprint lives in ``routes.py`` at every size (FastAPI's large
  by-feature layout calls the module ``router.py``, after its ``APIRouter``).

The OpenAPI schema comes from flask-openapi3. Views declare what they read as
Pydantic-typed parameters (``path``, ``query``, ``header``, ``body``), which it
validates and documents, path variables included (so an id out of range stays a
422, not a converter's 404); ``APIBlueprint`` and ``OpenAPI`` are a Blueprint and a
Flask subclass, so the app factory and blueprints stay as they are; its validation
failures go through a callback the project turns into problem details; and it
needs nothing but Flask and Pydantic, with a ``flask openapi`` command built in.
spectree documents path variables only from werkzeug converters (no Pydantic model,
so a bad id would be a 404), and APIFlask is marshmallow-first (webargs, apispec,
flask-marshmallow come along), parses any body as JSON whatever its content type and
flattens Pydantic's errors. flask-openapi3 reads bodies leniently, so the project
reads them strictly first (415, 400, 413 as before). Its docs UIs are separate
plugins whose pages need scripts the projects' Content-Security-Policy forbids: none
is installed, and ``/openapi.json`` is served only where ``DOCS_ENABLED``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from . import layout as layout_mod
from .runtime import (
    Runtime,
    gunicorn_command,
    sqlalchemy_image_paths,
    sqlalchemy_url,
)

# Where the validation module goes, by project size (beside errors.py).
VALIDATION_PATHS = {
    "small": "validation.py",
    "medium": "validation.py",
    "large": "core/validation.py",
}
# Worker processes; gunicorn reads WEB_CONCURRENCY, so operators can change it.
WEB_CONCURRENCY = 2


def build_layout(answers: Mapping[str, Any]) -> layout_mod.Layout:
    """The shared layout, with Flask's ``routes.py`` names and its own parts and tests."""
    base = layout_mod.build(answers)
    root = f"{base.root}/" if base.root else ""
    size = answers["project_size"]
    unit = "tests/unit/" if size == "large" else "tests/"
    paths = {
        part: f"{path.removesuffix('router.py')}routes.py" if path.endswith("/router.py") else path
        for part, path in base.path.items()
    }
    paths["validation"] = f"{root}{VALIDATION_PATHS[size]}"
    paths["test_validation"] = f"{unit}test_validation.py"
    packages = tuple(
        {**package, "doc": "Integration tests: the HTTP API through Flask's test client."}
        if package["path"] == "tests/integration/__init__.py"
        else package
        for package in base.packages
    )
    return dataclasses.replace(
        base,
        path=paths,
        module={part: layout_mod._module_of(path) for part, path in paths.items() if path},
        test_path={**base.test_path, "test_validation": paths["test_validation"]},
        packages=packages,
    )


def dependencies(answers: Mapping[str, Any]) -> list[str]:
    # flask-openapi3 validates the views' Pydantic parameters and builds the OpenAPI schema.
    names = [
        "flask",
        "flask-openapi3",
        "gunicorn",
        "pydantic",
        "pydantic-settings",
        "httpx",
        "structlog",
    ]
    if answers["project_size"] != "small":
        names.append("tenacity")
    if answers["database"] != "none":
        names += ["sqlalchemy", "alembic"]
    if answers["database"] == "postgresql":
        # Flask is sync: the psycopg 3 driver (postgresql+psycopg://).
        names.append("psycopg")
    return names


def dev_dependencies(answers: Mapping[str, Any]) -> list[str]:
    # Flask's own test client drives the app: no HTTP client library needed.
    return ["pytest", "pytest-cov", "schemathesis", "hypothesis", "mypy", "ruff", "pre-commit"]


def database_url(answers: Mapping[str, Any]) -> str:
    """The development default (Flask is sync: sqlite, or PostgreSQL through psycopg 3)."""
    return sqlalchemy_url(answers)


def blueprints(layout: layout_mod.Layout) -> tuple[tuple[str, str], ...]:
    """(part, alias) of every blueprint the factory registers, in registration order."""
    return tuple(
        (f"{feature.name}_routes", f"{feature.name}_blueprint")
        for feature in layout.features
        if layout.path.get(f"{feature.name}_routes")
    )


def runtime(answers: Mapping[str, Any], layout: layout_mod.Layout) -> Runtime:
    main = layout.module["main"]
    factory = f"{main}:create_app()"
    has_db = answers["database"] != "none"
    registered = blueprints(layout)
    return Runtime(
        serve=gunicorn_command(factory),
        dev_server=f"flask --app {main}:create_app run --debug --port 8000",
        # flask-openapi3's command: the app's schema, as JSON on stdout.
        openapi=("flask", "--app", f"{main}:create_app", "openapi", "--indent", "2"),
        migrate=("alembic", "upgrade", "head") if has_db else (),
        docker_copy=sqlalchemy_image_paths(answers, layout.root),
        docker_env=(("WEB_CONCURRENCY", str(WEB_CONCURRENCY)),),
        database_url=database_url(answers),
        docs_path="/api/v1/items" if has_db else "/health/live",
        mypy_plugins=("pydantic.mypy",),
        facts={
            "factory": factory,
            "blueprints": registered,
            "blueprint_imports": tuple(
                (part, f"blueprint as {alias}") for part, alias in registered
            ),
        },
    )
