"""Liveness, readiness and the request id, through the HTTP API."""

import structlog
from httpx import AsyncClient
from structlog.testing import capture_logs

from app.settings import Settings
from tests.conftest import ClientFactory

# Nothing listens on the discard port, so a probe of it fails at once.
UNREACHABLE_URL = "http://127.0.0.1:9/health"


async def test_liveness(client: AsyncClient) -> None:
    response = await client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_each_check(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert [check["name"] for check in body["checks"]] == ["database"]
    assert all(check["ok"] and check["detail"] is None for check in body["checks"])


async def test_readiness_fails_while_an_upstream_is_down(
    settings: Settings, client_for: ClientFactory
) -> None:
    settings = settings.model_copy(update={"readiness_urls": [UNREACHABLE_URL]})
    async with client_for(settings) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    failed = [check for check in response.json()["checks"] if not check["ok"]]
    assert [check["name"] for check in failed] == [UNREACHABLE_URL]


async def test_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "req-42"})

    assert response.headers["X-Request-ID"] == "req-42"


async def test_unsafe_request_id_is_replaced(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "bad id\t<script>"})

    request_id = response.headers["X-Request-ID"]
    assert request_id != "bad id\t<script>"
    assert len(request_id) == 32


async def test_every_request_is_logged_with_its_id(client: AsyncClient) -> None:
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        await client.get("/health/live", headers={"X-Request-ID": "req-43"})

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    assert entry["request_id"] == "req-43"
    assert (entry["method"], entry["route"], entry["status"]) == ("GET", "/health/live", 200)
    assert entry["duration_ms"] >= 0
    # Probes come every few seconds: a healthy one is logged below INFO.
    assert entry["log_level"] == "debug"


async def test_a_request_no_route_matches_is_logged_at_info(client: AsyncClient) -> None:
    with capture_logs() as logs:
        await client.get("/health/unknown")

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    assert (entry["path"], entry["route"], entry["status"]) == ("/health/unknown", None, 404)
    assert entry["log_level"] == "info"
