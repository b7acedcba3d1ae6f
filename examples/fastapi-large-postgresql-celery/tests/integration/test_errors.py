"""Every error reaches the client as RFC 9457 problem details, never as a stack trace."""

from fastapi import FastAPI
from httpx import AsyncClient

PROBLEM = "application/problem+json"


async def test_unknown_route_is_a_problem(client: AsyncClient) -> None:
    response = await client.get("/no-such-route")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/no-such-route",
    }


async def test_unexpected_error_hides_its_details(app: FastAPI, client: AsyncClient) -> None:
    def explode() -> None:
        msg = "secret internal state"
        raise RuntimeError(msg)

    app.add_api_route("/explode", explode)

    # The test client raises whatever escapes the app: the error ends with the response,
    # so a server keeps the client's connection open.
    response = await client.get("/explode", headers={"X-Request-ID": "req-500"})

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Internal Server Error"
    assert "secret internal state" not in response.text
    assert response.headers["X-Request-ID"] == "req-500"


async def test_wrong_method_lists_the_allowed_ones(client: AsyncClient) -> None:
    response = await client.post("/health/live")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Allow"] == "GET"


def test_the_schema_documents_every_error_as_problem_details(app: FastAPI) -> None:
    schema = app.openapi()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code[0] in {"4", "5"}:
                    assert list(response.get("content", {})) == [PROBLEM], (method, path, code)
                if code == "503":
                    # Every 503 tells the client when to come back.
                    assert "Retry-After" in response["headers"], (method, path)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status", "instance"}
    # FastAPI's own validation-error shape is never sent, so never documented.
    assert "HTTPValidationError" not in schema["components"]["schemas"]
