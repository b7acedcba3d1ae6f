"""The Dramatiq worker: the actors that deliver webhooks and expire stale jobs.

``make worker`` runs them; ``make scheduler`` sends the periodic one. A job's status
lives in its Redis record, so Dramatiq keeps no results.
"""

import logging
from datetime import timedelta
from functools import cache

import django
import dramatiq
import httpx
from django.conf import settings
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from acme_orders.config.environment import use_environment_settings
from acme_orders.jobs.repository import JobProgress
from acme_orders.jobs.tasks import (
    DELIVER_WEBHOOK,
    EXPIRE_STALE_JOBS,
    MAX_BACKOFF_SECONDS,
    PermanentDeliveryError,
    TransientDeliveryError,
    expire_stale_jobs,
    run_delivery,
)

use_environment_settings()
django.setup()

# How webhook receivers see the worker.
USER_AGENT = "acme-orders-worker"
# A command to the job store (Redis) is tried again while Redis is unreachable, waiting
# 1, 2, 4, 8, then 10 s between tries: about five minutes in all, within the ten Dramatiq
# gives an actor. A job that ends in an outage is recorded once Redis is back, without a
# second delivery; Dramatiq would not retry a connection error, and could not send a retry
# to a Redis broker that is down.
JOB_STORE_RETRY = Retry(ExponentialBackoff(cap=10, base=0.5), retries=32)

# pika logs every step of every connection at INFO (the worker processes quiet it too).
logging.getLogger("pika").setLevel(logging.WARNING)
broker = RabbitmqBroker(url=settings.BROKER_URL)
dramatiq.set_broker(broker)

MAX_ATTEMPTS = settings.JOBS_MAX_ATTEMPTS


@cache
def _jobs() -> JobProgress:
    redis = Redis.from_url(settings.REDIS_URL, retry=JOB_STORE_RETRY)
    return JobProgress(redis, settings.JOBS_QUEUE)


@cache
def _http_client() -> httpx.Client:
    """One client (a thread-safe connection pool) shared by the worker's threads."""
    return httpx.Client(headers={"User-Agent": USER_AGENT})


def _retry_when(retries: int, error: BaseException) -> bool:
    """Retry what the actor asked to retry, until the job has had MAX_ATTEMPTS attempts.

    Dramatiq lets this predicate decide instead of ``max_retries``; ``retries``
    counts the retries so far (0 after the first attempt).
    """
    return isinstance(error, dramatiq.Retry) and retries + 1 < MAX_ATTEMPTS


@dramatiq.actor(
    actor_name=DELIVER_WEBHOOK,
    queue_name=settings.JOBS_QUEUE,
    retry_when=_retry_when,
    # Exponential backoff in milliseconds (Dramatiq adds up to 100 % jitter).
    min_backoff=int(settings.JOBS_BACKOFF_SECONDS * 1000),
    max_backoff=int(MAX_BACKOFF_SECONDS * 1000),
    # Recorded on the job already: the worker neither retries it nor logs a traceback.
    throws=(PermanentDeliveryError,),
)
def deliver_webhook(job_id: str) -> None:
    """Deliver one job; a transient failure asks Dramatiq for a retry with backoff."""
    try:
        run_delivery(_jobs(), _http_client(), job_id, max_attempts=MAX_ATTEMPTS)
    except TransientDeliveryError as error:
        # An expected failure, logged by run_delivery: Dramatiq logs Retry without a traceback.
        raise dramatiq.Retry(str(error)) from error


@dramatiq.actor(actor_name=EXPIRE_STALE_JOBS, queue_name=settings.JOBS_QUEUE, max_retries=0)
def expire_stale() -> None:
    """Fail the unfinished jobs unchanged for JOBS_STALE_AFTER_SECONDS (it logs how many)."""
    older_than = timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)
    expire_stale_jobs(_jobs(), older_than)
