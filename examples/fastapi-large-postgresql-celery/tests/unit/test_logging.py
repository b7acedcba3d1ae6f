"""Structured logs: LOG_LEVEL governs every line, whichever logger writes it; uvicorn's
--no-access-log turns the request records off."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
import uvicorn
from httpx import AsyncClient

from acme_orders.core.config import get_settings
from acme_orders.core.logging import configure_logging

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """uvicorn's loggers as they were before uvicorn set them up, the project's logging."""
    yield
    for name in UVICORN_LOGGERS:
        server = logging.getLogger(name)
        server.handlers.clear()
        server.propagate = True
        server.setLevel(logging.NOTSET)
    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)


def log_lines(level: str) -> io.StringIO:
    """Set up the project's logging, JSON lines written to the returned buffer."""
    configure_logging(level=level, json=True)
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
    # uvicorn's --log-level gives its loggers a level of their own.
    server.setLevel(logging.INFO)
    server.info("Started server process")
    server.warning("Invalid HTTP request received.")
    # The request log replaces uvicorn's access line, whatever its level.
    logging.getLogger("uvicorn.access").warning('"GET /health/live HTTP/1.1" 200')

    assert events(lines) == ["Invalid HTTP request received."]


async def test_requests_are_logged_under_uvicorns_own_setup(client: AsyncClient) -> None:
    # What uvicorn sets up before it imports the app (its access log on, the default).
    uvicorn.Config("acme_orders.main:app")
    lines = log_lines("INFO")

    await client.get("/health/unknown")

    assert events(lines).count("request_finished") == 1


async def test_no_access_log_turns_the_request_records_off(client: AsyncClient) -> None:
    # What `uvicorn --no-access-log` sets up before it imports the app.
    uvicorn.Config("acme_orders.main:app", access_log=False)
    lines = log_lines("INFO")

    await client.get("/health/unknown")
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")

    logged = events(lines)
    assert "request_finished" not in logged
    assert "Invalid HTTP request received." in logged
