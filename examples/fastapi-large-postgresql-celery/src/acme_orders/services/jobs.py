"""Jobs: accept a webhook delivery, hand it to the task queue, report its status.

While Redis (the job records) or the broker is down, every call fails with
:class:`ServiceUnavailableError`, a 503 the client retries later.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from acme_orders.core.errors import ConflictError, NotFoundError, ServiceUnavailableError
from acme_orders.queues.jobs import JobQueue
from acme_orders.repositories.jobs import Job, JobRepository

logger = structlog.stdlib.get_logger(__name__)


@contextmanager
def _job_records() -> Iterator[None]:
    """Redis that cannot answer becomes a 503."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError) as error:
        logger.warning("redis_unavailable", error=type(error).__name__)
        msg = "The job store is unavailable; retry shortly."
        raise ServiceUnavailableError(msg) from error


class JobService:
    def __init__(self, jobs: JobRepository, queue: JobQueue) -> None:
        self._jobs = jobs
        self._queue = queue

    async def submit(
        self, url: str, payload: dict[str, Any], idempotency_key: str | None
    ) -> tuple[Job, bool]:
        """Record and enqueue a job; a repeated idempotency key returns the first job instead.

        A key that comes back with another URL or payload is a client error (409), as
        the IETF Idempotency-Key draft asks: the first job is not what the client wants.
        """
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        with _job_records():
            job, created = await self._jobs.create(
                url=url, payload=payload, request_id=request_id, idempotency_key=idempotency_key
            )
        if not created:
            if (job.url, job.payload) != (url, payload):
                msg = "This Idempotency-Key was used for a request with another URL or payload."
                raise ConflictError(msg)
            logger.info("job_resubmitted", job_id=job.id, idempotency_key=idempotency_key)
            return job, False
        try:
            await self._queue.enqueue(job.id)
        except Exception as error:
            # No worker will ever see this job: forget it, so that the client's retry
            # (with the same idempotency key) submits it afresh instead of finding it stuck.
            # (If Redis is down too, the periodic expiry fails the record later.)
            with _job_records():
                await self._jobs.discard(job.id, idempotency_key)
            logger.warning("queue_unavailable", job_id=job.id, error=type(error).__name__)
            msg = "The task queue is unavailable; retry shortly."
            raise ServiceUnavailableError(msg) from error
        logger.info("job_submitted", job_id=job.id)
        return job, True

    async def get(self, job_id: str) -> Job:
        with _job_records():
            job = await self._jobs.get(job_id)
        if job is None:
            msg = f"Job {job_id} does not exist."
            raise NotFoundError(msg)
        return job
