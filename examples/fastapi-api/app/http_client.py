"""The shared outbound HTTP client: one connection pool, explicit timeouts, retries."""

from http import HTTPStatus

import httpx
from fastapi import Request
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from app.settings import Settings

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


def build_http_client(settings: Settings) -> httpx.AsyncClient:
    """Created once by the app's lifespan and closed with it."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.http_timeout_seconds),
        headers={"User-Agent": "acme-orders"},
        follow_redirects=False,
    )


def http_client_from(request: Request) -> httpx.AsyncClient:
    """The shared client of the application serving this request."""
    client: httpx.AsyncClient = request.app.state.http_client
    return client


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
