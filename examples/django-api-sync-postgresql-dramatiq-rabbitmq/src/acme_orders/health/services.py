"""Readiness: can this instance serve traffic? Every dependency must answer."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import httpx
import structlog
from django.db import DatabaseError, connection

from acme_orders.core.errors import ServiceUnavailableError
from acme_orders.core.http import get_ok
from acme_orders.jobs.queue import JobQueue
from acme_orders.jobs.repository import JobRepository

logger = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class Check:
    """The outcome of probing one dependency."""

    name: str
    ok: bool
    detail: str | None = None


def readiness(
    *,
    http_client: httpx.Client,
    upstream_urls: Sequence[str],
    jobs: JobRepository,
    job_queue: JobQueue,
) -> list[Check]:
    """Every check, or ``ServiceUnavailableError`` listing them when one fails."""
    checks = [check_database(), check_broker(job_queue), check_redis(jobs)]
    checks += [check_upstream(http_client, url) for url in upstream_urls]
    if not all(check.ok for check in checks):
        failed = [check.name for check in checks if not check.ok]
        logger.warning("not_ready", failed=failed)
        raise ServiceUnavailableError(
            "A dependency is unavailable.", checks=[asdict(check) for check in checks]
        )
    return checks


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check(name="database", ok=False, detail=type(error).__name__)
    return Check(name="database", ok=True)


def check_broker(job_queue: JobQueue) -> Check:
    try:
        job_queue.ping()
    # Each queue library has its own connection errors: any failure means not ready.
    except Exception as error:
        return Check(name="broker", ok=False, detail=type(error).__name__)
    return Check(name="broker", ok=True)


def check_redis(jobs: JobRepository) -> Check:
    try:
        jobs.ping()
    except Exception as error:
        return Check(name="redis", ok=False, detail=type(error).__name__)
    return Check(name="redis", ok=True)


def check_upstream(client: httpx.Client, url: str) -> Check:
    try:
        get_ok(client, url)
    except httpx.HTTPError as error:
        return Check(name=url, ok=False, detail=type(error).__name__)
    return Check(name=url, ok=True)
