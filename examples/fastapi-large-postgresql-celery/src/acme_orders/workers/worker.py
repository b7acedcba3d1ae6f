"""The Celery worker: delivers webhooks, and beat's schedule that expires stale jobs.

``make worker`` runs the worker and ``make scheduler`` runs beat (one per deployment),
both pointed at this module's ``app``. A job's status lives in its Redis record, so
Celery keeps no results. Beat keeps its schedule in memory (``celery.beat:Scheduler``):
the sweep is idempotent, so a restart has no missed run to catch up on and no state
file to keep.
"""

from datetime import timedelta
from functools import cache

import httpx
from celery import Celery, Task
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from acme_orders.core.config import get_settings
from acme_orders.core.logging import configure_logging
from acme_orders.queues.jobs import broker_namespace
from acme_orders.repositories.jobs import JobProgress
from acme_orders.workers.jobs import (
    DELIVER_WEBHOOK,
    DELIVERY_TIMEOUT_SECONDS,
    EXPIRE_EVERY_SECONDS,
    EXPIRE_STALE_JOBS,
    PermanentDeliveryError,
    TransientDeliveryError,
    backoff_seconds,
    expire_stale_jobs,
    run_delivery,
)

settings = get_settings()
configure_logging(level=settings.log_level, json=settings.log_json)

# How webhook receivers see the worker.
USER_AGENT = "acme-orders-worker"
# A command to the job store (Redis) is tried again while Redis is unreachable, waiting
# 1, 2, 4, 8, then 10 s between tries: about five minutes in all. A job that starts or
# ends in an outage is recorded once Redis is back; Celery would fail the task on the
# connection error and leave the job running (or queued) until the stale-job sweep.
JOB_STORE_RETRY = Retry(ExponentialBackoff(cap=10, base=0.5), retries=32)

# Redis hands a message a worker took but never acknowledged (the worker died) to another
# worker once this visibility timeout has passed. A worker holds a retry's message until
# its backoff ends, so the timeout must outlast the longest backoff plus a delivery, or a
# living worker's job would be delivered twice.
REDELIVER_AFTER_SECONDS = (
    backoff_seconds(max(settings.jobs_max_attempts - 1, 1), settings.jobs_backoff_seconds)
    + 2 * DELIVERY_TIMEOUT_SECONDS
)

app = Celery(__name__, broker=settings.redis_url)
namespace = broker_namespace(settings.jobs_queue)
app.conf.update(
    namespace,
    broker_transport_options={
        **namespace["broker_transport_options"],
        "visibility_timeout": REDELIVER_AFTER_SECONDS,
        # Look for such messages every 10 s (kombu scans on every tenth look by default).
        "unacked_restore_throttle": 1,
    },
    task_default_queue=settings.jobs_queue,
    # Acknowledge a message once its task has run: a worker that dies mid-delivery hands it
    # back (after the visibility timeout above).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    # Logging is ours (configured above); Celery adds no handlers of its own.
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    beat_schedule={
        EXPIRE_STALE_JOBS: {"task": EXPIRE_STALE_JOBS, "schedule": float(EXPIRE_EVERY_SECONDS)},
    },
)


@cache
def _jobs() -> JobProgress:
    redis = Redis.from_url(settings.redis_url, retry=JOB_STORE_RETRY)
    return JobProgress(redis, settings.jobs_queue)


@cache
def _http_client() -> httpx.Client:
    """One client per worker process, created on first use (after the pool forks)."""
    return httpx.Client(headers={"User-Agent": USER_AGENT})


@app.task(
    name=DELIVER_WEBHOOK,
    bind=True,
    max_retries=settings.jobs_max_attempts - 1,
    # Recorded on the job already: the worker logs it without a traceback.
    throws=(PermanentDeliveryError,),
)
def deliver_webhook(self: Task[[str], None], job_id: str) -> None:
    """Deliver one job; transient failures are retried with exponential backoff."""
    try:
        run_delivery(_jobs(), _http_client(), job_id, max_attempts=settings.jobs_max_attempts)
    except TransientDeliveryError as error:
        attempt = self.request.retries + 1
        delay = backoff_seconds(attempt, settings.jobs_backoff_seconds)
        # Past max_retries, retry() re-raises the error and the task fails.
        raise self.retry(exc=error, countdown=delay) from error


@app.task(name=EXPIRE_STALE_JOBS)
def expire_stale() -> int:
    """Fail the unfinished jobs unchanged for JOBS_STALE_AFTER_SECONDS."""
    older_than = timedelta(seconds=settings.jobs_stale_after_seconds)
    return expire_stale_jobs(_jobs(), older_than)
