"""Structured logs: LOG_LEVEL governs every line, whichever logger writes it."""

import io
import json
import logging

from app.logging import configure_logging
from app.settings import get_settings


def test_log_level_is_the_floor_for_every_logger() -> None:
    configure_logging(level="WARNING", json=True)
    lines = io.StringIO()
    [handler] = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(lines)
    server = logging.getLogger("uvicorn.error")
    try:
        # uvicorn's --log-level gives its loggers a level of their own.
        server.setLevel(logging.INFO)
        server.info("Started server process")
        server.warning("Invalid HTTP request received.")
        # The request log replaces uvicorn's access line, whatever its level.
        logging.getLogger("uvicorn.access").warning('"GET /health/live HTTP/1.1" 200')
    finally:
        server.setLevel(logging.NOTSET)
        settings = get_settings()
        configure_logging(level=settings.log_level, json=settings.log_json)

    events = [json.loads(line)["event"] for line in lines.getvalue().splitlines()]
    assert events == ["Invalid HTTP request received."]
