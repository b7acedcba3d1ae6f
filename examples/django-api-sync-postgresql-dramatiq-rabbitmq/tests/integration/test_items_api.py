"""The items API over HTTP: CRUD, paging, validation, conflicts and a database that is down."""

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from pytest_django.live_server_helper import LiveServer
from structlog.testing import capture_logs

from acme_orders.items.models import Item
from tests.database import database_outage

pytestmark = pytest.mark.django_db

JSON = "application/json"
PROBLEM = "application/problem+json"
DATABASE_UNAVAILABLE = "The database is unavailable; retry shortly."
# How long the database may take to answer again once it is back.
RECOVERY_SECONDS = 30


def test_create_read_update_delete(client: Client) -> None:
    created = client.post(
        "/api/v1/items", {"name": "Widget", "description": "Blue"}, content_type=JSON
    )
    assert created.status_code == 201
    item = created.json()
    assert (item["name"], item["description"]) == ("Widget", "Blue")

    fetched = client.get(f"/api/v1/items/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == item

    updated = client.patch(f"/api/v1/items/{item['id']}", {"name": "Gadget"}, content_type=JSON)
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["description"]) == ("Gadget", "Blue")

    deleted = client.delete(f"/api/v1/items/{item['id']}")
    assert deleted.status_code == 204

    gone = client.get(f"/api/v1/items/{item['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == PROBLEM
    assert gone.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": f"Item {item['id']} does not exist.",
        "instance": f"/api/v1/items/{item['id']}",
    }


def test_a_request_is_logged_with_its_route(client: Client, sample_item: Item) -> None:
    with capture_logs() as logs:
        client.get(f"/api/v1/items/{sample_item.pk}")

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    # The route a log system groups by; the path names the one item.
    assert entry["route"] == "/api/v1/items/<str:pk>"
    assert entry["path"] == f"/api/v1/items/{sample_item.pk}"
    assert entry["log_level"] == "info"


def test_list_is_paged(client: Client) -> None:
    for name in ("a", "b", "c"):
        client.post("/api/v1/items", {"name": name}, content_type=JSON)

    response = client.get("/api/v1/items", {"limit": 2, "offset": 1})

    assert response.status_code == 200
    page = response.json()
    assert [item["name"] for item in page["items"]] == ["b", "c"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


def test_duplicate_name_is_a_conflict(client: Client, sample_item: Item) -> None:
    response = client.post("/api/v1/items", {"name": sample_item.name}, content_type=JSON)

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Conflict"


def test_invalid_body_lists_field_errors(client: Client) -> None:
    response = client.post(
        "/api/v1/items", {"name": "", "description": "x" * 1001}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    locations = {tuple(error["location"]) for error in response.json()["errors"]}
    assert locations == {("body", "name"), ("body", "description")}


def test_name_cannot_be_cleared(client: Client, sample_item: Item) -> None:
    response = client.patch(f"/api/v1/items/{sample_item.pk}", {"name": None}, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "null"


def test_malformed_json_is_a_bad_request(client: Client) -> None:
    response = client.post("/api/v1/items", "{not json", content_type=JSON)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


def test_replacing_a_whole_item_is_not_offered(client: Client, sample_item: Item) -> None:
    response = client.put(f"/api/v1/items/{sample_item.pk}", {"name": "New"}, content_type=JSON)

    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "PUT" not allowed.'


def test_browsers_get_the_browsable_api(client: Client, sample_item: Item) -> None:
    response = client.get("/api/v1/items", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response["content-type"].startswith("text/html")
    assert sample_item.name in response.text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/api/v1/items", {}),
        ("GET", "/api/v1/items/1", {}),
        ("POST", "/api/v1/items", {"name": "Widget"}),
        ("PATCH", "/api/v1/items/1", {"name": "Gadget"}),
        ("DELETE", "/api/v1/items/1", {}),
    ],
)
def test_a_database_that_does_not_answer_is_a_503(
    client: Client, error: type[Exception], method: str, url: str, body: dict[str, str]
) -> None:
    def unavailable(execute: Callable[..., Any], *args: Any) -> Any:
        raise error

    with connection.execute_wrapper(unavailable):
        response = client.generic(method, url, json.dumps(body), content_type=JSON)

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Retry-After"] == "5"
    assert response.json()["detail"] == DATABASE_UNAVAILABLE


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_while_the_database_is_down_then_recovers(
    live_server: LiveServer,
) -> None:
    """A real server in a thread, as in production: no restart between outage and recovery."""
    url = f"{live_server.url}/api/v1/items"
    with httpx.Client(timeout=30) as http:
        assert http.get(url).status_code == 200

        with database_outage():
            down = http.get(url)

        deadline = time.monotonic() + RECOVERY_SECONDS
        while (back := http.get(url)).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)

    assert down.status_code == 503
    assert down.headers["content-type"] == PROBLEM
    assert down.headers["Retry-After"] == "5"
    assert down.json()["detail"] == DATABASE_UNAVAILABLE
    assert back.status_code == 200
