"""The jobs API against the real Redis and broker (no worker runs here, so jobs stay queued)."""

import json

import pytest
from httpx import AsyncClient

from acme_orders.core.config import Settings
from tests.conftest import ClientFactory

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}
# Nothing listens on port 9: should a worker pick these jobs up, they fail fast.
WEBHOOK = {"url": "http://127.0.0.1:9/orders", "payload": {"event": "order.paid"}}


async def test_a_submitted_job_is_queued(client: AsyncClient) -> None:
    response = await client.post("/api/v1/jobs", json=WEBHOOK)

    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued"
    assert job["url"] == WEBHOOK["url"]
    assert (job["attempts"], job["result"], job["error"]) == (0, None, None)
    assert response.headers["location"] == f"/api/v1/jobs/{job['id']}"

    fetched = await client.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == job


async def test_a_payload_may_hold_any_json_text(client: AsyncClient) -> None:
    payload = {"note": "a\x00b", "emoji": "\U0001f600"}
    response = await client.post("/api/v1/jobs", json={**WEBHOOK, "payload": payload})

    assert response.status_code == 202


async def test_a_repeated_idempotency_key_returns_the_first_job(client: AsyncClient) -> None:
    headers = {"Idempotency-Key": "order-42-paid"}
    first = await client.post("/api/v1/jobs", json=WEBHOOK, headers=headers)
    again = await client.post("/api/v1/jobs", json=WEBHOOK, headers=headers)
    other = await client.post("/api/v1/jobs", json=WEBHOOK, headers={"Idempotency-Key": "order-43"})

    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert other.json()["id"] != first.json()["id"]


async def test_an_unknown_job_is_not_found(client: AsyncClient) -> None:
    response = await client.get("/api/v1/jobs/no-such-job")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "Job no-such-job does not exist."


async def test_a_webhook_needs_an_http_url(client: AsyncClient) -> None:
    response = await client.post("/api/v1/jobs", json={"url": "ftp://example.com/x"})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [error["location"] for error in response.json()["errors"]] == [["body", "url"]]


async def test_an_overlong_idempotency_key_is_refused(client: AsyncClient) -> None:
    too_long = {"Idempotency-Key": "k" * 256}
    response = await client.post("/api/v1/jobs", json=WEBHOOK, headers=too_long)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("url", {"url": "https://hooks.example.com/\x00"}),
        ("payload", {"url": WEBHOOK["url"], "payload": {"notes": ["\ud800"]}}),
        ("payload", {"url": WEBHOOK["url"], "payload": {"\udfff": 1}}),
    ],
    ids=["url-nul", "payload-surrogate", "payload-key-surrogate"],
)
async def test_text_that_cannot_be_sent_is_refused(
    client: AsyncClient, field: str, body: dict[str, object]
) -> None:
    # json.dumps escapes the lone surrogate, as a client would send it.
    response = await client.post("/api/v1/jobs", content=json.dumps(body), headers=JSON)

    assert response.status_code == 422
    assert [error["location"] for error in response.json()["errors"]] == [["body", field]]


async def test_readiness_checks_redis_once(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    names = [check["name"] for check in response.json()["checks"]]
    # Redis holds the messages and the job records: one server, one check.
    assert names.count("redis") == 1
    assert "broker" not in names


async def test_readiness_fails_without_redis(settings: Settings, client_for: ClientFactory) -> None:
    # Nothing listens on the discard port.
    settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    async with client_for(settings) as client:
        response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    failed = {check["name"] for check in response.json()["checks"] if not check["ok"]}
    assert "redis" in failed


async def test_a_job_submitted_without_redis_is_a_503(
    settings: Settings, client_for: ClientFactory
) -> None:
    settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    async with client_for(settings) as client:
        submitted = await client.post("/api/v1/jobs", json=WEBHOOK)
        polled = await client.get("/api/v1/jobs/any-job")

    for response in (submitted, polled):
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"] == "The job store is unavailable; retry shortly."
