"""Structured logging with a request id on every line.

Application code logs through structlog; records from the standard library
(gunicorn, SQLAlchemy, ...) go through the same processors, so every line has
the same shape: JSON in production, readable key-value pairs in development.
Request hooks bind the request id to every line logged while a request runs.
"""

import logging
import re
import sys
import time
import uuid

import structlog
from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's request id only if it is short and plain; otherwise make one.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Orchestrators and load balancers call the probes every few seconds: a healthy answer is
# logged at debug level, so that it does not bury the requests people make.
_PROBE_ROUTES = frozenset({"/health/live", "/health/ready"})

logger = structlog.stdlib.get_logger(__name__)


def configure_logging(*, level: str, json: bool) -> None:
    """Route structlog and standard-library logging through one set of processors."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json
        # Colours only for a terminal: a log collector would store the escape codes.
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        # A record below the logger's level (a healthy probe's, at DEBUG) is dropped before
        # any processor runs: on every probe, not formatted only to be thrown away.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler()
    # LOG_LEVEL is the floor for every line, also for loggers that set a level of their
    # own (gunicorn's follow its --log-level, which can only quieten them further).
    handler.setLevel(level)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # gunicorn installs its own handlers in each worker; send its records through ours.
    for name in ("gunicorn.error", "gunicorn.access"):
        gunicorn_logger = logging.getLogger(name)
        gunicorn_logger.handlers.clear()
        gunicorn_logger.propagate = True


def install_request_logging(app: Flask) -> None:
    """Give every request an id, bind it to its log lines, echo it, and log the outcome."""
    app.before_request(_bind_request_id)
    app.after_request(_log_response)
    app.teardown_request(_unbind_request_id)


def _bind_request_id() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_id = request_id
    g.request_started = time.perf_counter()
    # A worker thread serves many requests: start each one from a clean context.
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)


def _log_response(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = g.request_id
    # The matched rule (bounded, unlike the path); none for a 404.
    route = request.url_rule.rule if request.url_rule else None
    quiet = route in _PROBE_ROUTES and response.status_code < 400
    logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "request_finished",
        method=request.method,
        path=request.path,
        route=route,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - g.request_started) * 1000, 1),
    )
    return response


def _unbind_request_id(_error: BaseException | None) -> None:
    structlog.contextvars.clear_contextvars()
