"""The guards around every request: trusted hosts, request bodies, security headers, API docs."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.settings import Settings
from tests.conftest import ClientFactory

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture
def echo(app: FastAPI) -> str:
    """The path of a route that reads a JSON object, as every write endpoint does."""

    def echo(payload: dict[str, int]) -> dict[str, int]:
        return payload

    app.add_api_route("/echo", echo, methods=["POST"])
    return "/echo"


async def test_a_foreign_host_is_refused(client: AsyncClient) -> None:
    response = await client.get("/openapi.json", headers={"Host": "attacker.example"})

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 400


async def test_an_allowed_host_may_name_a_port(client: AsyncClient) -> None:
    response = await client.get("/openapi.json", headers={"Host": "testserver:8000"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("host", "status"), [("api.example.com", 200), ("127.0.0.1:8000", 200), ("testserver", 400)]
)
async def test_only_the_allowed_hosts_and_loopback_are_served(
    settings: Settings, client_for: ClientFactory, host: str, status: int
) -> None:
    """Loopback stays allowed: the container's healthchecks call 127.0.0.1."""
    settings = settings.model_copy(update={"allowed_hosts": ["api.example.com"]})
    async with client_for(settings) as client:
        response = await client.get("/health/live", headers={"Host": host})

    assert response.status_code == status


@pytest.mark.parametrize("path", ["/health/live", "/no-such-route"])
async def test_every_response_carries_the_security_headers(client: AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY
    assert "Strict-Transport-Security" not in response.headers


async def test_the_docs_page_may_load_its_scripts(client: AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_production_adds_strict_transport_security(
    settings: Settings, client_for: ClientFactory
) -> None:
    settings = settings.model_copy(update={"environment": "production"})
    async with client_for(settings) as client:
        response = await client.get("/health/live")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
async def test_the_docs_can_be_turned_off(
    settings: Settings, client_for: ClientFactory, path: str
) -> None:
    settings = settings.model_copy(update={"docs_enabled": False})
    async with client_for(settings) as client:
        response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


async def test_a_json_body_within_the_limit_is_read(client: AsyncClient, echo: str) -> None:
    response = await client.post(echo, json={"a": 1})

    assert response.status_code == 200
    assert response.json() == {"a": 1}


async def test_a_declared_body_over_the_limit_is_refused(
    client: AsyncClient, echo: str, settings: Settings
) -> None:
    body = b"{}".ljust(settings.max_request_body_bytes + 1)
    response = await client.post(echo, content=body, headers=JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 413


async def test_a_streamed_body_over_the_limit_is_refused(
    client: AsyncClient, echo: str, settings: Settings
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        # A body without a Content-Length, as a client streams it.
        yield b'{"a": '
        yield b" " * settings.max_request_body_bytes
        yield b"1}"

    response = await client.post(echo, content=chunks(), headers=JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 413


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}, {}],
    ids=["text", "form", "none"],
)
async def test_a_body_that_is_not_json_is_refused(
    client: AsyncClient, echo: str, headers: dict[str, str]
) -> None:
    response = await client.post(echo, content=b'{"a": 1}', headers=headers)

    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 415


@pytest.mark.parametrize(
    "body", [b'{"a": ', b'{"a": 1} and more', b"[" * 10_000], ids=["cut-short", "trailing", "deep"]
)
async def test_malformed_json_is_a_bad_request(client: AsyncClient, echo: str, body: bytes) -> None:
    response = await client.post(echo, content=body, headers=JSON)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 400
