"""Security headers on every response; a foreign Host and an oversized body are 4xx problems."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from acme_orders.core.security import ContentSecurityPolicyMiddleware

PROBLEM = "application/problem+json"
JSON = "application/json"
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = "default-src 'self'; frame-ancestors 'none'"


@pytest.mark.parametrize("url", ["/health/live", "/no-such-route"])
def test_json_responses_carry_the_security_headers(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == API_POLICY
    # Only production sends HSTS (test_settings checks its max-age).
    assert "Strict-Transport-Security" not in response.headers


def test_the_middleware_gives_html_the_page_policy(rf: RequestFactory) -> None:
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())

    response = middleware.process_response(rf.get("/"), HttpResponse("<p>A page</p>"))

    assert response.headers["Content-Security-Policy"] == PAGE_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/"])
def test_html_pages_may_load_what_the_site_serves(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert response["content-type"].startswith("text/html")
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
    SECURE_HSTS_PRELOAD=False,
)
def test_https_responses_carry_hsts_where_it_is_set(client: Client) -> None:
    response = client.get("/health/live", secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.1:80@evil"])
def test_a_foreign_host_is_a_bad_request(client: Client, host: str) -> None:
    response = client.get("/health/live", headers={"Host": host})

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 400


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=64)
def test_a_body_over_the_limit_is_refused_before_any_view(client: Client) -> None:
    # The probe takes no POST: only the limit can answer first.
    response = client.post("/health/live", "x" * 65, content_type=JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 413
    assert response.json()["detail"] == "The request body is larger than 64 bytes."


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=64)
@pytest.mark.parametrize("content_length", ["64", "many"])
def test_a_body_within_the_limit_reaches_the_view(client: Client, content_length: str) -> None:
    # A malformed Content-Length reads as no body at all, as the server reads it.
    response = client.post(
        "/health/live", "x" * 64, content_type=JSON, CONTENT_LENGTH=content_length
    )

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
