"""Bad input to the items API: always the 4xx that fits, as problem details, never a 500.

Ids are 1 to 2**31 - 1, a limit 1 to 100 and an offset 0 to 2**31 - 1; text is
a JSON string without what a database cannot store (NUL, lone surrogates);
bodies are JSON objects of known fields within the size limit.
"""

import json
from typing import Any

import pytest
from django.test import Client

from app.core.rest import MAX_ID
from app.models.items import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, Item

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items"
JSON = "application/json"
PROBLEM = "application/problem+json"
# Larger than the default MAX_REQUEST_BODY_BYTES (1 MiB) once encoded.
OVERSIZED = {"name": "x" * 1_048_576}


def call(
    method: str, url: str, body: Any = None, content_type: str = JSON
) -> tuple[str, str, str | bytes, str]:
    """A request's method, URL, body and content type; a body not yet text is JSON-encoded."""
    if body is None:
        return method, url, "", content_type
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return method, url, data, content_type


CASES = [
    # Ids in the path: 1 to MAX_ID, or a 422 (never a lookup, never a 500).
    pytest.param(*call("GET", f"{ITEMS}/0"), 422, id="id-zero"),
    pytest.param(*call("GET", f"{ITEMS}/-1"), 422, id="id-negative"),
    pytest.param(*call("GET", f"{ITEMS}/{MAX_ID + 1}"), 422, id="id-2**31"),
    pytest.param(*call("GET", f"{ITEMS}/{2**63}"), 422, id="id-2**63"),
    pytest.param(*call("GET", f"{ITEMS}/{10**30}"), 422, id="id-10**30"),
    pytest.param(*call("GET", f"{ITEMS}/abc"), 422, id="id-not-a-number"),
    pytest.param(*call("GET", f"{ITEMS}/1.5"), 422, id="id-fraction"),
    pytest.param(*call("GET", f"{ITEMS}/%00"), 422, id="id-nul"),
    pytest.param(*call("GET", f"{ITEMS}/{MAX_ID}"), 404, id="id-max-is-looked-up"),
    pytest.param(*call("PATCH", f"{ITEMS}/0", {"name": "x"}), 422, id="patch-id-zero"),
    pytest.param(*call("DELETE", f"{ITEMS}/{2**63}"), 422, id="delete-id-2**63"),
    # Paging: limit 1 to 100, offset 0 to MAX_ID.
    pytest.param(*call("GET", f"{ITEMS}?limit=0"), 422, id="limit-0"),
    pytest.param(*call("GET", f"{ITEMS}?limit=101"), 422, id="limit-101"),
    pytest.param(*call("GET", f"{ITEMS}?limit=many"), 422, id="limit-not-a-number"),
    pytest.param(*call("GET", f"{ITEMS}?offset=-1"), 422, id="offset-negative"),
    pytest.param(*call("GET", f"{ITEMS}?offset={MAX_ID + 1}"), 422, id="offset-2**31"),
    pytest.param(*call("GET", f"{ITEMS}?offset={10**30}"), 422, id="offset-10**30"),
    pytest.param(*call("GET", f"{ITEMS}?offset="), 422, id="offset-empty"),
    # Text a database cannot store, in each text field.
    pytest.param(*call("POST", ITEMS, {"name": "a\x00b"}), 422, id="name-nul"),
    pytest.param(*call("POST", ITEMS, {"name": "a\ud800b"}), 422, id="name-surrogate"),
    pytest.param(
        *call("POST", ITEMS, {"name": "ok", "description": "\x00"}), 422, id="description-nul"
    ),
    pytest.param(
        *call("POST", ITEMS, {"name": "ok", "description": "\udfff"}),
        422,
        id="description-surrogate",
    ),
    pytest.param(*call("PATCH", f"{ITEMS}/1", {"name": "\x00"}), 422, id="patch-name-nul"),
    # Wrong types, missing fields, strings past the column.
    pytest.param(*call("POST", ITEMS, {"name": True}), 422, id="name-boolean"),
    pytest.param(*call("POST", ITEMS, {"name": ["x"]}), 422, id="name-list"),
    pytest.param(*call("POST", ITEMS, {"name": {"x": 1}}), 422, id="name-object"),
    pytest.param(*call("POST", ITEMS, {"name": None}), 422, id="name-null"),
    pytest.param(
        *call("POST", ITEMS, {"name": "ok", "description": ["x"]}), 422, id="description-list"
    ),
    pytest.param(*call("POST", ITEMS, {"name": 1}), 422, id="name-number"),
    pytest.param(*call("POST", ITEMS, '{"name": 1e400}'), 422, id="name-infinite-number"),
    pytest.param(
        *call("POST", ITEMS, {"name": "ok", "description": 1}), 422, id="description-number"
    ),
    pytest.param(*call("POST", ITEMS, {}), 422, id="name-missing"),
    pytest.param(*call("POST", ITEMS, {"description": "x"}), 422, id="only-description"),
    pytest.param(
        *call("POST", ITEMS, {"name": "x" * (NAME_MAX_LENGTH + 1)}), 422, id="name-too-long"
    ),
    pytest.param(
        *call("POST", ITEMS, {"name": "ok", "description": "x" * (DESCRIPTION_MAX_LENGTH + 1)}),
        422,
        id="description-too-long",
    ),
    pytest.param(*call("POST", ITEMS, {"name": "ok", "colour": "red"}), 422, id="unknown-field"),
    pytest.param(*call("POST", ITEMS, {"name": "ok", "id": 2**63}), 422, id="id-in-the-body"),
    # Bodies that are no JSON object, or none at all.
    pytest.param(*call("POST", ITEMS), 422, id="post-without-a-body"),
    pytest.param(*call("PATCH", f"{ITEMS}/1"), 422, id="patch-without-a-body"),
    pytest.param(*call("POST", ITEMS, ["name"]), 422, id="body-a-list"),
    pytest.param(*call("POST", ITEMS, 42), 422, id="body-a-number"),
    pytest.param(*call("POST", ITEMS, "{not json"), 400, id="malformed-json"),
    pytest.param(*call("POST", ITEMS, '{"name": }'), 400, id="truncated-json"),
    pytest.param(*call("POST", ITEMS, b'{"name": "\xff"}'), 400, id="not-utf-8"),
    pytest.param(*call("POST", ITEMS, "[" * 10_000), 400, id="nested-10000-deep"),
    pytest.param(*call("POST", ITEMS, OVERSIZED), 413, id="body-over-the-limit"),
    pytest.param(*call("POST", ITEMS, "name=x", "text/plain"), 415, id="text-plain"),
    pytest.param(
        *call("POST", ITEMS, "name=x", "application/x-www-form-urlencoded"), 415, id="form"
    ),
    # Routes and methods the API does not have.
    pytest.param(*call("GET", "/api/v1/nothing"), 404, id="unknown-route"),
    pytest.param(*call("GET", f"{ITEMS}/1/extra"), 404, id="unknown-sub-route"),
    pytest.param(*call("PUT", f"{ITEMS}/1", {"name": "x"}), 405, id="put"),
    pytest.param(*call("DELETE", ITEMS), 405, id="delete-the-collection"),
]


@pytest.mark.parametrize(("method", "url", "data", "content_type", "status"), CASES)
def test_bad_input_is_a_problem(
    client: Client, method: str, url: str, data: str | bytes, content_type: str, status: int
) -> None:
    response = client.generic(method, url, data, content_type=content_type)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udfff"])
def test_the_problem_names_the_field_with_text_a_database_cannot_store(
    client: Client, sample_item: Item, field: str, text: str
) -> None:
    response = client.patch(
        f"{ITEMS}/{sample_item.pk}", json.dumps({field: text}), content_type=JSON
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["location"] == ["body", field]


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (f"{ITEMS}/0", ["path", "id"]),
        (f"{ITEMS}?limit=101", ["query", "limit"]),
        (f"{ITEMS}?offset=-1", ["query", "offset"]),
    ],
)
def test_the_problem_names_the_parameter_out_of_range(
    client: Client, url: str, location: list[str]
) -> None:
    response = client.get(url)

    [error] = response.json()["errors"]
    assert error["location"] == location


def test_the_largest_offset_is_an_empty_page(client: Client, sample_item: Item) -> None:
    response = client.get(ITEMS, {"offset": MAX_ID})

    assert response.status_code == 200
    assert response.json()["items"] == []
