"""The readiness checks against the real database and a scripted upstream."""

import httpx
import pytest
from django.db import DatabaseError, connection

from app.core.errors import ServiceUnavailableError
from app.services.health import check_database, readiness

pytestmark = pytest.mark.django_db

UPSTREAM_URL = "http://upstream.test/health"


def scripted_client(*statuses: int) -> httpx.AsyncClient:
    """An HTTP client whose upstream answers with ``statuses``, in order, then 200."""
    remaining = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(remaining.pop(0) if remaining else 200, request=request)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


async def test_ready_when_every_dependency_answers() -> None:
    async with scripted_client() as client:
        checks = await readiness(http_client=client, upstream_urls=[UPSTREAM_URL])

    assert [check.name for check in checks] == ["database", UPSTREAM_URL]
    assert all(check.ok for check in checks)


async def test_not_ready_when_the_upstream_keeps_failing() -> None:
    async with scripted_client(503, 503, 503) as client:
        with pytest.raises(ServiceUnavailableError) as raised:
            await readiness(http_client=client, upstream_urls=[UPSTREAM_URL])

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": UPSTREAM_URL, "ok": False, "detail": "HTTPStatusError"}]


async def test_a_transient_upstream_failure_is_retried() -> None:
    async with scripted_client(503) as client:
        checks = await readiness(http_client=client, upstream_urls=[UPSTREAM_URL])

    assert all(check.ok for check in checks)


async def test_a_client_error_is_not_retried() -> None:
    async with scripted_client(404, 200) as client:
        with pytest.raises(ServiceUnavailableError):
            await readiness(http_client=client, upstream_urls=[UPSTREAM_URL])


def test_database_check_reports_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor() -> None:
        msg = "database is gone"
        raise DatabaseError(msg)

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    check = check_database()

    assert (check.ok, check.detail) == (False, "DatabaseError")
