"""Liveness, readiness and the request id, through the HTTP API."""

import time

import httpx
import pytest
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from tests.database import database_outage

pytestmark = pytest.mark.django_db

# Nothing listens on the discard port, so a probe of it fails at once.
UNREACHABLE_URL = "http://127.0.0.1:9/health"
# How long the database may take to answer again once it is back.
RECOVERY_SECONDS = 30


def test_liveness(client: Client) -> None:
    response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_each_check(client: Client) -> None:
    response = client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == [
        {"name": "database", "ok": True, "detail": None},
        {"name": "broker", "ok": True, "detail": None},
        {"name": "redis", "ok": True, "detail": None},
    ]


def test_readiness_fails_while_an_upstream_is_down(client: Client) -> None:
    with override_settings(READINESS_URLS=[UNREACHABLE_URL]):
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    failed = [check for check in response.json()["checks"] if not check["ok"]]
    assert [check["name"] for check in failed] == [UNREACHABLE_URL]


@pytest.mark.django_db(transaction=True)
def test_readiness_follows_the_database(live_server: LiveServer) -> None:
    """503 while the database is unreachable, 200 again once it is back: no restart.

    A real server in a thread: each request borrows a pooled connection and gives it
    back, as in production (the test client keeps one connection for the whole test).
    """
    url = f"{live_server.url}/health/ready"
    with httpx.Client(timeout=30) as http:
        assert http.get(url).status_code == 200

        with database_outage():
            down = http.get(url)

        deadline = time.monotonic() + RECOVERY_SECONDS
        while (back := http.get(url)).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)

    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    database, *others = down.json()["checks"]
    assert database == {"name": "database", "ok": False, "detail": "OperationalError"}
    assert all(check["ok"] for check in others)
    assert back.status_code == 200


def test_probes_only_answer_reads(client: Client) -> None:
    response = client.post("/health/live")

    assert response.status_code == 405


def test_request_id_is_echoed(client: Client) -> None:
    response = client.get("/health/live", headers={"X-Request-ID": "req-42"})

    assert response.headers["X-Request-ID"] == "req-42"


def test_unsafe_request_id_is_replaced(client: Client) -> None:
    response = client.get("/health/live", headers={"X-Request-ID": "bad id <script>"})

    request_id = response.headers["X-Request-ID"]
    assert request_id != "bad id <script>"
    assert len(request_id) == 32
