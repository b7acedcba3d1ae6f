"""HealthService against a real database session and a scripted upstream."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ServiceUnavailableError
from app.services.health import HealthService

UPSTREAM_URL = "http://upstream.test/health"


def scripted_client(*statuses: int) -> httpx.AsyncClient:
    """An HTTP client whose upstream answers with ``statuses``, in order, then 200."""
    remaining = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(remaining.pop(0) if remaining else 200, request=request)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def service(session: AsyncSession, http_client: httpx.AsyncClient) -> HealthService:
    return HealthService(session=session, http_client=http_client, upstream_urls=[UPSTREAM_URL])


async def test_ready_when_every_dependency_answers(session: AsyncSession) -> None:
    readiness = await service(session, scripted_client()).readiness()

    assert readiness.status == "ok"
    assert all(check.ok for check in readiness.checks)


async def test_not_ready_when_the_upstream_keeps_failing(session: AsyncSession) -> None:
    with pytest.raises(ServiceUnavailableError) as raised:
        await service(session, scripted_client(503, 503, 503)).readiness()

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": UPSTREAM_URL, "ok": False, "detail": "HTTPStatusError"}]


async def test_a_transient_upstream_failure_is_retried(session: AsyncSession) -> None:
    readiness = await service(session, scripted_client(503)).readiness()

    assert readiness.status == "ok"


async def test_a_client_error_is_not_retried(session: AsyncSession) -> None:
    with pytest.raises(ServiceUnavailableError):
        await service(session, scripted_client(404)).readiness()
