"""Liveness and readiness probes for load balancers and orchestrators.

Plain Django views, async: a probe waits on its dependencies without
holding a thread. A failed readiness check raises ``ServiceUnavailableError``,
which the problem-details middleware answers with 503.
"""

from dataclasses import asdict

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from app.core.http import build_http_client
from app.services.health import readiness


# Read-only: a POST is a 405, not a CSRF failure.
@csrf_exempt
@require_safe
async def live(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
async def ready(request: HttpRequest) -> JsonResponse:
    """Every dependency answers: this instance can take traffic."""
    async with build_http_client() as client:
        checks = await readiness(http_client=client, upstream_urls=settings.READINESS_URLS)
    return JsonResponse({"status": "ok", "checks": [asdict(check) for check in checks]})
