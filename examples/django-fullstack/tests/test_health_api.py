"""Liveness, readiness and the request id, through the HTTP API."""

import pytest
from django.test import AsyncClient, override_settings

pytestmark = pytest.mark.django_db

# Nothing listens on the discard port, so a probe of it fails at once.
UNREACHABLE_URL = "http://127.0.0.1:9/health"


async def test_liveness(async_client: AsyncClient) -> None:
    response = await async_client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_each_check(async_client: AsyncClient) -> None:
    response = await async_client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == [{"name": "database", "ok": True, "detail": None}]


async def test_readiness_fails_while_an_upstream_is_down(async_client: AsyncClient) -> None:
    with override_settings(READINESS_URLS=[UNREACHABLE_URL]):
        response = await async_client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    failed = [check for check in response.json()["checks"] if not check["ok"]]
    assert [check["name"] for check in failed] == [UNREACHABLE_URL]


async def test_probes_only_answer_reads(async_client: AsyncClient) -> None:
    response = await async_client.post("/health/live")

    assert response.status_code == 405


async def test_request_id_is_echoed(async_client: AsyncClient) -> None:
    response = await async_client.get("/health/live", headers={"X-Request-ID": "req-42"})

    assert response.headers["X-Request-ID"] == "req-42"


async def test_unsafe_request_id_is_replaced(async_client: AsyncClient) -> None:
    response = await async_client.get("/health/live", headers={"X-Request-ID": "bad id <script>"})

    request_id = response.headers["X-Request-ID"]
    assert request_id != "bad id <script>"
    assert len(request_id) == 32
