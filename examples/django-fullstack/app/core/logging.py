"""Structured logging with a request id on every line.

Application code logs through structlog; records from the standard library
(Django, uvicorn, ...) go through the same processors, so every line has
the same shape: JSON in production, readable key-value pairs in development.
"""

import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog
from asgiref.sync import markcoroutinefunction
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's request id only if it is short and plain; otherwise make one.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Orchestrators and load balancers call the probes every few seconds: a healthy answer is
# logged at debug level, so that it does not bury the requests people make.
_PROBE_ROUTES = frozenset({"/health/live", "/health/ready"})
# Loggers that bring their own handlers; their records go through the root's instead.
_OWN_HANDLERS = (
    "django",
    "django.server",
    "uvicorn",
    "uvicorn.error",
)

logger = structlog.stdlib.get_logger(__name__)


def configure_logging(config: Mapping[str, Any]) -> None:
    """Django's LOGGING_CONFIG: ``config`` is the LOGGING setting (``level``, ``json``)."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if config["json"]
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
    # LOG_LEVEL is the floor for every line, also for loggers with a level of their own
    # (Django's, and uvicorn's from its --log-level, which can only quieten them).
    handler.setLevel(config["level"])
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
    root.setLevel(config["level"])
    for name in _OWN_HANDLERS:
        own = logging.getLogger(name)
        own.handlers.clear()
        own.propagate = True
    # RequestIdMiddleware logs every request; uvicorn's access log would repeat it.
    # `uvicorn --no-access-log` (which leaves uvicorn's access logger with no handler, not
    # propagating) turns the request records off instead.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.disabled = True
    access_log_off = not uvicorn_access.handlers and not uvicorn_access.propagate
    logging.getLogger(__name__).disabled = access_log_off
    request_finished.connect(forget_request_id, dispatch_uid="forget_request_id")


def forget_request_id(**_: Any) -> None:
    """Once a response is sent, lines logged outside a request carry no request id."""
    structlog.contextvars.unbind_contextvars("request_id")


def incoming_request_id(request: HttpRequest) -> str | None:
    """The caller's ``X-Request-ID``, if it is safe to reuse."""
    candidate = request.headers.get(REQUEST_ID_HEADER)
    if candidate is not None and _SAFE_REQUEST_ID.match(candidate):
        return candidate
    return None


class RequestIdMiddleware:
    """Binds a request id to every log line of a request and echoes it in the response.

    Async-only: under ASGI the request never leaves the event loop here.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = incoming_request_id(request) or uuid.uuid4().hex
        started = time.perf_counter()
        # Bound until the response is sent (see forget_request_id), not just until
        # this call returns: Django logs a failed response after the middleware chain.
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        response = await self.get_response(request)
        _log_request(request, response, started)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _log_request(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    """One access-log line per request, with its request id."""
    # The matched URL pattern (bounded, unlike the path); none for a 404.
    match = request.resolver_match
    route = f"/{match.route}" if match else None
    quiet = route in _PROBE_ROUTES and response.status_code < 400
    logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "request_finished",
        method=request.method,
        path=request.path,
        route=route,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
