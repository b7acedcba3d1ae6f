"""Django REST Framework glue: problem-details errors, strict bodies, ids and paging."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from app.core.errors import DomainError, InvalidInputError, domain_problem, problem

# Trimmed from both ends of text. Spelled out, so that the documented patterns mean the
# same to JSON Schema as to Python (their notions of Unicode whitespace differ).
WHITESPACE = " \t\n\r\f\v"
# The documented rules of text: no NUL, and required text holds a character that is not
# whitespace. (Lone surrogates are refused too; a JSON Schema pattern cannot name them.)
# The schema documents the empty text a field may take apart, as a choice of its own.
STORABLE_PATTERN = "^[^\\u0000]+$"
NAME_PATTERN = "^[^\\u0000]*[^\\u0000 \\t\\n\\r\\f\\v][^\\u0000]*$"

# The largest id and offset the API takes: 2**31 - 1, a signed 32-bit integer. A
# number past it is a 422, never a query.
MAX_ID = 2_147_483_647


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: every error a view raises, as problem details.

    Returning ``None`` re-raises anything else: the problem-details middleware
    answers a database that is down; Django logs the rest and answers with the
    500 handler, so its details never reach the client.
    """
    request = context["request"]
    if isinstance(exc, DomainError):
        set_rollback()
        return domain_problem(request, exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        set_rollback()
        return problem(
            request,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "The request is not valid.",
            errors=field_errors(exc.detail),
        )
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        return problem(request, HTTPStatus(exc.status_code), str(exc.detail))
    return None


def field_errors(detail: Any, location: tuple[str, ...] = ("body",)) -> list[dict[str, Any]]:
    """A serializer's (possibly nested) errors as a flat list: location, message and type."""
    if isinstance(detail, dict):
        return [
            error
            for field, nested in detail.items()
            for error in field_errors(
                nested, location if field == "non_field_errors" else (*location, str(field))
            )
        ]
    if isinstance(detail, list):
        return [error for nested in detail for error in field_errors(nested, location)]
    return [{"location": list(location), "message": str(detail), "type": detail.code}]


class TextField(serializers.CharField):
    """DRF's CharField for JSON strings only: DRF's own turns ``1`` into ``"1"``.

    Like DRF's, it refuses what a database cannot store: NUL characters and lone
    surrogates. Its length is checked on the text as sent, then the text is trimmed
    of ``WHITESPACE`` (DRF trims first, and by Python's wider notion of whitespace):
    the bounds and patterns the OpenAPI schema documents are the ones applied.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def run_validation(self, data: Any = empty) -> Any:
        value = super().run_validation(data)
        if isinstance(value, str):
            value = value.strip(WHITESPACE)
            if not value and not self.allow_blank:
                self.fail("blank")
        return value


def refuse_unknown_fields(serializer: serializers.Serializer[Any], data: Any) -> None:
    """A body naming a field the serializer does not write is a 422; DRF would ignore it."""
    if not isinstance(data, Mapping):
        return
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    if unknown := [str(name) for name in data if name not in writable]:
        detail = dict.fromkeys(unknown, "This field is not accepted.")
        raise serializers.ValidationError(detail, code="unknown_field")


def request_body(request: Request) -> Any:
    """The parsed JSON body; a request that sent none is a 422 (``{}`` is a body)."""
    if request.stream is None:
        msg = "The request is not valid."
        missing = {"location": ["body"], "message": "A JSON body is required.", "type": "required"}
        raise InvalidInputError(msg, errors=[missing])
    return request.data


def whole_number(value: str, *, minimum: int, maximum: int, location: tuple[str, str]) -> int:
    """A number from the URL or the query string, from ``minimum`` to ``maximum``, or a 422."""
    field = serializers.IntegerField(min_value=minimum, max_value=maximum)
    try:
        return int(field.run_validation(value))
    except exceptions.ValidationError as error:
        msg = "The request is not valid."
        raise InvalidInputError(msg, errors=field_errors(error.detail, location)) from error


def query_value(request: Request, name: str) -> str | None:
    """A query parameter given at most once; ``?limit=1&limit=2`` is a 422, not the last value."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        msg = "The request is not valid."
        repeated = {"location": ["query", name], "message": "Give it once.", "type": "repeated"}
        raise InvalidInputError(msg, errors=[repeated])
    return values[0] if values else None


def path_id(value: str) -> int:
    """The id in a URL: any path segment reaches the view, and only 1 to MAX_ID is looked up."""
    return whole_number(value, minimum=1, maximum=MAX_ID, location=("path", "id"))


class TotalLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` paging; a page is ``{"items": [...], "total": n, "limit", "offset"}``.

    A limit outside 1 to ``max_limit``, or an offset outside 0 to MAX_ID, is a 422
    (DRF's own paging quietly replaces them).
    """

    default_limit = 20
    max_limit = 100

    def get_limit(self, request: Request) -> int:
        value = query_value(request, self.limit_query_param)
        if value is None:
            return self.default_limit
        location = ("query", self.limit_query_param)
        return whole_number(value, minimum=1, maximum=self.max_limit, location=location)

    def get_offset(self, request: Request) -> int:
        value = query_value(request, self.offset_query_param)
        if value is None:
            return 0
        location = ("query", self.offset_query_param)
        return whole_number(value, minimum=0, maximum=MAX_ID, location=location)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"items": data, "total": self.count, "limit": self.limit, "offset": self.offset}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The page as the OpenAPI schema documents it; ``schema`` is the list of items."""
        return {
            "type": "object",
            "properties": {
                "items": schema,
                "total": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
                "offset": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
            },
            "required": ["items", "total", "limit", "offset"],
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``limit`` and ``offset`` in the OpenAPI schema, with the bounds applied above."""
        return [
            {
                "name": self.limit_query_param,
                "in": "query",
                "required": False,
                "description": f"Items per page (default {self.default_limit}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_limit},
            },
            {
                "name": self.offset_query_param,
                "in": "query",
                "required": False,
                "description": "How many items to skip.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
            },
        ]
