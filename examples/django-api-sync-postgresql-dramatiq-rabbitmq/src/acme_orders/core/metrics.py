"""Prometheus metrics: every request counted and timed by route, and the /metrics view.

The route label is the matched URL pattern (``/api/v1/items/<str:pk>``), never the raw
path, and an unknown method is counted as ``OTHER``: a client cannot create series.
Values live in this process; each server process is scraped on its own.
"""

import secrets
import time
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from acme_orders.core.errors import problem

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
# The route label of a request no URL pattern matched (a 404, or one refused before).
UNMATCHED = "unmatched"


class MetricsMiddleware:
    """Counts and times every request, labelled by method, route template and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        _record(request, response, started)
        return response


def _record(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    match = request.resolver_match
    route = f"/{match.route}" if match else UNMATCHED
    method = request.method if request.method in METHODS else "OTHER"
    REQUESTS.labels(method, route, str(response.status_code)).inc()
    DURATION.labels(method, route).observe(time.perf_counter() - started)


# Read-only: a POST is a 405, not a CSRF failure.
@csrf_exempt
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for the bearer of METRICS_TOKEN."""
    token: str | None = settings.METRICS_TOKEN
    if token is None:
        # No token, no metrics: the view does not exist.
        raise Http404
    sent = request.headers.get("Authorization", "")
    if not secrets.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        response = problem(
            request,
            HTTPStatus.UNAUTHORIZED,
            "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)


urlpatterns = [path("metrics", metrics, name="metrics")]
