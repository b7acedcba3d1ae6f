"""Flask: an app factory and blueprints, served by gunicorn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import layout as layout_mod
from .runtime import Runtime


def build_layout(answers: Mapping[str, Any]) -> layout_mod.Layout:
    return layout_mod.build(answers)


def dependencies(answers: Mapping[str, Any]) -> list[str]:
    names = ["flask", "gunicorn", "pydantic", "pydantic-settings", "httpx", "structlog"]
    if answers["project_size"] != "small":
        names.append("tenacity")
    if answers["database"] != "none":
        names += ["sqlalchemy", "alembic"]
    return names


def dev_dependencies(answers: Mapping[str, Any]) -> list[str]:
    return ["pytest", "pytest-cov", "mypy", "ruff", "pre-commit"]


def runtime(answers: Mapping[str, Any], layout: layout_mod.Layout) -> Runtime:
    factory = f"{layout.module['main']}:create_app()"
    has_db = answers["database"] != "none"
    copy: list[str] = []
    if answers["project_size"] != "large":
        copy.append(layout.root or "*.py")
    if has_db:
        copy += ["alembic.ini", "migrations"]
    return Runtime(
        serve=("gunicorn", "--bind", "0.0.0.0:8000", factory),
        dev_server=f"flask --app {layout.module['main']}:create_app run --debug --port 8000",
        migrate=("alembic", "upgrade", "head") if has_db else (),
        docker_copy=tuple(copy),
        docs_path="/health/live",
        mypy_plugins=("pydantic.mypy",),
        facts={"factory": factory},
    )
