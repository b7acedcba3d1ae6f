"""The shared outbound HTTP client: one connection pool, explicit timeouts."""

import weakref

import httpx
from flask import Flask, current_app

from settings import Settings


def build_http_client(settings: Settings) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(settings.http_timeout_seconds),
        headers={"User-Agent": "acme-orders"},
        follow_redirects=False,
    )


def init_http_client(app: Flask, settings: Settings) -> None:
    """One client (and connection pool) per app, shared by its worker threads."""
    client = build_http_client(settings)
    app.extensions["http_client"] = client
    # Flask has no shutdown hook: close the pool when the app is garbage
    # collected or, at the latest, when the process exits.
    weakref.finalize(app, client.close)


def current_http_client() -> httpx.Client:
    """The shared client of the application handling the current request."""
    client: httpx.Client = current_app.extensions["http_client"]
    return client


def get_ok(client: httpx.Client, url: str) -> httpx.Response:
    """GET ``url`` and raise ``httpx.HTTPStatusError`` unless it answers 2xx."""
    response = client.get(url)
    return response.raise_for_status()
