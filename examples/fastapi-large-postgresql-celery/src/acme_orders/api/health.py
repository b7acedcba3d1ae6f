"""Liveness and readiness probes for load balancers and orchestrators."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from acme_orders.core.config import settings_from
from acme_orders.core.database import SessionDep
from acme_orders.core.http import http_client_from
from acme_orders.repositories.jobs import JobRepository
from acme_orders.schemas.health import Liveness, Readiness
from acme_orders.services.health import HealthService

router = APIRouter(prefix="/health", tags=["health"])


async def get_health_service(request: Request, session: SessionDep) -> HealthService:
    return HealthService(
        session=session,
        http_client=http_client_from(request),
        upstream_urls=[str(url) for url in settings_from(request).readiness_urls],
        jobs=JobRepository(request.app.state.redis, settings_from(request).jobs_queue),
    )


@router.get("/live")
async def live() -> Liveness:
    """The process is up and serving requests."""
    return Liveness()


@router.get("/ready", responses={503: {"description": "A dependency is unavailable"}})
async def ready(service: Annotated[HealthService, Depends(get_health_service)]) -> Readiness:
    """Every dependency answers: this instance can take traffic."""
    return await service.readiness()
