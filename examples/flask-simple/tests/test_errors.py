"""Every error reaches the client as RFC 9457 problem details, never as a stack trace."""

import io
from typing import NoReturn

import pytest
from flask import Response
from flask.testing import FlaskClient
from flask_openapi3.blueprint import APIBlueprint
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from errors import ConflictError, ProblemDetailsAPI
from main import create_app
from settings import Settings
from validation import json_response

PROBLEM = "application/problem+json"


class Greeting(BaseModel):
    name: str = Field(min_length=1)


@pytest.fixture
def client(app: ProblemDetailsAPI) -> FlaskClient:
    """The app, with a few routes that fail on purpose."""
    greetings = APIBlueprint("greetings", __name__)

    @greetings.post("/greet")
    def greet(body: Greeting) -> Response:
        return json_response(body)

    def conflict() -> NoReturn:
        msg = "Ada is already here."
        raise ConflictError(msg, name="Ada")

    def explode() -> NoReturn:
        msg = "secret internal state"
        raise RuntimeError(msg)

    def database_error(kind: str) -> NoReturn:
        # What SQLAlchemy raises: the driver's error (its message naming the server) wrapped.
        driver_error = Exception("connection to server at db.internal failed")
        if kind == "refused":
            raise OperationalError("SELECT 1", {}, driver_error)
        if kind == "lost":
            raise DBAPIError("SELECT 1", {}, driver_error, connection_invalidated=True)
        if kind == "pool-timeout":
            msg = "QueuePool limit of size 5 overflow 10 reached"
            raise PoolTimeoutError(msg)
        raise ProgrammingError("SELECT nonsense", {}, driver_error)

    app.register_api(greetings)
    app.add_url_rule("/conflict", view_func=conflict)
    app.add_url_rule("/explode", view_func=explode)
    app.add_url_rule("/database/<kind>", view_func=database_error)
    return app.test_client()


def test_unknown_route_is_a_problem(client: FlaskClient) -> None:
    response = client.get("/no-such-route")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.get_json()
    assert {key: body[key] for key in ("type", "title", "status", "instance")} == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/no-such-route",
    }
    assert body["detail"]


def test_wrong_method_is_a_problem_that_lists_the_allowed_ones(client: FlaskClient) -> None:
    response = client.delete("/health/live")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert "GET" in response.headers["Allow"]


def test_the_schema_documents_every_error_as_problem_details(app: ProblemDetailsAPI) -> None:
    schema = app.api_doc

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code[0] in {"4", "5"}:
                    assert list(response["content"]) == [PROBLEM], (method, path, code)
                if code == "503":
                    # Every 503 tells the client when to come back.
                    assert "Retry-After" in response["headers"], (method, path)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status", "instance"}
    # flask-openapi3's own validation-error shape is never sent, so never documented.
    assert "ValidationErrorModel" not in schema["components"]["schemas"]


def test_the_schema_documents_422_only_where_there_is_something_to_validate(
    app: ProblemDetailsAPI,
) -> None:
    live = app.api_doc["paths"]["/health/live"]["get"]

    assert "422" not in live["responses"]


def test_domain_error_keeps_its_status_detail_and_extensions(client: FlaskClient) -> None:
    response = client.get("/conflict")

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    body = response.get_json()
    assert (body["title"], body["detail"]) == ("Conflict", "Ada is already here.")
    assert body["name"] == "Ada"


def test_invalid_body_lists_field_errors(client: FlaskClient) -> None:
    response = client.post("/greet", json={"name": ""})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    [error] = response.get_json()["errors"]
    assert error["location"] == ["body", "name"]
    assert error["type"] == "string_too_short"


def test_malformed_json_is_a_bad_request(client: FlaskClient) -> None:
    response = client.post("/greet", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_too_deeply_is_a_bad_request(client: FlaskClient, opening: str) -> None:
    response = client.post("/greet", data=opening * 10_000, content_type="application/json")

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert "nests lists or objects more than" in response.get_json()["detail"]


def test_a_body_that_is_not_json_is_refused(client: FlaskClient) -> None:
    response = client.post("/greet", data="name=Ada", content_type="text/plain")

    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM


def test_a_body_over_the_limit_is_refused(client: FlaskClient, settings: Settings) -> None:
    body = b"x" * (settings.max_request_body_bytes + 1)

    response = client.post("/greet", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.get_json()["status"] == 413


@pytest.mark.parametrize("size", ["at", "past"])
def test_a_streamed_body_is_held_to_the_limit(
    client: FlaskClient, settings: Settings, size: str
) -> None:
    """A chunked body has no Content-Length to refuse up front: it is cut off at the limit."""
    padding = settings.max_request_body_bytes - len('{"name": "Ada"}') + (size == "past")
    body = io.BytesIO(b'{"name": "Ada"}' + b" " * padding)

    response = client.post(
        "/greet",
        input_stream=body,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        # What gunicorn says of every body it reads, chunked ones included.
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == (200 if size == "at" else 413)


def test_the_body_limit_is_a_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_request_body_bytes": 16}))

    assert app.config["MAX_CONTENT_LENGTH"] == 16


def test_unexpected_error_hides_its_details(client: FlaskClient) -> None:
    response = client.get("/explode")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.get_json()["title"] == "Internal Server Error"
    assert "secret internal state" not in response.text


@pytest.mark.parametrize("kind", ["refused", "lost", "pool-timeout"])
def test_an_unavailable_database_is_a_503_to_retry(client: FlaskClient, kind: str) -> None:
    response = client.get(f"/database/{kind}")

    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert (body["status"], body["detail"]) == (503, "The database is unavailable; retry shortly.")
    assert "db.internal" not in response.text


def test_any_other_database_error_is_a_500_that_hides_it(client: FlaskClient) -> None:
    response = client.get("/database/bug")

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "SELECT" not in response.text
    assert "db.internal" not in response.text
