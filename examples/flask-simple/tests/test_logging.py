"""Structured logs: LOG_LEVEL governs every line, whichever logger writes it."""

import io
import json
import logging

from logs import configure_logging
from settings import get_settings


def test_log_level_is_the_floor_for_every_logger() -> None:
    configure_logging(level="WARNING", json=True)
    lines = io.StringIO()
    [handler] = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(lines)
    server = logging.getLogger("gunicorn.error")
    try:
        # gunicorn's --log-level gives its loggers a level of their own.
        server.setLevel(logging.INFO)
        server.info("Booting worker")
        server.warning("Worker timeout")
    finally:
        server.setLevel(logging.NOTSET)
        settings = get_settings()
        configure_logging(level=settings.log_level, json=settings.log_json)

    events = [json.loads(line)["event"] for line in lines.getvalue().splitlines()]
    assert events == ["Worker timeout"]
