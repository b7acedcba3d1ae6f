"""Domain errors, and their answers as RFC 9457 problem details.

Services raise the domain errors below; the handlers turn them (and
validation errors, HTTP errors and anything unexpected) into
``application/problem+json`` responses. A stack trace never reaches a client.
:class:`ProblemDetailsAPI` documents those answers in the OpenAPI schema as they
are sent.
"""

import functools
import inspect
import json
from collections.abc import Callable, Iterable
from functools import cached_property
from http import HTTPStatus
from typing import Any, ClassVar, NoReturn

import structlog
from flask import Flask, Response, current_app, request
from flask_openapi3.openapi import OpenAPI
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails
from werkzeug.exceptions import HTTPException

PROBLEM_CONTENT_TYPE = "application/problem+json"
# How long a client should wait before retrying while a dependency is down.
RETRY_AFTER_SECONDS = 5

logger = structlog.stdlib.get_logger(__name__)


class DomainError(Exception):
    """Base class of the errors services raise on purpose."""

    status_code = HTTPStatus.BAD_REQUEST
    # Headers HTTP pairs with the status.
    headers: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFoundError(DomainError):
    status_code = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    status_code = HTTPStatus.CONFLICT


class ServiceUnavailableError(DomainError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    headers = (("Retry-After", str(RETRY_AFTER_SECONDS)),)


class RequestValidationError(Exception):
    """A part of the request (path, query string, header, body) does not match its model."""

    def __init__(self, source: str, errors: Iterable[ErrorDetails]) -> None:
        super().__init__(f"invalid request {source}")
        # Each error names where it is (["body", "name"]), what is wrong and its type.
        self.errors = [
            {
                "location": [source, *(str(part) for part in error["loc"])],
                "message": error["msg"],
                "type": error["type"],
            }
            for error in errors
        ]


class FieldError(BaseModel):
    """One refused part of a request: where it is, what is wrong, the error's type."""

    location: list[str]
    message: str
    type: str


class Problem(BaseModel):
    """The body of every error response (RFC 9457), as the OpenAPI schema documents it."""

    type: str = "about:blank"
    title: str
    status: int
    instance: str
    detail: str | SkipJsonSchema[None] = None
    # What was refused, on a 422.
    errors: list[FieldError] | SkipJsonSchema[None] = None


# Errors an operation may answer besides those it documents itself, and when.
BODY_ERRORS = {
    "400": "The request body is not valid JSON.",
    "413": "The request body is larger than MAX_REQUEST_BODY_BYTES.",
    "415": "The request body is not JSON.",
}
INVALID_REQUEST = "The request is not valid."
UNAVAILABLE = "A service the API depends on is down; retry after Retry-After seconds."
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


class ProblemDetailsAPI(OpenAPI):
    """flask-openapi3's app: its request validation answers, and its schema documents, problems.

    A request that does not match the models a view declares (``path``, ``query``,
    ``header``, ``body``) is a 422 problem listing every field error.
    """

    def __init__(self, import_name: str, **options: Any) -> None:
        super().__init__(
            import_name,
            validation_error_model=Problem,
            validation_error_callback=_refuse_invalid_request,
            # The schema is served by create_app, only where docs are enabled.
            doc_ui=False,
            **options,
        )

    @cached_property
    def api_doc(self) -> dict[str, Any]:
        """The OpenAPI schema, built once: ``flask openapi`` prints it."""
        return document_problems(super().api_doc)


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Document each operation's 4xx and 5xx answers as ``application/problem+json``.

    flask-openapi3 documents a 422 on every operation, as its own JSON shape, and
    knows nothing of the 400, 413, 415 and 503 answers the handlers send.
    """
    components = schema.setdefault("components", {})
    # flask-openapi3 writes null for an API without security schemes: OpenAPI wants none.
    if components.get("securitySchemes") is None:
        components.pop("securitySchemes", None)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if "requestBody" in operation:
                for code, description in BODY_ERRORS.items():
                    responses.setdefault(code, {"description": description})
            if "requestBody" in operation or operation.get("parameters"):
                responses["422"] = {"description": INVALID_REQUEST}
            if path.startswith("/api/"):
                responses.setdefault("503", {"description": UNAVAILABLE})
            for code, response in responses.items():
                if code == "503":
                    response.setdefault("headers", {"Retry-After": RETRY_AFTER})
                if code[0] in {"4", "5"}:
                    response["content"] = {
                        PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
    return schema


def _refuse_invalid_request(error: ValidationError) -> NoReturn:
    """flask-openapi3's answer to a model that does not match: a 422 naming the view's parameter."""
    parameters = declared_parameters(request.endpoint).values()
    source = next(
        (
            parameter.name
            for parameter in parameters
            if getattr(parameter.annotation, "__name__", None) == error.title
        ),
        "request",
    )
    raise RequestValidationError(source, error.errors(include_url=False)) from None


def declared_parameters(endpoint: str | None) -> dict[str, inspect.Parameter]:
    """The parameters the view of ``endpoint`` declares (none for a URL no view serves)."""
    view = current_app.view_functions.get(endpoint or "")
    return {} if view is None else dict(_parameters_of(view))


@functools.cache
def _parameters_of(view: Callable[..., Any]) -> tuple[tuple[str, inspect.Parameter], ...]:
    # Read once per view: the signature (type hints included) does not change.
    return tuple(inspect.signature(view, eval_str=True).parameters.items())


def problem(
    status: HTTPStatus,
    detail: str | None = None,
    *,
    headers: Iterable[tuple[str, str]] = (),
    **extensions: Any,
) -> Response:
    """An RFC 9457 response: ``type``, ``title``, ``status``, ``detail``, ``instance``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": status.phrase,
        "status": int(status),
        "instance": request.path,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extensions)
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=int(status),
        headers=list(headers),
        mimetype=PROBLEM_CONTENT_TYPE,
    )


def unavailable(detail: str) -> Response:
    """A 503 problem whose ``Retry-After`` tells the client when to try again."""
    return problem(
        HTTPStatus.SERVICE_UNAVAILABLE,
        detail,
        headers=[("Retry-After", str(RETRY_AFTER_SECONDS))],
    )


def install_error_handlers(app: Flask) -> None:
    """Register the problem-details handlers on ``app``."""
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(RequestValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)


def _handle_domain_error(error: DomainError) -> Response:
    return problem(error.status_code, error.detail, headers=error.headers, **error.extensions)


def _handle_validation_error(error: RequestValidationError) -> Response:
    return problem(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "The request is not valid.",
        errors=error.errors,
    )


def _handle_http_exception(error: HTTPException) -> Response:
    status = HTTPStatus(error.code or HTTPStatus.INTERNAL_SERVER_ERROR)
    # Keep the headers the error carries (Allow on a 405, ...), not its HTML content type.
    headers = [header for header in error.get_headers() if header[0].lower() != "content-type"]
    return problem(status, error.description, headers=headers)


def handle_unexpected_error(error: Exception) -> Response:
    """A 500 that logs ``error`` with its traceback and tells the client nothing about it."""
    logger.exception("unhandled_error", path=request.path, error=type(error).__name__)
    return problem(HTTPStatus.INTERNAL_SERVER_ERROR)
