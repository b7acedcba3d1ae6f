"""The ``metrics`` question: Prometheus metrics of every request, served on ``/metrics``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..docs import EnvVar
from .slots import Setting

# The layout's names of the modules this option may add (empty paths where it adds none).
PARTS = ("metrics", "test_metrics")


def core_modules(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The metrics module, beside the logging and security modules."""
    return ("metrics",) if answers["metrics"] else ()


def test_modules(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Its test: /metrics scraped through the app, parsed with the Prometheus parser."""
    return ("test_metrics",) if answers["metrics"] else ()


def quiet_routes(project: Any) -> tuple[tuple[str, str], ...]:
    """The scraper calls /metrics every few seconds: a healthy scrape logs at debug level."""
    if not project.answers["metrics"]:
        return ()
    return (("/metrics", "Prometheus scrapes /metrics as often: its requests are as quiet."),)


def _on(project: Any, framework: str) -> bool:
    return bool(project.answers["metrics"]) and project.answers["framework"] == framework


def routers(project: Any) -> tuple[str, ...]:
    """The module whose router serves /metrics (FastAPI)."""
    return ("metrics",) if _on(project, "fastapi") else ()


def middleware(project: Any) -> tuple[tuple[str, str], ...]:
    """(module, class) of the middleware that counts and times each request (FastAPI's
    ASGI middleware, Django's)."""
    on = _on(project, "fastapi") or _on(project, "django")
    return (("metrics", "MetricsMiddleware"),) if on else ()


def url_modules(project: Any) -> tuple[str, ...]:
    """The module whose urlpatterns serve /metrics (Django)."""
    return ("metrics",) if _on(project, "django") else ()


def installers(project: Any) -> tuple[tuple[str, str], ...]:
    """(module, function) that installs the request hooks and /metrics (Flask)."""
    return (("metrics", "install_metrics"),) if _on(project, "flask") else ()


def browse(project: Any) -> tuple[tuple[str, str], ...]:
    """(what, path) the README lists under "Run"."""
    if not project.answers["metrics"]:
        return ()
    return (
        ("Prometheus metrics (set `METRICS_TOKEN`, then send it as a bearer token)", "/metrics"),
    )


def folders(project: Any) -> dict[str, bool]:
    return {"metrics": bool(project.answers["metrics"])}


def dependencies(project: Any) -> tuple[str, ...]:
    return ("prometheus-client",) if project.answers["metrics"] else ()


def settings(project: Any) -> tuple[Setting, ...]:
    if not project.answers["metrics"]:
        return ()
    return (
        Setting(
            "METRICS_TOKEN",
            "SecretStr | None",
            "None",
            'os.environ.get("METRICS_TOKEN") or None',
            ("The bearer token /metrics asks for; unset, /metrics answers 404.",),
        ),
    )


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    if not project.answers["metrics"]:
        return ()
    return (
        EnvVar(
            "METRICS_TOKEN",
            "unset: /metrics answers 404",
            "bearer token Prometheus sends to scrape /metrics",
            "change-me",
            True,
            (
                "The bearer token Prometheus sends to scrape /metrics (its scrape_config's",
                "authorization: credentials). Unset, /metrics answers 404.",
            ),
        ),
    )
