"""HealthService against a real database, and a scripted upstream."""

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from errors import ServiceUnavailableError
from health_service import HealthService

UPSTREAM_URL = "http://upstream.test/health"

# A HealthService on the test's dependencies, probing the upstream through this client.
ServiceFactory = Callable[..., HealthService]


def scripted_client(*statuses: int) -> httpx.Client:
    """An HTTP client whose upstream answers with ``statuses``, in order, then 200."""
    remaining = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(remaining.pop(0) if remaining else 200, request=request)

    return httpx.Client(transport=httpx.MockTransport(answer))


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    """An engine without a pool, as the app's readiness probe has."""
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def service(database: Engine) -> ServiceFactory:
    default_database = database

    def build(http_client: httpx.Client, database: Engine = default_database) -> HealthService:
        return HealthService(
            database=database,
            http_client=http_client,
            upstream_urls=[UPSTREAM_URL],
        )

    return build


def test_ready_when_every_dependency_answers(service: ServiceFactory) -> None:
    readiness = service(scripted_client()).readiness()

    assert readiness.status == "ok"
    assert all(check.ok for check in readiness.checks)


def test_not_ready_when_the_upstream_keeps_failing(service: ServiceFactory) -> None:
    with pytest.raises(ServiceUnavailableError) as raised:
        service(scripted_client(503, 503, 503)).readiness()

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": UPSTREAM_URL, "ok": False, "detail": "HTTPStatusError"}]


def test_not_ready_when_the_database_does_not_answer(
    service: ServiceFactory, tmp_path: Path
) -> None:
    # SQLite cannot create a database file in a folder that does not exist.
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'app.db'}")
    with pytest.raises(ServiceUnavailableError) as raised:
        service(scripted_client(), database=engine).readiness()
    engine.dispose()

    database = raised.value.extensions["checks"][0]
    assert database == {"name": "database", "ok": False, "detail": "OperationalError"}
