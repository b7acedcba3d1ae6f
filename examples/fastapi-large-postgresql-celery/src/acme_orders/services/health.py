"""Readiness: can this instance serve traffic? Every dependency must answer."""

import httpx
import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from acme_orders.core.database import ping
from acme_orders.core.errors import ServiceUnavailableError
from acme_orders.core.http import get_ok
from acme_orders.repositories.jobs import JobRepository
from acme_orders.schemas.health import Check, Readiness

logger = structlog.stdlib.get_logger(__name__)


class HealthService:
    def __init__(
        self,
        session: AsyncSession,
        http_client: httpx.AsyncClient,
        upstream_urls: list[str],
        jobs: JobRepository,
    ) -> None:
        self._session = session
        self._http_client = http_client
        self._upstream_urls = upstream_urls
        self._jobs = jobs

    async def readiness(self) -> Readiness:
        """All checks, or ``ServiceUnavailableError`` listing them when one fails."""
        checks = [await self._check_database()]
        checks.append(await self._check_redis())
        for url in self._upstream_urls:
            checks.append(await self._check_upstream(url))
        if not all(check.ok for check in checks):
            failed = [check.name for check in checks if not check.ok]
            logger.warning("not_ready", failed=failed)
            raise ServiceUnavailableError(
                "A dependency is unavailable.",
                checks=[check.model_dump() for check in checks],
            )
        return Readiness(checks=checks)

    async def _check_database(self) -> Check:
        try:
            await ping(self._session)
        except (SQLAlchemyError, OSError) as error:
            return Check(name="database", ok=False, detail=type(error).__name__)
        return Check(name="database", ok=True)

    async def _check_redis(self) -> Check:
        try:
            await self._jobs.ping()
        except Exception as error:
            return Check(name="redis", ok=False, detail=type(error).__name__)
        return Check(name="redis", ok=True)

    async def _check_upstream(self, url: str) -> Check:
        try:
            await get_ok(self._http_client, url)
        except httpx.HTTPError as error:
            return Check(name=url, ok=False, detail=type(error).__name__)
        return Check(name=url, ok=True)
