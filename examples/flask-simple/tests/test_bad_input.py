"""Hostile and malformed requests to the items API: each one a 4xx problem, never a 500."""

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from items_models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, Item
from settings import Settings

PROBLEM = "application/problem+json"
ITEMS = "/api/v1/items"
NUL = "\x00"
LONE_SURROGATE = "\ud800"
AS_JSON = {"content_type": "application/json"}
# One character more than the column holds.
TOO_LONG_NAME = "x" * (NAME_MAX_LENGTH + 1)
TOO_LONG_DESCRIPTION = "x" * (DESCRIPTION_MAX_LENGTH + 1)


def case(
    label: str, method: str, path: str, status: int, location: str = "", **request: Any
) -> Any:
    """One bad request: what is sent, the status it earns and, for a 422, the field it names."""
    return pytest.param(method, path, request, status, location, id=label)


BAD_REQUESTS = [
    # Item ids: the id column holds 1 to 2**31 - 1; anything else is refused, not looked up.
    *(
        case(f"get-id-{item_id}", "GET", f"{ITEMS}/{item_id}", 422, "path.item_id")
        for item_id in ("0", "-1", str(2**31), str(2**63), str(10**30), "abc", "1.5", "%00")
    ),
    case("patch-id-0", "PATCH", f"{ITEMS}/0", 422, "path.item_id", json={}),
    case("delete-id-2**31", "DELETE", f"{ITEMS}/{2**31}", 422, "path.item_id"),
    # Paging: limit 1 to 100, offset 0 to 2**31 - 1.
    *(
        case(f"{name}-{value}", "GET", ITEMS, 422, f"query.{name}", query_string={name: value})
        for name, value in [
            ("limit", "0"),
            ("limit", "101"),
            ("limit", "ten"),
            ("offset", "-1"),
            ("offset", str(2**31)),
        ]
    ),
    # Text no database can store, in every text field of both bodies.
    *(
        case(f"{method}-{field}-{label}", method, path, 422, f"body.{field}", json=body)
        for method, path in [("POST", ITEMS), ("PATCH", f"{ITEMS}/1")]
        for field in ("name", "description")
        for label, text in [("nul", f"a{NUL}b"), ("lone-surrogate", f"a{LONE_SURROGATE}b")]
        for body in [{"name": "Widget", field: text}]
    ),
    # Wrong types, missing and unknown fields, text past the column's length.
    case("name-number", "POST", ITEMS, 422, "body.name", json={"name": 42}),
    case("name-null", "POST", ITEMS, 422, "body.name", json={"name": None}),
    case("name-list", "POST", ITEMS, 422, "body.name", json={"name": ["Widget"]}),
    case("body-list", "POST", ITEMS, 422, "body", json=[{"name": "Widget"}]),
    case("body-string", "POST", ITEMS, 422, "body", json="Widget"),
    case("name-missing", "POST", ITEMS, 422, "body.name", json={}),
    case("unknown-field", "POST", ITEMS, 422, "body.owner", json={"name": "W", "owner": 1}),
    case("name-too-long", "POST", ITEMS, 422, "body.name", json={"name": TOO_LONG_NAME}),
    case(
        "description-too-long",
        "POST",
        ITEMS,
        422,
        "body.description",
        json={"name": "Widget", "description": TOO_LONG_DESCRIPTION},
    ),
    # Bodies that are not JSON, or not JSON Python can read.
    case("malformed-json", "POST", ITEMS, 400, data='{"name": ', **AS_JSON),
    case("empty-json", "POST", ITEMS, 400, data="", **AS_JSON),
    case("not-utf-8", "POST", ITEMS, 400, data=b'{"name": "\xff"}', **AS_JSON),
    case("deep-list", "POST", ITEMS, 400, data="[" * 10_000, **AS_JSON),
    case("deep-object", "POST", ITEMS, 400, data='{"a":' * 10_000, **AS_JSON),
    case("form-body", "POST", ITEMS, 415, data={"name": "Widget"}),
    case("text-body", "POST", ITEMS, 415, data="name=Widget", content_type="text/plain"),
    # Routes and methods that do not exist.
    case("unknown-route", "GET", "/api/v1/itemz", 404),
    case("unknown-sub-route", "GET", f"{ITEMS}/1/parts", 404),
    case("put-not-allowed", "PUT", f"{ITEMS}/1", 405, json={"name": "Widget"}),
    case("delete-the-collection", "DELETE", ITEMS, 405),
]


@pytest.mark.parametrize(("method", "path", "request_args", "status", "location"), BAD_REQUESTS)
def test_bad_input_is_a_client_error_problem(
    client: FlaskClient,
    method: str,
    path: str,
    request_args: dict[str, Any],
    status: int,
    location: str,
) -> None:
    response = client.open(path, method=method, **request_args)

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    if location:
        locations = [".".join(error["location"]) for error in body["errors"]]
        assert location in locations


def test_a_body_over_the_limit_is_refused(client: FlaskClient, settings: Settings) -> None:
    name = "x" * settings.max_request_body_bytes

    response = client.post(ITEMS, data=json.dumps({"name": name}), content_type="application/json")

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.get_json()["status"] == 413


def test_bad_input_leaves_the_items_alone(client: FlaskClient, sample_item: Item) -> None:
    refused = client.patch(f"{ITEMS}/{sample_item.id}", json={"name": f"Bad{NUL}name"})
    assert refused.status_code == 422

    item = client.get(f"{ITEMS}/{sample_item.id}").get_json()
    assert item["name"] == sample_item.name
