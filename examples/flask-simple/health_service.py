"""Readiness: can this instance serve traffic? Every dependency must answer."""

import httpx
import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from database import ping
from errors import ServiceUnavailableError
from health_schemas import Check, Readiness
from http_client import get_ok

logger = structlog.stdlib.get_logger(__name__)


class HealthService:
    def __init__(
        self,
        database: Engine,
        http_client: httpx.Client,
        upstream_urls: list[str],
    ) -> None:
        self._database = database
        self._http_client = http_client
        self._upstream_urls = upstream_urls

    def readiness(self) -> Readiness:
        """All checks, or ``ServiceUnavailableError`` listing them when one fails."""
        checks = [self._check_database()]
        checks += [self._check_upstream(url) for url in self._upstream_urls]
        if not all(check.ok for check in checks):
            failed = [check.name for check in checks if not check.ok]
            logger.warning("not_ready", failed=failed)
            raise ServiceUnavailableError(
                "A dependency is unavailable.",
                checks=[check.model_dump() for check in checks],
            )
        return Readiness(checks=checks)

    def _check_database(self) -> Check:
        try:
            ping(self._database)
        except (SQLAlchemyError, OSError) as error:
            return Check(name="database", ok=False, detail=type(error).__name__)
        return Check(name="database", ok=True)

    def _check_upstream(self, url: str) -> Check:
        try:
            get_ok(self._http_client, url)
        except httpx.HTTPError as error:
            return Check(name=url, ok=False, detail=type(error).__name__)
        return Check(name=url, ok=True)
