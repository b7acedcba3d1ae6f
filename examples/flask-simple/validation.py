"""Pydantic at the HTTP boundary: bodies, query strings, URL variables and headers in, JSON out.

Views declare what they read as parameters typed with Pydantic models, named for where
each comes from (``path``, ``query``, ``header``, ``body``): flask-openapi3 validates
them and documents them in the OpenAPI schema, and a part that does not match is a
422 problem listing every field error (see ``errors.ProblemDetailsAPI``). A query
parameter given twice is a 422 too (the model would see only one of its values). A body
is read here first, so that one that is not JSON is refused before validation: 415 for
another content type, 400 for malformed JSON or JSON nested deeper than
``MAX_JSON_DEPTH``, 413 above the ``max_request_body_bytes`` setting. Views answer
with :func:`json_response` or :func:`no_content`.
"""

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from errors import RequestValidationError, declared_parameters

# Lists and objects nested deeper than this are refused: far more than any body here
# needs, far less than what would exhaust Python's recursion wherever the data goes next.
MAX_JSON_DEPTH = 100


class NestedTooDeeplyError(BadRequest):
    description = f"The JSON body nests lists or objects more than {MAX_JSON_DEPTH} levels deep."


def install_body_parsing(app: Flask) -> None:
    """Before validation: refuse a repeated query parameter, and read a declared JSON body."""
    app.before_request(_refuse_repeated_query_parameters)
    app.before_request(_read_the_declared_body)


def read_json_body() -> Any:
    """The request's body, parsed as JSON (and cached for flask-openapi3's validation).

    415 for another content type, 400 for malformed JSON or JSON nested deeper than
    ``MAX_JSON_DEPTH``, 413 above the ``max_request_body_bytes`` setting.
    """
    _read_body_within_the_limit()
    try:
        data = request.get_json()
    except RecursionError:
        # The json module's answer to very deep nesting (other bad JSON raises a ValueError).
        raise NestedTooDeeplyError from None
    if _nests_deeper_than(data, MAX_JSON_DEPTH):
        raise NestedTooDeeplyError
    return data


def json_response(model: BaseModel, status: HTTPStatus = HTTPStatus.OK) -> Response:
    """``model`` serialised by Pydantic, as ``application/json``."""
    return current_app.response_class(
        model.model_dump_json(), status=int(status), mimetype="application/json"
    )


def no_content() -> Response:
    """An empty 204 answer: no body, so no content type either."""
    response = current_app.response_class(status=int(HTTPStatus.NO_CONTENT))
    del response.headers["Content-Type"]
    return response


def _read_the_declared_body() -> None:
    """Parse the body of a view that declares one; refuse JSON that is not an object.

    flask-openapi3 reads the body leniently (anything but JSON becomes null, and a JSON
    string is parsed again as JSON); reading it strictly first leaves it the parsed value.
    """
    body = declared_parameters(request.endpoint).get("body")
    if body is None:
        return
    data = read_json_body()
    if not isinstance(data, dict):
        model: type[BaseModel] = body.annotation
        try:
            model.model_validate(data)
        except ValidationError as error:
            raise RequestValidationError("body", error.errors(include_url=False)) from None


def _refuse_repeated_query_parameters() -> None:
    if "query" not in declared_parameters(request.endpoint):
        return
    repeated = [
        ErrorDetails(type="repeated", loc=(name,), msg="Give it once.", input=values)
        for name, values in request.args.lists()
        if len(values) > 1
    ]
    if repeated:
        raise RequestValidationError("query", repeated)


def _read_body_within_the_limit() -> None:
    """Read (and cache) the body; a streamed one longer than ``MAX_CONTENT_LENGTH`` is a 413.

    Flask refuses a ``Content-Length`` above the limit before reading, but reads a
    chunked body (which has none) only up to the limit: a byte left beyond it means
    the body was longer. Only a server that ends the input stream itself
    (``wsgi.input_terminated``, as gunicorn does) can be read past the body safely.
    """
    request.get_data(cache=True)
    streamed = request.content_length is None and request.environ.get("wsgi.input_terminated")
    if streamed and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge


def _nests_deeper_than(data: Any, limit: int) -> bool:
    """Whether ``data`` nests lists and objects more than ``limit`` levels (without recursing)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in value)
    return False
