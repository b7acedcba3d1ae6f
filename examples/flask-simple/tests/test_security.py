"""Trusted hosts and the security headers, through the HTTP API."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr

from main import create_app
from settings import Settings

PROBLEM = "application/problem+json"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


@pytest.fixture
def production_app(settings: Settings) -> Flask:
    """The app as production configures it, serving api.example.com."""
    production = {
        "environment": "production",
        "secret_key": SecretStr("x" * 48),
        "allowed_hosts": ["api.example.com"],
    }
    return create_app(settings.model_copy(update=production))


@pytest.mark.parametrize("host", ["evil.example.com", "localhost.example.net", "api.example.com"])
def test_a_foreign_host_is_a_bad_request(client: FlaskClient, host: str) -> None:
    response = client.get("/health/live", headers={"Host": host})

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    body = response.get_json()
    assert body["status"] == 400
    assert host not in body["detail"]


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000"])
def test_a_local_host_is_served_in_development(client: FlaskClient, host: str) -> None:
    assert client.get("/health/live", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("host", "status"),
    [("api.example.com", 200), ("127.0.0.1:8000", 200), ("evil.example.com", 400)],
)
def test_production_serves_its_allowed_hosts_and_the_healthchecks(
    production_app: Flask, host: str, status: int
) -> None:
    response = production_app.test_client().get("/health/live", headers={"Host": host})

    assert response.status_code == status


@pytest.mark.parametrize("path", ["/health/live", "/no-such-route"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "Strict-Transport-Security" not in response.headers


def test_production_asks_for_https_only(production_app: Flask) -> None:
    response = production_app.test_client().get("/health/live", headers={"Host": "api.example.com"})

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_openapi_schema_is_served_when_docs_are_enabled(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"docs_enabled": True}))

    response = app.test_client().get("/openapi.json")

    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")
    # No docs page: the schema alone, under the same strict policy as every response.
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_openapi_schema_is_not_served_when_docs_are_disabled(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"docs_enabled": False}))

    response = app.test_client().get("/openapi.json")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
