"""The Pydantic boundary: what views declare is validated, refused as a 422 naming its place,
and documented; responses are shaped by Pydantic."""

import json
from http import HTTPStatus
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from flask_openapi3.blueprint import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from errors import ProblemDetailsAPI
from validation import (
    MAX_JSON_DEPTH,
    NestedTooDeeplyError,
    json_response,
    no_content,
    read_json_body,
)


class Greeting(BaseModel):
    name: str = Field(min_length=1)
    times: int = Field(default=1, ge=1)


class GreetingPath(BaseModel):
    name: str = Field(min_length=1)
    times: int = Field(ge=1)


class Anything(BaseModel):
    value: Any


class Traced(BaseModel):
    model_config = ConfigDict(frozen=True)

    trace_id: str | None = Field(default=None, alias="X-Trace-Id", max_length=8)


@pytest.fixture
def client(app: ProblemDetailsAPI) -> FlaskClient:
    """The app, with views that declare each part of a request they read."""
    greetings = APIBlueprint("greetings", __name__, url_prefix="/greetings")

    @greetings.post("")
    def from_the_body(body: Greeting) -> Response:
        return json_response(body, HTTPStatus.CREATED)

    @greetings.get("")
    def from_the_query(query: Greeting) -> Response:
        return json_response(query)

    @greetings.get("/<name>/<times>")
    def from_the_path(path: GreetingPath) -> Response:
        return json_response(path)

    @greetings.get("/traced")
    def from_the_headers(header: Traced) -> Response:
        return json_response(header)

    app.register_api(greetings)
    return app.test_client()


def locations(response: Any) -> list[list[str]]:
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    return [error["location"] for error in response.get_json()["errors"]]


def test_a_body_is_validated(client: FlaskClient) -> None:
    response = client.post("/greetings", json={"name": "Ada", "times": 2})

    assert response.status_code == 201
    assert response.get_json() == {"name": "Ada", "times": 2}


def test_a_body_reports_every_field_error(client: FlaskClient) -> None:
    response = client.post("/greetings", json={"name": "", "times": 0})

    assert locations(response) == [["body", "name"], ["body", "times"]]


@pytest.mark.parametrize("body", [["Ada"], "Ada", '{"name": "Ada"}', 1, None])
def test_a_body_must_be_an_object(client: FlaskClient, body: Any) -> None:
    # Not even a JSON string that holds an object: the body is read once, strictly.
    response = client.post("/greetings", data=json.dumps(body), content_type="application/json")

    assert locations(response) == [["body"]]


def test_a_query_string_is_converted(client: FlaskClient) -> None:
    response = client.get("/greetings", query_string={"name": "Ada", "times": "3"})

    assert response.get_json() == {"name": "Ada", "times": 3}


def test_a_query_string_reports_the_parameter(client: FlaskClient) -> None:
    response = client.get("/greetings", query_string={"times": "0"})

    assert locations(response) == [["query", "name"], ["query", "times"]]


def test_a_query_parameter_given_twice_is_refused(client: FlaskClient) -> None:
    response = client.get("/greetings?name=Ada&times=1&times=abc")

    assert response.status_code == 422
    assert locations(response) == [["query", "times"]]


def test_url_variables_are_converted(client: FlaskClient) -> None:
    assert client.get("/greetings/Ada/2").get_json() == {"name": "Ada", "times": 2}


def test_url_variables_report_the_variable(client: FlaskClient) -> None:
    assert locations(client.get("/greetings/Ada/many")) == [["path", "times"]]


def test_headers_are_read_by_their_alias(client: FlaskClient) -> None:
    response = client.get("/greetings/traced", headers={"x-trace-id": "abc"})

    assert response.get_json() == {"trace_id": "abc"}
    assert client.get("/greetings/traced").get_json() == {"trace_id": None}


def test_headers_report_the_header(client: FlaskClient) -> None:
    response = client.get("/greetings/traced", headers={"X-Trace-Id": "far-too-long"})

    assert locations(response) == [["header", "X-Trace-Id"]]


def test_the_schema_documents_each_part(app: ProblemDetailsAPI, client: FlaskClient) -> None:
    paths = app.api_doc["paths"]

    assert "requestBody" in paths["/greetings"]["post"]
    assert {parameter["in"] for parameter in paths["/greetings"]["get"]["parameters"]} == {"query"}
    assert {
        parameter["name"] for parameter in paths["/greetings/{name}/{times}"]["get"]["parameters"]
    } == {"name", "times"}
    [header] = paths["/greetings/traced"]["get"]["parameters"]
    assert (header["in"], header["name"]) == ("header", "X-Trace-Id")


def nested(depth: int) -> Any:
    """A list ``depth`` levels deep, with one object at the bottom: ``[[{"a": 1}]]``."""
    value: Any = {"a": 1}
    for _ in range(depth - 1):
        value = [value]
    return value


def test_a_body_may_nest_up_to_the_limit(app: Flask) -> None:
    body = {"value": nested(MAX_JSON_DEPTH - 1)}

    with app.test_request_context(json=body):
        assert read_json_body() == body


def test_a_body_may_not_nest_past_the_limit(app: Flask) -> None:
    with (
        app.test_request_context(json={"value": nested(MAX_JSON_DEPTH)}),
        pytest.raises(NestedTooDeeplyError),
    ):
        read_json_body()


def test_json_response_serialises_the_model(app: Flask) -> None:
    with app.test_request_context():
        response = json_response(Greeting(name="Ada"), HTTPStatus.CREATED)

    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.get_json() == {"name": "Ada", "times": 1}


def test_no_content_has_neither_body_nor_content_type(app: Flask) -> None:
    with app.test_request_context():
        response = no_content()

    assert response.status_code == 204
    assert response.data == b""
    assert "Content-Type" not in response.headers
