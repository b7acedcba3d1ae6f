"""The items API over HTTP: CRUD, paging, validation, conflicts, and a database that is down."""

import sqlite3
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import make_url
from structlog.testing import capture_logs
from werkzeug.test import TestResponse

from items_models import Item
from main import create_app
from settings import Settings

PROBLEM = "application/problem+json"
UNAVAILABLE = "The database is unavailable; retry shortly."


def test_create_read_update_delete(client: FlaskClient) -> None:
    created = client.post("/api/v1/items", json={"name": "Widget", "description": "Blue"})
    assert created.status_code == 201
    item = created.get_json()
    assert item["name"] == "Widget"
    assert item["description"] == "Blue"

    fetched = client.get(f"/api/v1/items/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.get_json() == item

    updated = client.patch(f"/api/v1/items/{item['id']}", json={"name": "Gadget"})
    assert updated.status_code == 200
    assert updated.get_json()["name"] == "Gadget"
    assert updated.get_json()["description"] == "Blue"

    deleted = client.delete(f"/api/v1/items/{item['id']}")
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert "Content-Type" not in deleted.headers

    gone = client.get(f"/api/v1/items/{item['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == PROBLEM
    assert gone.get_json()["detail"] == f"Item {item['id']} does not exist."


def test_a_request_is_logged_with_its_route(client: FlaskClient, sample_item: Item) -> None:
    with capture_logs() as logs:
        client.get(f"/api/v1/items/{sample_item.id}")

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    # The route a log system groups by; the path names the one item.
    assert entry["route"] == "/api/v1/items/<item_id>"
    assert entry["path"] == f"/api/v1/items/{sample_item.id}"
    assert entry["log_level"] == "info"


def test_list_is_paged(client: FlaskClient) -> None:
    for name in ("a", "b", "c"):
        client.post("/api/v1/items", json={"name": name})

    response = client.get("/api/v1/items", query_string={"limit": 2, "offset": 1})

    assert response.status_code == 200
    page = response.get_json()
    assert [item["name"] for item in page["items"]] == ["b", "c"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


def test_duplicate_name_is_a_conflict(client: FlaskClient, sample_item: Item) -> None:
    response = client.post("/api/v1/items", json={"name": sample_item.name})

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.get_json()["title"] == "Conflict"


def test_invalid_body_lists_field_errors(client: FlaskClient) -> None:
    response = client.post("/api/v1/items", json={"name": "", "colour": "red"})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    locations = {tuple(error["location"]) for error in response.get_json()["errors"]}
    assert locations == {("body", "name"), ("body", "colour")}


def test_paging_limits_are_validated(client: FlaskClient) -> None:
    response = client.get("/api/v1/items", query_string={"limit": 1000})

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["location"] == ["query", "limit"]


def test_an_item_id_the_column_cannot_hold_is_refused(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/items/{2**31}")

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.get_json()["errors"][0]["location"] == ["path", "item_id"]


def test_an_unknown_item_id_is_not_found(client: FlaskClient) -> None:
    response = client.get(f"/api/v1/items/{2**31 - 1}")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def assert_unavailable(response: TestResponse) -> None:
    """A 503 problem the client may retry after the pause it names."""
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == UNAVAILABLE


@pytest.fixture
def locked_database(database_url: str) -> Iterator[sqlite3.Connection]:
    """Another connection holds the database's exclusive lock until it commits."""
    connection = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    yield connection
    connection.close()


def test_a_database_locked_past_the_busy_timeout_is_a_503_until_it_is_free(
    settings: Settings, locked_database: sqlite3.Connection
) -> None:
    """The same app answers again once the lock is released: no restart."""
    app = create_app(settings.model_copy(update={"database_statement_timeout_seconds": 0.1}))
    client = app.test_client()

    assert_unavailable(client.get("/api/v1/items"))
    assert_unavailable(client.post("/api/v1/items", json={"name": "Widget"}))

    locked_database.execute("COMMIT")
    assert client.get("/api/v1/items").status_code == 200


def test_a_request_that_waits_past_the_pool_timeout_is_a_503(settings: Settings) -> None:
    update = {
        "database_pool_size": 1,
        "database_max_overflow": 0,
        "database_pool_timeout_seconds": 0.1,
    }
    app = create_app(settings.model_copy(update=update))
    client = app.test_client()

    with app.extensions["sessionmaker"]() as busy:
        busy.connection()  # the pool's only connection
        assert_unavailable(client.get("/api/v1/items"))

    assert client.get("/api/v1/items").status_code == 200
