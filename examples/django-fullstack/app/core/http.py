"""Outbound HTTP: one client per use, explicit timeouts, retries."""

from http import HTTPStatus

import httpx
from django.conf import settings
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

# Answers that say "try again later"; every other 4xx will never succeed.
RETRY_LATER_STATUSES = frozenset(
    {
        HTTPStatus.REQUEST_TIMEOUT,
        HTTPStatus.TOO_EARLY,
        HTTPStatus.TOO_MANY_REQUESTS,
    }
)


def is_transient(status: int) -> bool:
    """Whether an answer with ``status`` may succeed when the request is sent again later."""
    return status in RETRY_LATER_STATUSES or status >= HTTPStatus.INTERNAL_SERVER_ERROR


def _worth_retrying(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return is_transient(error.response.status_code)
    return isinstance(error, httpx.TransportError)


def build_http_client() -> httpx.AsyncClient:
    """A client with the project's timeout; use it as a context manager."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.HTTP_TIMEOUT_SECONDS),
        headers={"User-Agent": "acme-orders"},
        follow_redirects=False,
    )


@retry(
    retry=retry_if_exception(_worth_retrying),
    stop=stop_after_attempt(3),
    wait=wait_exponential_jitter(multiplier=0.1, max=2, jitter=0.1),
    reraise=True,
)
async def get_ok(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """GET ``url`` and raise ``httpx.HTTPStatusError`` unless it answers 2xx."""
    response = await client.get(url)
    return response.raise_for_status()
