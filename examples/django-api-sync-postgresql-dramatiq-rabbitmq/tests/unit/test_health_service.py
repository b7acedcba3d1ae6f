"""The readiness checks against the real database, broker and Redis, and a scripted upstream."""

import httpx
import pytest
from django.db import DatabaseError, connection

from acme_orders.core.errors import ServiceUnavailableError
from acme_orders.health.services import Check, check_database, readiness
from acme_orders.jobs.api import job_queue, job_repository
from acme_orders.jobs.queue import JobQueue
from acme_orders.jobs.repository import JobRepository

pytestmark = pytest.mark.django_db

UPSTREAM_URL = "http://upstream.test/health"


def scripted_client(*statuses: int) -> httpx.Client:
    """An HTTP client whose upstream answers with ``statuses``, in order, then 200."""
    remaining = list(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(remaining.pop(0) if remaining else 200, request=request)

    return httpx.Client(transport=httpx.MockTransport(answer))


def check_readiness(client: httpx.Client) -> list[Check]:
    """Readiness with the project's own broker and Redis (the test ones)."""
    return readiness(
        http_client=client,
        upstream_urls=[UPSTREAM_URL],
        jobs=job_repository(),
        job_queue=job_queue(),
    )


def test_ready_when_every_dependency_answers() -> None:
    with scripted_client() as client:
        checks = check_readiness(client)

    assert [check.name for check in checks] == ["database", "broker", "redis", UPSTREAM_URL]
    assert all(check.ok for check in checks)


def test_not_ready_when_the_upstream_keeps_failing() -> None:
    client = scripted_client(503, 503, 503)
    with client, pytest.raises(ServiceUnavailableError) as raised:
        check_readiness(client)

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": UPSTREAM_URL, "ok": False, "detail": "HTTPStatusError"}]


def test_a_transient_upstream_failure_is_retried() -> None:
    with scripted_client(503) as client:
        checks = check_readiness(client)

    assert all(check.ok for check in checks)


def test_a_client_error_is_not_retried() -> None:
    client = scripted_client(404, 200)
    with client, pytest.raises(ServiceUnavailableError):
        check_readiness(client)


def test_database_check_reports_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor() -> None:
        msg = "database is gone"
        raise DatabaseError(msg)

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    check = check_database()

    assert (check.ok, check.detail) == (False, "DatabaseError")


@pytest.mark.parametrize(("client_class", "name"), [(JobQueue, "broker"), (JobRepository, "redis")])
def test_not_ready_while_the_jobs_backend_is_down(
    monkeypatch: pytest.MonkeyPatch, client_class: type[JobQueue | JobRepository], name: str
) -> None:
    def unreachable(self: object) -> None:
        msg = "connection refused"
        raise ConnectionError(msg)

    monkeypatch.setattr(client_class, "ping", unreachable)

    client = scripted_client()
    with client, pytest.raises(ServiceUnavailableError) as raised:
        check_readiness(client)

    failed = [check for check in raised.value.extensions["checks"] if not check["ok"]]
    assert failed == [{"name": name, "ok": False, "detail": "ConnectionError"}]
