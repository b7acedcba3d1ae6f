"""Jobs submitted through the API, run by the real worker process against the real broker."""

import asyncio
import time
from typing import Any

import pytest
from httpx import AsyncClient

from tests.jobs import WebhookReceiver, WorkerProcess

FINISHED = {"succeeded", "failed"}
# Three attempts with short backoffs (tests/jobs.py) finish well within this.
FINISH_TIMEOUT_SECONDS = 30
# A killed worker's job runs again within this (see the README's "Background jobs").
REDELIVERY_SECONDS = 60


async def wait_for_finish(
    client: AsyncClient, job_id: str, seconds: float = FINISH_TIMEOUT_SECONDS
) -> dict[str, Any]:
    """Poll the job through the API until it succeeded or failed."""
    deadline = time.monotonic() + seconds
    while True:
        response = await client.get(f"/api/v1/jobs/{job_id}")
        job: dict[str, Any] = response.json()
        if job["status"] in FINISHED:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} still {job['status']} after {seconds} s")
        await asyncio.sleep(0.1)


async def test_a_transient_failure_is_retried_until_delivered(
    client: AsyncClient, worker: WorkerProcess, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.answer(503, 200)

    response = await client.post(
        "/api/v1/jobs",
        json={"url": webhook_receiver.url, "payload": {"event": "order.paid", "order": 42}},
        headers={"X-Request-ID": "retry-then-deliver"},
    )
    assert response.status_code == 202
    job = await wait_for_finish(client, response.json()["id"])

    assert job["status"] == "succeeded", job
    assert (job["attempts"], job["result"], job["error"]) == (2, {"status_code": 200}, None)
    first, second = webhook_receiver.wait_for(2)
    assert first.json() == second.json() == {"event": "order.paid", "order": 42}
    # The receiver can tell a retry from a new webhook: the key stays the job's id.
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == job["id"]
    # The request id of the submission reached the worker's log lines.
    worker.wait_for_output("retry-then-deliver")


async def test_a_permanent_failure_is_not_retried(
    client: AsyncClient, worker: WorkerProcess, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.answer(410)

    response = await client.post("/api/v1/jobs", json={"url": webhook_receiver.url})
    job = await wait_for_finish(client, response.json()["id"])

    assert job["status"] == "failed", job
    assert job["attempts"] == 1
    assert job["error"] == f"{webhook_receiver.url} answered 410"
    assert len(webhook_receiver.deliveries) == 1


async def test_an_idempotent_resubmission_is_delivered_once(
    client: AsyncClient, worker: WorkerProcess, webhook_receiver: WebhookReceiver
) -> None:
    body = {"url": webhook_receiver.url, "payload": {"event": "invoice.sent"}}
    headers = {"Idempotency-Key": "invoice-7-sent"}

    first = await client.post("/api/v1/jobs", json=body, headers=headers)
    again = await client.post("/api/v1/jobs", json=body, headers=headers)
    job = await wait_for_finish(client, first.json()["id"])

    assert again.json()["id"] == job["id"]
    assert job["status"] == "succeeded", job
    assert len(webhook_receiver.deliveries) == 1


@pytest.mark.slow
async def test_jobs_run_again_when_their_worker_is_killed(
    client: AsyncClient, worker: WorkerProcess, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.hold()
    job_ids = []
    for order in (1, 2, 3):
        body = {"url": webhook_receiver.url, "payload": {"event": "order.shipped", "order": order}}
        response = await client.post("/api/v1/jobs", json=body)
        assert response.status_code == 202
        job_ids.append(response.json()["id"])
    # The worker is mid-delivery, waiting for the receiver's answer, when it dies.
    webhook_receiver.wait_for(1)
    worker.crash_and_restart()
    taken = {delivery.headers["idempotency-key"] for delivery in webhook_receiver.deliveries}
    webhook_receiver.release()

    jobs = [await wait_for_finish(client, job_id, REDELIVERY_SECONDS) for job_id in job_ids]

    assert [job["status"] for job in jobs] == ["succeeded"] * 3, jobs
    # A job the dead worker had taken ran again; none was lost with it.
    assert all(job["attempts"] >= 2 for job in jobs if job["id"] in taken), jobs
    # Delivered at least once, never as another webhook: every request carries its job's key.
    keys = {delivery.headers["idempotency-key"] for delivery in webhook_receiver.deliveries}
    assert keys == set(job_ids)
