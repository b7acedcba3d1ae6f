"""Liveness and readiness probes for load balancers and orchestrators.

Plain Django views. A failed readiness check raises ``ServiceUnavailableError``,
which the problem-details middleware answers with 503.
"""

from dataclasses import asdict

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from acme_orders.core.http import build_http_client
from acme_orders.health.services import readiness
from acme_orders.jobs.api import job_queue, job_repository


# Read-only: a POST is a 405, not a CSRF failure.
@csrf_exempt
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Every dependency answers: this instance can take traffic."""
    with build_http_client() as client:
        checks = readiness(
            http_client=client,
            upstream_urls=settings.READINESS_URLS,
            jobs=job_repository(),
            job_queue=job_queue(),
        )
    return JsonResponse({"status": "ok", "checks": [asdict(check) for check in checks]})
