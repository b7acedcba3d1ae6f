"""HealthService against a real database session and Redis, and a scripted upstream."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from acme_orders.core.config import Settings
from acme_orders.core.errors import ServiceUnavailableError
from acme_orders.repositories.jobs import JobRepository
from acme_orders.services.health import HealthService

UPSTREAM_URL = "http://upstream.test/health"

# A HealthService on the test's dependencies, probing the upstream through this client.
ServiceFactory = Callable[[httpx.AsyncClient], HealthService]


def scripted_client(*statuses: int) -> httpx.AsyncClient:
    """An HTTP client whose upstream answers with ``statuses``, in order, then 200."""
    remaining = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(remaining.pop(0) if remaining else 200, request=request)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


@pytest.fixture
async def jobs(settings: Settings) -> AsyncIterator[JobRepository]:
    redis = Redis.from_url(settings.redis_url)
    yield JobRepository(redis, settings.jobs_queue)
    await redis.aclose()


@pytest.fixture
def service(session: AsyncSession, jobs: JobRepository) -> ServiceFactory:
    def build(http_client: httpx.AsyncClient) -> HealthService:
        return HealthService(
            session=session,
            http_client=http_client,
            upstream_urls=[UPSTREAM_URL],
            jobs=jobs,
        )

    return build


async def test_ready_when_every_dependency_answers(service: ServiceFactory) -> None:
    readiness = await service(scripted_client()).readiness()

    assert readiness.status == "ok"
    assert all(check.ok for check in readiness.checks)
    names = [check.name for check in readiness.checks]
    assert names == ["database", "redis", UPSTREAM_URL]


async def test_not_ready_when_the_upstream_keeps_failing(service: ServiceFactory) -> None:
    with pytest.raises(ServiceUnavailableError) as raised:
        await service(scripted_client(503, 503, 503)).readiness()

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": UPSTREAM_URL, "ok": False, "detail": "HTTPStatusError"}]


async def test_a_transient_upstream_failure_is_retried(service: ServiceFactory) -> None:
    readiness = await service(scripted_client(503)).readiness()

    assert readiness.status == "ok"


async def test_a_client_error_is_not_retried(service: ServiceFactory) -> None:
    with pytest.raises(ServiceUnavailableError):
        await service(scripted_client(404)).readiness()
