"""Readiness: can this instance serve traffic? Every dependency must answer."""

import httpx
import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.database import ping
from app.errors import ServiceUnavailableError
from app.http_client import get_ok
from app.schemas.health import Check, Readiness

logger = structlog.stdlib.get_logger(__name__)


class HealthService:
    def __init__(
        self,
        session: AsyncSession,
        http_client: httpx.AsyncClient,
        upstream_urls: list[str],
    ) -> None:
        self._session = session
        self._http_client = http_client
        self._upstream_urls = upstream_urls

    async def readiness(self) -> Readiness:
        """All checks, or ``ServiceUnavailableError`` listing them when one fails."""
        checks = [await self._check_database()]
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

    async def _check_upstream(self, url: str) -> Check:
        try:
            await get_ok(self._http_client, url)
        except httpx.HTTPError as error:
            return Check(name=url, ok=False, detail=type(error).__name__)
        return Check(name=url, ok=True)
