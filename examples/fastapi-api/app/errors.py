"""Domain errors, and their answers as RFC 9457 problem details.

Services raise the domain errors below; the handlers turn them (and validation
errors and HTTP errors) into ``application/problem+json`` responses, and
UnhandledErrorMiddleware answers anything unexpected the same way. A stack trace
never reaches a client. :class:`ProblemDetailsAPI` documents those answers in the
OpenAPI schema as they are sent.
"""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_CONTENT_TYPE = "application/problem+json"

logger = structlog.stdlib.get_logger(__name__)


class DomainError(Exception):
    """Base class of the errors services raise on purpose."""

    status_code = HTTPStatus.BAD_REQUEST
    # Response headers that belong with the status.
    headers: ClassVar[Mapping[str, str]] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFoundError(DomainError):
    status_code = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    status_code = HTTPStatus.CONFLICT


class ServiceUnavailableError(DomainError):
    """A dependency is down; it is expected back, so clients may retry after a pause."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "5"}


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


# The methods a 405's Allow may name.
HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# Errors an operation may answer besides those it documents itself, and when.
BODY_ERRORS = {
    "400": "The request body is not valid JSON.",
    "413": "The request body is larger than MAX_REQUEST_BODY_BYTES.",
}
INVALID_REQUEST = "The request is not valid."
UNAVAILABLE = "A service the API depends on is down; retry after Retry-After seconds."
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


class ProblemDetailsAPI(FastAPI):
    """FastAPI whose OpenAPI schema documents every error answer as the problem details it is."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = document_problems(super().openapi())
        return self.openapi_schema


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Document each operation's 4xx and 5xx answers as ``application/problem+json``.

    FastAPI documents validation errors as its own JSON shape, and knows nothing of
    the 400, 413 and 503 answers the handlers and middleware send.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for replaced in ("HTTPValidationError", "ValidationError"):
        components.pop(replaced, None)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for code, description in BODY_ERRORS.items():
                    responses.setdefault(code, {"description": description})
            if "requestBody" in operation or operation.get("parameters"):
                responses.setdefault("422", {"description": INVALID_REQUEST})
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


def allowed_methods(request: Request) -> str:
    """The methods some route serves at the request's path, for a 405's ``Allow``.

    Starlette names only the first matching route's, and each method has a route here.
    """

    def served(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)

    return ", ".join(method for method in HTTP_METHODS if served(method))


def problem(
    request: Request,
    status: HTTPStatus,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """An RFC 9457 response: ``type``, ``title``, ``status``, ``detail``, ``instance``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": status.phrase,
        "status": int(status),
        "instance": request.url.path,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extensions)
    return JSONResponse(
        body, status_code=int(status), headers=headers, media_type=PROBLEM_CONTENT_TYPE
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem-details handlers on ``app``."""

    @app.exception_handler(DomainError)
    async def handle_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return problem(request, exc.status_code, exc.detail, headers=exc.headers, **exc.extensions)

    @app.exception_handler(RequestValidationError)
    async def handle_validation_error(
        request: Request, exc: RequestValidationError
    ) -> JSONResponse:
        errors = [
            {
                "location": [str(part) for part in error["loc"]],
                "message": error["msg"],
                "type": error["type"],
            }
            for error in exc.errors()
        ]
        # A body that is not JSON at all is malformed, not merely invalid.
        if any(error["type"] == "json_invalid" for error in errors):
            return problem(request, HTTPStatus.BAD_REQUEST, "The request body is not valid JSON.")
        return problem(
            request,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "The request is not valid.",
            errors=errors,
        )

    @app.exception_handler(HTTPException)
    async def handle_http_exception(request: Request, exc: HTTPException) -> JSONResponse:
        status = HTTPStatus(exc.status_code)
        detail = exc.detail if exc.detail != status.phrase else None
        # Keep the headers HTTP requires with the status, e.g. Allow on a 405.
        headers = dict(exc.headers or {})
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers["Allow"] = allowed_methods(request)
        return problem(request, status, detail, headers=headers)


class UnhandledErrorMiddleware:
    """Answers an unexpected exception with a 500 problem, logged with its stack trace.

    Starlette's own last resort re-raises the exception after answering, and the
    server then drops the client's keep-alive connection; here the request ends
    with its response.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception:
            logger.exception("unhandled_error", path=scope["path"])
            if response_started:
                # Too late for another status: the server ends the broken response.
                raise
            response = problem(Request(scope), HTTPStatus.INTERNAL_SERVER_ERROR)
            await response(scope, receive, send)
