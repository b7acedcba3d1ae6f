"""Structured logs: JSON lines, a request id on every line of a request, LOG_LEVEL on
every logger, uvicorn's --no-access-log honoured."""

import io
import json
import logging

import pytest
import structlog
import uvicorn
from django.conf import settings
from django.test import Client
from structlog.testing import capture_logs

from app.core.logging import configure_logging


def test_every_request_is_logged_with_its_id(client: Client) -> None:
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        client.get("/health/live", headers={"X-Request-ID": "req-7"})

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    assert entry["request_id"] == "req-7"
    assert (entry["method"], entry["route"], entry["status"]) == ("GET", "/health/live", 200)
    assert entry["duration_ms"] >= 0
    # Probes come every few seconds: a healthy one is logged below INFO.
    assert entry["log_level"] == "debug"
    # Once the response is sent, the id is forgotten.
    assert "request_id" not in structlog.contextvars.get_contextvars()


def test_a_request_no_route_matches_is_logged_at_info(client: Client) -> None:
    with capture_logs() as logs:
        client.get("/health/unknown")

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    assert (entry["path"], entry["route"], entry["status"]) == ("/health/unknown", None, 404)
    assert entry["log_level"] == "info"


class RequestIdRecorder(logging.Handler):
    """Notes the request id bound while each record is logged."""

    def __init__(self) -> None:
        super().__init__()
        self.request_ids: list[str | None] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.request_ids.append(structlog.contextvars.get_contextvars().get("request_id"))


def test_django_logs_a_failed_request_with_its_id(client: Client) -> None:
    recorder = RequestIdRecorder()
    django_request = logging.getLogger("django.request")
    django_request.addHandler(recorder)
    try:
        client.get("/no-such-route", headers={"X-Request-ID": "req-8"})
    finally:
        django_request.removeHandler(recorder)

    # "Not Found: /no-such-route", logged once the middleware chain has returned.
    assert recorder.request_ids == ["req-8"]


def test_standard_library_records_become_json_lines() -> None:
    configure_logging({"level": "INFO", "json": True})
    try:
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "slow", (), None)
        with structlog.contextvars.bound_contextvars(request_id="req-9"):
            line = logging.getLogger().handlers[0].format(record)
    finally:
        configure_logging(settings.LOGGING)

    entry = json.loads(line)
    assert (entry["event"], entry["level"], entry["request_id"]) == ("slow", "warning", "req-9")


def log_lines(level: str) -> io.StringIO:
    """Set up the project's logging, JSON lines written to the returned buffer."""
    configure_logging({"level": level, "json": True})
    lines = io.StringIO()
    [handler] = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(lines)
    return lines


def events(lines: io.StringIO) -> list[str]:
    return [json.loads(line)["event"] for line in lines.getvalue().splitlines()]


def test_log_level_is_the_floor_for_every_logger() -> None:
    lines = log_lines("WARNING")
    server = logging.getLogger("uvicorn.error")
    try:
        # uvicorn's --log-level gives its loggers a level of their own.
        server.setLevel(logging.INFO)
        server.info("Server started")
        server.warning("Server overloaded")
        # RequestIdMiddleware's request log replaces uvicorn's access line.
        logging.getLogger("uvicorn.access").warning('"GET /health/live HTTP/1.1" 200')
    finally:
        server.setLevel(logging.NOTSET)
        configure_logging(settings.LOGGING)

    assert events(lines) == ["Server overloaded"]


@pytest.mark.parametrize(("access_log", "logged"), [(True, 1), (False, 0)])
def test_no_access_log_turns_the_request_records_off(
    client: Client, access_log: bool, logged: int
) -> None:
    # What uvicorn sets up before it imports the app (`--no-access-log`: access_log=False).
    uvicorn.Config("config.asgi:application", access_log=access_log)
    lines = log_lines("INFO")
    try:
        client.get("/health/unknown")
    finally:
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            server = logging.getLogger(name)
            server.handlers.clear()
            server.propagate = True
            server.setLevel(logging.NOTSET)
        configure_logging(settings.LOGGING)

    assert events(lines).count("request_finished") == logged
