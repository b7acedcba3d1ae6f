"""Outbound HTTP: one client per use, explicit timeouts, retries."""

import httpx
from django.conf import settings
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

# Statuses worth another try: rate limiting and temporary upstream failures.
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in TRANSIENT_STATUSES
    return isinstance(error, httpx.TransportError)


def build_http_client() -> httpx.AsyncClient:
    """A client with the project's timeout; use it as a context manager."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.HTTP_TIMEOUT_SECONDS),
        headers={"User-Agent": "acme-orders"},
        follow_redirects=False,
    )


@retry(
    retry=retry_if_exception(_is_transient),
    stop=stop_after_attempt(3),
    wait=wait_exponential_jitter(multiplier=0.1, max=2, jitter=0.1),
    reraise=True,
)
async def get_ok(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """GET ``url`` and raise ``httpx.HTTPStatusError`` unless it answers 2xx."""
    response = await client.get(url)
    return response.raise_for_status()
