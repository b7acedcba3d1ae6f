"""The job logic without a broker or a worker: delivery outcomes and the job's bookkeeping.

The receiver is httpx's MockTransport (the worker tests use a real HTTP
server); the job records live in the real Redis.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from acme_orders.core.errors import ConflictError, ServiceUnavailableError
from acme_orders.queues.jobs import JobQueue
from acme_orders.repositories.jobs import JobProgress, JobRepository, JobStatus
from acme_orders.services.jobs import JobService
from acme_orders.workers.jobs import (
    PermanentDeliveryError,
    TransientDeliveryError,
    backoff_seconds,
    deliver_webhook,
    expire_stale_jobs,
    run_delivery,
)

URL = "https://hooks.example.com/orders"
# Nothing listens on the discard port.
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:9/0"


def receiver(*statuses: int) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose receiver answers ``statuses`` in turn, and the requests it saw."""
    seen: list[httpx.Request] = []
    answers = iter(statuses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(answers))

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


@pytest.fixture
async def jobs(redis_url: str, jobs_queue: str) -> AsyncIterator[JobRepository]:
    redis = AsyncRedis.from_url(redis_url)
    yield JobRepository(redis, jobs_queue)
    await redis.aclose()


@pytest.fixture
def progress(redis_url: str, jobs_queue: str) -> Iterator[JobProgress]:
    redis = Redis.from_url(redis_url)
    yield JobProgress(redis, jobs_queue)
    redis.close()


async def _new_job(jobs: JobRepository) -> str:
    job, _ = await jobs.create(url=URL, payload={"n": 1}, request_id="req-1", idempotency_key=None)
    return job.id


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_seconds(attempt, 2.0) for attempt in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert backoff_seconds(20, 2.0) == 300.0


@pytest.mark.parametrize("status", [200, 201, 204])
def test_a_2xx_is_delivered(status: int) -> None:
    client, seen = receiver(status)
    assert deliver_webhook(client, URL, {"n": 1}, idempotency_key="job-1") == status
    assert seen[0].headers["Idempotency-Key"] == "job-1"
    assert seen[0].content == b'{"n":1}'


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_overload_and_server_errors_are_transient(status: int) -> None:
    client, _ = receiver(status)
    with pytest.raises(TransientDeliveryError, match=str(status)):
        deliver_webhook(client, URL, {}, idempotency_key="job-1")


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_other_client_errors_are_permanent(status: int) -> None:
    client, _ = receiver(status)
    with pytest.raises(PermanentDeliveryError, match=str(status)):
        deliver_webhook(client, URL, {}, idempotency_key="job-1")


def test_an_unreachable_receiver_is_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    with pytest.raises(TransientDeliveryError, match="ConnectError"):
        deliver_webhook(client, URL, {}, idempotency_key="job-1")


async def test_a_delivered_job_succeeds_once(jobs: JobRepository, progress: JobProgress) -> None:
    job_id = await _new_job(jobs)
    client, seen = receiver(200)

    run_delivery(progress, client, job_id, max_attempts=3)
    # A message delivered twice finds the job finished and sends nothing.
    run_delivery(progress, client, job_id, max_attempts=3)

    job = await jobs.get(job_id)
    assert job is not None
    assert (job.status, job.attempts, job.result) == (JobStatus.SUCCEEDED, 1, {"status_code": 200})
    assert len(seen) == 1


async def test_a_transient_failure_is_retried_until_attempts_run_out(
    jobs: JobRepository, progress: JobProgress
) -> None:
    job_id = await _new_job(jobs)
    client, _ = receiver(503, 503)

    with pytest.raises(TransientDeliveryError):
        run_delivery(progress, client, job_id, max_attempts=2)
    retrying = await jobs.get(job_id)
    assert retrying is not None
    assert (retrying.status, retrying.attempts) == (JobStatus.RETRYING, 1)

    with pytest.raises(TransientDeliveryError):
        run_delivery(progress, client, job_id, max_attempts=2)
    failed = await jobs.get(job_id)
    assert failed is not None
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 2)
    assert failed.error == f"{URL} answered 503"


async def test_a_permanent_failure_is_not_retried(
    jobs: JobRepository,
    progress: JobProgress,
) -> None:
    job_id = await _new_job(jobs)
    client, _ = receiver(404)

    with pytest.raises(PermanentDeliveryError):
        run_delivery(progress, client, job_id, max_attempts=5)

    job = await jobs.get(job_id)
    assert job is not None
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)


async def test_an_unexpected_error_fails_the_job_instead_of_leaving_it_running(
    jobs: JobRepository, progress: JobProgress
) -> None:
    payload = {"text": "\ud800"}  # a lone surrogate: valid JSON, but no UTF-8 request body
    job, _ = await jobs.create(url=URL, payload=payload, request_id=None, idempotency_key=None)
    client, seen = receiver(200)

    with pytest.raises(PermanentDeliveryError, match="unexpected"):
        run_delivery(progress, client, job.id, max_attempts=5)

    failed = await jobs.get(job.id)
    assert failed is not None
    assert (failed.status, failed.error) == (JobStatus.FAILED, "unexpected UnicodeEncodeError")
    assert seen == []


def test_an_unknown_job_is_skipped(progress: JobProgress) -> None:
    client, seen = receiver()
    run_delivery(progress, client, "no-such-job", max_attempts=1)
    assert seen == []


async def test_jobs_nothing_moves_expire(jobs: JobRepository, progress: JobProgress) -> None:
    waiting = await _new_job(jobs)
    # Running when its worker died: no task queue will touch it again.
    abandoned = await _new_job(jobs)
    progress.start_attempt(abandoned)
    done = await _new_job(jobs)
    progress.succeeded(done, {"status_code": 200})

    assert expire_stale_jobs(progress, timedelta(hours=1)) == 0
    assert expire_stale_jobs(progress, timedelta(0)) >= 2

    for job_id in (waiting, abandoned):
        expired = await jobs.get(job_id)
        assert expired is not None
        assert expired.status == JobStatus.FAILED
        assert expired.error is not None
        assert expired.error.startswith("expired: unchanged for")
    finished = await jobs.get(done)
    assert finished is not None
    assert finished.status == JobStatus.SUCCEEDED
    assert done not in progress.stale(timedelta(0))


async def test_every_change_of_an_unfinished_job_postpones_its_expiry(
    jobs: JobRepository, progress: JobProgress
) -> None:
    job_id = await _new_job(jobs)
    created = await jobs.get(job_id)
    assert created is not None
    await asyncio.sleep(0.2)
    progress.start_attempt(job_id)
    # Unchanged since before the attempt started, if it were still counted from its creation.
    since_creation = datetime.now(UTC) - created.created_at

    assert job_id not in progress.stale(since_creation - timedelta(seconds=0.1))
    assert job_id in progress.stale(timedelta(0))


async def test_an_idempotency_key_maps_to_one_job(jobs: JobRepository) -> None:
    first, created = await jobs.create(url=URL, payload={}, request_id=None, idempotency_key="k-1")
    again, repeated = await jobs.create(url=URL, payload={}, request_id=None, idempotency_key="k-1")

    assert (created, repeated) == (True, False)
    assert again == first


class BrokerDown(JobQueue):
    """A task queue whose broker refuses every job; it never connects anywhere."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    async def enqueue(self, job_id: str) -> None:
        self.refused.append(job_id)
        raise ConnectionError("the broker is down")


async def test_a_job_the_broker_refused_leaves_nothing_behind(
    jobs: JobRepository, progress: JobProgress
) -> None:
    queue = BrokerDown()
    with pytest.raises(ServiceUnavailableError, match="task queue is unavailable"):
        await JobService(jobs, queue).submit(URL, {"n": 1}, "k-2")

    [job_id] = queue.refused
    assert await jobs.get(job_id) is None
    assert job_id not in progress.stale(timedelta(0))
    # The client's retry with the same key is a new submission, not the lost job.
    _, created = await jobs.create(url=URL, payload={}, request_id=None, idempotency_key="k-2")
    assert created


class AcceptingQueue(JobQueue):
    """A task queue that takes every job and sends it nowhere."""

    def __init__(self) -> None:
        self.enqueued: list[str] = []

    async def enqueue(self, job_id: str) -> None:
        self.enqueued.append(job_id)


async def test_an_idempotency_key_repeated_with_another_request_is_a_conflict(
    jobs: JobRepository,
) -> None:
    queue = AcceptingQueue()
    service = JobService(jobs, queue)
    first, created = await service.submit(URL, {"n": 1}, "k-3")
    again, repeated = await service.submit(URL, {"n": 1}, "k-3")
    assert (created, repeated, again.id) == (True, False, first.id)

    for url, payload in ((URL, {"n": 2}), (f"{URL}/other", {"n": 1})):
        with pytest.raises(ConflictError, match="another URL or payload"):
            await service.submit(url, payload, "k-3")
    assert queue.enqueued == [first.id]


async def test_a_job_store_that_cannot_answer_is_unavailable() -> None:
    redis = AsyncRedis.from_url(UNREACHABLE_REDIS_URL)
    service = JobService(JobRepository(redis, "unreachable"), BrokerDown())
    try:
        with pytest.raises(ServiceUnavailableError, match="job store is unavailable"):
            await service.submit(URL, {"n": 1}, None)
        with pytest.raises(ServiceUnavailableError, match="job store is unavailable"):
            await service.get("any-job")
    finally:
        await redis.aclose()
