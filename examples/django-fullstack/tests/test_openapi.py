"""The OpenAPI schema: it builds without warnings, documents every error as problem details,
and is served only with the docs on."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema as ``make openapi`` prints it: a warning fails the build."""
    out = StringIO()
    call_command(
        "spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn", stdout=out
    )
    built: dict[str, Any] = json.loads(out.getvalue())
    return built


def test_the_schema_documents_the_api(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/items", "/api/v1/items/{id}"} <= set(schema["paths"])
    assert "/api/schema/" not in schema["paths"]


def test_every_error_is_documented_as_problem_details(schema: dict[str, Any]) -> None:
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "instance"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {
                code: response
                for code, response in operation["responses"].items()
                # gunicorn's own 414 is an HTML page.
                if code[0] in "45" and code != "414"
            }
            assert {"406", "503"} <= set(errors), (method, path)
            for code, response in errors.items():
                assert list(response["content"]) == [PROBLEM], (method, path, code)


def test_ids_and_paging_are_documented_with_their_bounds(schema: dict[str, Any]) -> None:
    (item_id,) = schema["paths"]["/api/v1/items/{id}"]["get"]["parameters"]
    paging = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/items"]["get"]["parameters"]}

    assert item_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}
    assert paging["limit"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert paging["offset"] == {"type": "integer", "minimum": 0, "maximum": 2_147_483_647}


def test_request_bodies_refuse_unknown_fields_and_nul(schema: dict[str, Any]) -> None:
    body = schema["components"]["schemas"]["ItemRequest"]

    assert body["additionalProperties"] is False
    assert "\\u0000" in body["properties"]["name"]["pattern"]


@pytest.mark.parametrize(("enabled", "status"), [(True, 200), (False, 404)])
def test_the_schema_is_served_only_with_the_docs_on(
    client: Client, settings: Settings, enabled: bool, status: int
) -> None:
    settings.DOCS_ENABLED = enabled

    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == status
    if enabled:
        assert response.json()["info"]["title"] == "Acme Orders"
    else:
        assert response["Content-Type"] == PROBLEM
