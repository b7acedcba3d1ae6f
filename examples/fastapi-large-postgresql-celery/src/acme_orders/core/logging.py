"""Structured logging with a request id on every line.

Application code logs through structlog; records from the standard library
(uvicorn, SQLAlchemy, ...) go through the same processors, so every line has
the same shape: JSON in production, readable key-value pairs in development.
"""

import logging
import re
import sys
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = structlog.stdlib.get_logger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's request id only if it is short and plain; otherwise make one.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Orchestrators and load balancers call the probes every few seconds: a healthy answer is
# logged at debug level, so that it does not bury the requests people make.
# Prometheus scrapes /metrics as often: its requests are as quiet.
_PROBE_ROUTES = frozenset({"/health/live", "/health/ready", "/metrics"})


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
    # own (uvicorn's follow its --log-level, which can only quieten them further).
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
    # uvicorn installs its own handlers; send its records through ours instead.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # RequestIdMiddleware logs every request as fields; uvicorn's access log would repeat
    # it as one string. `uvicorn --no-access-log` (which leaves uvicorn's access logger
    # with no handler, not propagating) turns the request records off instead.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.disabled = True
    access_log_off = not uvicorn_access.handlers and not uvicorn_access.propagate
    logging.getLogger(__name__).disabled = access_log_off


class RequestIdMiddleware:
    """Binds a request id to every log line of a request, echoes it in the response and
    logs the request's outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        started = time.perf_counter()
        # What uvicorn answers for an app that ends without a response.
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            await self.app(scope, receive, send_with_request_id)
            # The matched route's template (bounded, unlike the path); none for a 404.
            route = scope.get("route")
            template = route.path if isinstance(route, Route) else None
            quiet = template in _PROBE_ROUTES and status < 400
            logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "request_finished",
                method=scope["method"],
                path=scope["path"],
                route=template,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )


def _incoming_request_id(scope: Scope) -> str | None:
    wanted = REQUEST_ID_HEADER.lower().encode()
    for name, value in scope["headers"]:
        if name == wanted:
            candidate = value.decode("latin-1")
            return candidate if _SAFE_REQUEST_ID.match(candidate) else None
    return None
