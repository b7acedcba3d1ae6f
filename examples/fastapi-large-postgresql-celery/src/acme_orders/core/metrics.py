"""Prometheus metrics: every request counted and timed by route, and the /metrics endpoint.

The route label is the matched route's template (``/api/v1/items/{item_id}``), never the
raw path, and an unknown method is counted as ``OTHER``: a client cannot create series.
Values live in this process; each server process is scraped on its own.
"""

import secrets
import time
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acme_orders.core.config import settings_from

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
)
# Any other method is counted as "OTHER".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The route label of a request no route matched: a 404, or one refused before routing.
UNMATCHED = "unmatched"

router = APIRouter()


class MetricsMiddleware:
    """Counts and times every HTTP request, labelled by method, route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # What uvicorn answers for an app that ends without a response.
        status = HTTPStatus.INTERNAL_SERVER_ERROR.value

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            route = scope.get("route")
            template = route.path if isinstance(route, Route) else UNMATCHED
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            REQUESTS.labels(method, template, str(status)).inc()
            DURATION.labels(method, template).observe(time.perf_counter() - started)


@router.get("/metrics", include_in_schema=False)
async def metrics(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """The metrics in Prometheus' text format, for the bearer of METRICS_TOKEN."""
    token = settings_from(request).metrics_token
    if token is None:
        # No token, no metrics: the endpoint does not exist.
        raise HTTPException(HTTPStatus.NOT_FOUND)
    expected = f"Bearer {token.get_secret_value()}"
    if not secrets.compare_digest((authorization or "").encode(), expected.encode()):
        raise HTTPException(
            HTTPStatus.UNAUTHORIZED,
            "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
