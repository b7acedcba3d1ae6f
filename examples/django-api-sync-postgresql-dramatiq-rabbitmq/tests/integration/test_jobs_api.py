"""The jobs API against the real Redis and broker (no worker runs here, so jobs stay queued)."""

from typing import Any

import pytest
from django.test import Client

from acme_orders.jobs.api import job_repository
from acme_orders.jobs.queue import JobQueue
from acme_orders.jobs.repository import JobStatus

URL = "/api/v1/jobs"
JSON = "application/json"
PROBLEM = "application/problem+json"
# Nothing listens on port 9: should a worker pick these jobs up, they fail fast.
WEBHOOK = {"url": "http://127.0.0.1:9/orders", "payload": {"event": "order.paid"}}


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the jobs handed to the queue during the test (they still reach it)."""
    job_ids: list[str] = []
    enqueue = JobQueue.enqueue

    def record(queue: JobQueue, job_id: str) -> None:
        job_ids.append(job_id)
        enqueue(queue, job_id)

    monkeypatch.setattr(JobQueue, "enqueue", record)
    return job_ids


def test_a_submitted_job_is_queued(client: Client, enqueued: list[str]) -> None:
    traced = {"X-Request-ID": "req-submit"}
    response = client.post(URL, WEBHOOK, content_type=JSON, headers=traced)

    assert response.status_code == 202
    job = response.json()
    assert (job["status"], job["url"]) == ("queued", WEBHOOK["url"])
    assert (job["attempts"], job["result"], job["error"]) == (0, None, None)
    assert response.headers["Location"] == f"{URL}/{job['id']}"
    assert enqueued == [job["id"]]
    stored = job_repository().get(job["id"])
    assert stored is not None
    assert stored.status is JobStatus.QUEUED
    assert (stored.payload, stored.request_id) == (WEBHOOK["payload"], "req-submit")

    fetched = client.get(response.headers["Location"])
    assert fetched.status_code == 200
    assert fetched.json() == job


def test_a_payload_may_hold_any_json_text(client: Client) -> None:
    payload = {"note": "a\x00b", "emoji": "\U0001f600"}
    response = client.post(URL, {**WEBHOOK, "payload": payload}, content_type=JSON)

    assert response.status_code == 202


def test_the_payload_is_optional(client: Client) -> None:
    bare = {"url": "http://127.0.0.1:8080/hook"}
    response = client.post(URL, bare, content_type=JSON)

    assert response.status_code == 202
    stored = job_repository().get(response.json()["id"])
    assert stored is not None
    assert stored.payload == {}


def test_a_repeated_idempotency_key_returns_the_first_job(
    client: Client, enqueued: list[str]
) -> None:
    key = {"Idempotency-Key": "order-42-paid"}
    first = client.post(URL, WEBHOOK, content_type=JSON, headers=key)
    again = client.post(URL, WEBHOOK, content_type=JSON, headers=key)
    another_key = {"Idempotency-Key": "order-43"}
    other = client.post(URL, WEBHOOK, content_type=JSON, headers=another_key)

    assert first.status_code == again.status_code == other.status_code == 202
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert other.json()["id"] != first.json()["id"]
    # The repeat was answered from Redis, not enqueued again.
    assert enqueued == [first.json()["id"], other.json()["id"]]


def test_an_unknown_job_is_not_found(client: Client) -> None:
    response = client.get(f"{URL}/no-such-job")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Job no-such-job does not exist.",
        "instance": f"{URL}/no-such-job",
    }


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"url": "ftp://example.com/orders"}, ["body", "url"]),
        ({"url": "not a url"}, ["body", "url"]),
        # What the worker's HTTP client could not send to: two ports, an unclosed IPv6
        # literal, no host, a port past 65535.
        ({"url": "http://a:b:c"}, ["body", "url"]),
        ({"url": "http://[/x"}, ["body", "url"]),
        ({"url": "http://@/x"}, ["body", "url"]),
        ({"url": "http://example.com:65536/"}, ["body", "url"]),
        ({"payload": {"event": "order.paid"}}, ["body", "url"]),
        ({"url": WEBHOOK["url"], "payload": ["an", "array"]}, ["body", "payload"]),
        ({"url": 80}, ["body", "url"]),
        ({**WEBHOOK, "priority": "high"}, ["body", "priority"]),
        ({"url": "https://hooks.example.com/\x00"}, ["body", "url"]),
        ({"url": WEBHOOK["url"], "payload": {"items": [{"a\ud800": 1}]}}, ["body", "payload"]),
    ],
)
def test_an_invalid_body_is_refused(
    client: Client, enqueued: list[str], body: dict[str, Any], location: list[str]
) -> None:
    response = client.post(URL, body, content_type=JSON)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    # One field may be refused for more than one reason (a URL with a NUL is no URL either).
    assert {tuple(error["location"]) for error in response.json()["errors"]} == {tuple(location)}
    assert enqueued == []


def test_malformed_json_is_a_bad_request(client: Client) -> None:
    response = client.post(URL, "{not json", content_type=JSON)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


def test_the_body_must_be_a_json_object(client: Client) -> None:
    response = client.post(URL, [WEBHOOK], content_type=JSON)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [error["location"] for error in response.json()["errors"]] == [["body"]]


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_an_idempotency_key_has_1_to_255_chars(client: Client, key: str) -> None:
    headers = {"Idempotency-Key": key}
    response = client.post(URL, WEBHOOK, content_type=JSON, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    [error] = response.json()["errors"]
    assert error["location"] == ["header", "Idempotency-Key"]


def test_jobs_are_submitted_with_post(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 405
