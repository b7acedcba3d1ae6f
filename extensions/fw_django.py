"""Django: apps per feature, split settings, Django REST Framework.

Sync projects are served over WSGI by gunicorn; async ones over ASGI by uvicorn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import layout as layout_mod
from .runtime import Runtime


def build_layout(answers: Mapping[str, Any]) -> layout_mod.Layout:
    raise NotImplementedError("Django layout")


def dependencies(answers: Mapping[str, Any]) -> list[str]:
    names = ["django", "djangorestframework", "whitenoise", "structlog"]
    names.append("uvicorn" if answers["concurrency"] == "async" else "gunicorn")
    return names


def dev_dependencies(answers: Mapping[str, Any]) -> list[str]:
    return [
        "pytest",
        "pytest-cov",
        "pytest-django",
        "mypy",
        "django-stubs",
        "djangorestframework-stubs",
        "ruff",
        "pre-commit",
    ]


def runtime(answers: Mapping[str, Any], layout: layout_mod.Layout) -> Runtime:
    raise NotImplementedError("Django runtime")
