"""The job logic the worker runs, written as plain functions (testable without a broker).

The task queue's worker wraps these: it decides *when* a retry happens (its own
retry policy, with exponential backoff), these functions decide *whether* one
should: transient failures raise :class:`TransientDeliveryError`, permanent ones
:class:`PermanentDeliveryError`.
"""

from datetime import timedelta
from typing import Any

import httpx
import structlog

from acme_orders.core.http import is_transient
from acme_orders.jobs.repository import JobProgress

# Names the web process enqueues by and the worker registers under.
DELIVER_WEBHOOK = "deliver_webhook"
EXPIRE_STALE_JOBS = "expire_stale_jobs"
# How often the periodic job runs.
EXPIRE_EVERY_SECONDS = 300
# No retry waits longer than this, whatever the attempt.
MAX_BACKOFF_SECONDS = 300.0
DELIVERY_TIMEOUT_SECONDS = 10.0

logger = structlog.stdlib.get_logger(__name__)


class TransientDeliveryError(Exception):
    """The receiver may accept the webhook later: retry with backoff."""


class PermanentDeliveryError(Exception):
    """The receiver refused the webhook: retrying cannot help."""


def backoff_seconds(attempt: int, base: float) -> float:
    """The wait before the retry that follows ``attempt`` (1, 2, 3...): base, 2 x base, 4 x base."""
    return min(base * 2.0 ** (attempt - 1), MAX_BACKOFF_SECONDS)


def deliver_webhook(
    client: httpx.Client,
    url: str,
    payload: dict[str, Any],
    *,
    idempotency_key: str,
) -> int:
    """POST the payload; the status code on success, else a transient or permanent error."""
    try:
        response = client.post(
            url,
            json=payload,
            headers={"Idempotency-Key": idempotency_key},
            timeout=DELIVERY_TIMEOUT_SECONDS,
        )
    except httpx.TransportError as error:
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error
    status = response.status_code
    if response.is_success:
        return status
    message = f"{url} answered {status}"
    if is_transient(status):
        raise TransientDeliveryError(message)
    raise PermanentDeliveryError(message)


def run_delivery(
    jobs: JobProgress,
    client: httpx.Client,
    job_id: str,
    *,
    max_attempts: int,
) -> None:
    """Deliver one job's webhook and record the outcome on the job.

    A job that already finished is skipped, so a message delivered twice does
    no double work. Raises :class:`TransientDeliveryError` when the queue should
    retry (also on the last attempt, after recording the failure, so the queue
    sees it fail) and :class:`PermanentDeliveryError` when it must not, which is
    also what any unexpected error becomes once the job is recorded failed.
    """
    job = jobs.start_attempt(job_id)
    if job is None:
        logger.info("job_skipped", job_id=job_id, reason="unknown or finished")
        return
    with structlog.contextvars.bound_contextvars(
        job_id=job.id, request_id=job.request_id, attempt=job.attempts
    ):
        try:
            status = deliver_webhook(client, job.url, job.payload, idempotency_key=job.id)
        except PermanentDeliveryError as error:
            jobs.failed(job.id, str(error))
            logger.warning("job_failed", error=str(error))
            raise
        except TransientDeliveryError as error:
            if job.attempts >= max_attempts:
                jobs.failed(job.id, str(error))
                logger.warning("job_failed", error=str(error), retries_exhausted=True)
            else:
                jobs.retrying(job.id, str(error))
                logger.info("job_retrying", error=str(error))
            raise
        except Exception as error:
            # Anything else (a payload the client cannot encode, a bug) fails again on
            # every retry: the job is recorded failed, never left running.
            reason = f"unexpected {type(error).__name__}"
            jobs.failed(job.id, reason)
            logger.exception("job_failed", error=reason)
            raise PermanentDeliveryError(reason) from error
        jobs.succeeded(job.id, {"status_code": status})
        logger.info("job_succeeded", status_code=status)


def expire_stale_jobs(jobs: JobProgress, older_than: timedelta) -> int:
    """Fail the unfinished jobs nothing has moved for ``older_than``, so nobody polls them forever.

    A job no worker picked up, or one whose worker died on its last attempt (the task
    queue does not run it again), would otherwise stay queued or running.
    """
    expired = 0
    for job_id in jobs.stale(older_than):
        jobs.failed(job_id, f"expired: unchanged for {older_than}")
        expired += 1
    if expired:
        logger.warning("jobs_expired", count=expired)
    return expired
