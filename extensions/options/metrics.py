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


def routers(project: Any) -> tuple[str, ...]:
    """The module whose router serves /metrics (FastAPI)."""
    return ("metrics",) if project.answers["metrics"] else ()


def middleware(project: Any) -> tuple[tuple[str, str], ...]:
    """(module, class) of the ASGI middleware that counts and times each request (FastAPI)."""
    return (("metrics", "MetricsMiddleware"),) if project.answers["metrics"] else ()


def browse(project: Any) -> tuple[tuple[str, str], ...]:
    """(what, path) the README lists under "Run"."""
    if not project.answers["metrics"]:
        return ()
    return (("Prometheus metrics (with `METRICS_TOKEN` set, send it as a bearer token)", "/metrics"),)


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
            (
                "The bearer token /metrics asks for. Unset: /metrics is open, except in",
                "production, where it answers 404.",
            ),
        ),
    )


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    if not project.answers["metrics"]:
        return ()
    return (
        EnvVar(
            "METRICS_TOKEN",
            "unset: open, but 404 in production",
            "Bearer token Prometheus sends to scrape /metrics",
            "change-me",
            True,
            (
                "The bearer token Prometheus sends to scrape /metrics",
                "(scrape_config: authorization: {credentials: ...}). Unset, /metrics is",
                "open, except in production, where it answers 404.",
            ),
        ),
    )
