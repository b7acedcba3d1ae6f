"""Bad input to the items API gets a client error (4xx problem details), never a 500."""

import json
from typing import NamedTuple

import pytest
from httpx import AsyncClient

from app.models.items import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, Item

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}
ITEMS = "/api/v1/items"
# The sample item, whose id a test fills in.
ITEM = "/api/v1/items/{id}"
NUL = "\x00"
SURROGATE = "\ud800"
# One character past each column's length.
LONG_NAME = "x" * (NAME_MAX_LENGTH + 1)
LONG_DESCRIPTION = "x" * (DESCRIPTION_MAX_LENGTH + 1)
# A body past MAX_REQUEST_BODY_BYTES's default.
HUGE = b" " * 1_048_576 + b'{"name": "a"}'


def as_json(value: object) -> bytes:
    """JSON as a client may send it: json.dumps escapes a lone surrogate ("\\ud800")."""
    return json.dumps(value).encode()


class BadRequest(NamedTuple):
    method: str
    url: str
    status: int
    body: bytes | None = None
    content_type: str = "application/json"


CASES = {
    # Ids the id column cannot hold, and ids that are no numbers.
    "id-zero": BadRequest("GET", f"{ITEMS}/0", 422),
    "id-negative": BadRequest("GET", f"{ITEMS}/-1", 422),
    "id-2**31": BadRequest("GET", f"{ITEMS}/{2**31}", 422),
    "id-2**63": BadRequest("GET", f"{ITEMS}/{2**63}", 422),
    "id-10**30": BadRequest("GET", f"{ITEMS}/{10**30}", 422),
    "id-word": BadRequest("GET", f"{ITEMS}/abc", 422),
    "id-fraction": BadRequest("GET", f"{ITEMS}/1.5", 422),
    "id-2**31-patch": BadRequest("PATCH", f"{ITEMS}/{2**31}", 422, as_json({"name": "x"})),
    "id-negative-delete": BadRequest("DELETE", f"{ITEMS}/-1", 422),
    # Paging out of range.
    "limit-zero": BadRequest("GET", f"{ITEMS}?limit=0", 422),
    "limit-101": BadRequest("GET", f"{ITEMS}?limit=101", 422),
    "limit-word": BadRequest("GET", f"{ITEMS}?limit=ten", 422),
    "offset-negative": BadRequest("GET", f"{ITEMS}?offset=-1", 422),
    "offset-2**31": BadRequest("GET", f"{ITEMS}?offset={2**31}", 422),
    "offset-2**63": BadRequest("GET", f"{ITEMS}?offset={2**63}", 422),
    # Text a database cannot store, in every text field.
    **{
        f"{field}-{label}-{method.lower()}": BadRequest(
            method, ITEMS if method == "POST" else ITEM, 422, as_json({"name": "a", field: text})
        )
        for field in ("name", "description")
        for label, text in (("nul", f"a{NUL}b"), ("surrogate", f"a{SURROGATE}b"))
        for method in ("POST", "PATCH")
    },
    # Text past the column's length, or nothing left once stripped.
    "name-too-long": BadRequest("POST", ITEMS, 422, as_json({"name": LONG_NAME})),
    "name-too-long-patch": BadRequest("PATCH", ITEM, 422, as_json({"name": LONG_NAME})),
    "description-too-long": BadRequest(
        "POST", ITEMS, 422, as_json({"name": "a", "description": LONG_DESCRIPTION})
    ),
    "name-blank": BadRequest("POST", ITEMS, 422, as_json({"name": "   "})),
    # Wrong types, missing and unknown fields.
    "name-number": BadRequest("POST", ITEMS, 422, as_json({"name": 42})),
    "name-list": BadRequest("POST", ITEMS, 422, as_json({"name": ["a"]})),
    "description-number": BadRequest("POST", ITEMS, 422, as_json({"name": "a", "description": 1})),
    "name-null-patch": BadRequest("PATCH", ITEM, 422, as_json({"name": None})),
    "name-missing": BadRequest("POST", ITEMS, 422, as_json({})),
    "unknown-field": BadRequest("POST", ITEMS, 422, as_json({"name": "a", "colour": "red"})),
    "body-list": BadRequest("POST", ITEMS, 422, as_json([])),
    "body-string": BadRequest("POST", ITEMS, 422, as_json("a")),
    "body-null": BadRequest("POST", ITEMS, 422, as_json(None)),
    "body-missing": BadRequest("POST", ITEMS, 422),
    # Bodies that are no JSON at all, too large, or of another type.
    "json-cut-short": BadRequest("POST", ITEMS, 400, b'{"name": '),
    "json-trailing-data": BadRequest("POST", ITEMS, 400, b'{"name": "a"} {}'),
    "json-nested-10000-deep": BadRequest("POST", ITEMS, 400, b"[" * 10_000 + b"]" * 10_000),
    "body-over-the-limit": BadRequest("POST", ITEMS, 413, HUGE),
    "content-type-text": BadRequest("POST", ITEMS, 415, as_json({"name": "a"}), "text/plain"),
    "content-type-missing": BadRequest("POST", ITEMS, 415, as_json({"name": "a"}), ""),
    # Nowhere to go.
    "unknown-route": BadRequest("GET", "/api/v1/nothing", 404),
    "wrong-method": BadRequest("PUT", ITEMS, 405, as_json({"name": "a"})),
    "wrong-method-on-item": BadRequest("POST", ITEM, 405, as_json({"name": "a"})),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_bad_input_is_a_client_error(
    client: AsyncClient, sample_item: Item, case: BadRequest
) -> None:
    response = await client.request(
        case.method,
        case.url.format(id=sample_item.id),
        content=case.body,
        headers={"Content-Type": case.content_type} if case.content_type else {},
    )

    assert response.status_code == case.status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == case.status


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize("character", [NUL, SURROGATE], ids=["nul", "surrogate"])
async def test_text_a_database_cannot_store_is_refused_by_name(
    client: AsyncClient, field: str, character: str
) -> None:
    body = as_json({"name": "Widget", field: f"a{character}b"})
    response = await client.post(ITEMS, content=body, headers=JSON)

    assert response.status_code == 422
    assert [error["location"] for error in response.json()["errors"]] == [["body", field]]
