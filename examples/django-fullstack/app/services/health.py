"""Readiness: can this instance serve traffic? Every dependency must answer."""

import asyncio
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import httpx
import structlog
from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection

from app.core.errors import ServiceUnavailableError
from app.core.http import get_ok

logger = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class Check:
    """The outcome of probing one dependency."""

    name: str
    ok: bool
    detail: str | None = None


async def readiness(*, http_client: httpx.AsyncClient, upstream_urls: Sequence[str]) -> list[Check]:
    """Every check, or ``ServiceUnavailableError`` listing them when one fails."""
    # The probes wait side by side; the database one runs in Django's sync thread.
    checks = list(
        await asyncio.gather(
            sync_to_async(check_database)(),
            *(check_upstream(http_client, url) for url in upstream_urls),
        )
    )
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


async def check_upstream(client: httpx.AsyncClient, url: str) -> Check:
    try:
        await get_ok(client, url)
    except httpx.HTTPError as error:
        return Check(name=url, ok=False, detail=type(error).__name__)
    return Check(name=url, ok=True)
