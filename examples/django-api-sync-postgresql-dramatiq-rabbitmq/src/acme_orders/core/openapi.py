"""The API's OpenAPI schema, as drf-spectacular builds it from the DRF views.

Every error reaches the client as RFC 9457 problem details (``acme_orders.core.errors``).
:class:`ProblemDetailsAutoSchema` documents each operation's error answers as the
``application/problem+json`` they are: those a view declares with ``extend_schema``
(an id that names nothing, a name that is taken), and those any operation may answer,
added here. ``make openapi`` prints the schema; ``acme_orders.core.api_docs`` serves it.

DRF imports this module, the DEFAULT_SCHEMA_CLASS, while drf-spectacular's views
declare their own schema: it must not import those views.
"""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import Direction, OpenApiParameter, inline_serializer
from rest_framework import serializers

from acme_orders.core.errors import PROBLEM_CONTENT_TYPE, RETRY_AFTER_SECONDS
from acme_orders.core.rest import MAX_ID, NAME_PATTERN, STORABLE_PATTERN, TextField

# Errors an operation may answer besides those its view declares, and when.
BODY_ERRORS = {
    "400": "The request body is not valid JSON.",
    "413": "The request body is larger than MAX_REQUEST_BODY_BYTES.",
    "415": "The request body is not JSON (its Content-Type is not application/json).",
}
INVALID_REQUEST = "The request is not valid; `errors` names each refused part."
NOT_ACCEPTABLE = "The Accept header names no media type the API answers with."
URI_TOO_LONG = "The request line is longer than gunicorn takes (8190 bytes)."
UNAVAILABLE = "The database or Redis is unavailable; retry after Retry-After seconds."
# An id in a URL, as ``acme_orders.core.rest.path_id`` takes it.
PATH_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=f"The id: 1 to {MAX_ID}.",
)
RETRY_AFTER = {
    "Retry-After": {
        "description": f"Seconds to wait before a retry (always {RETRY_AFTER_SECONDS}).",
        "schema": {"type": "integer"},
    }
}


# The body of every error response (RFC 9457); ``errors`` lists what a 422 refused.
PROBLEM = inline_serializer(
    "Problem",
    {
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "instance": serializers.CharField(),
        "detail": serializers.CharField(required=False),
        "errors": inline_serializer(
            "FieldError",
            {
                "location": serializers.ListField(child=serializers.CharField()),
                "message": serializers.CharField(),
                "type": serializers.CharField(),
            },
            many=True,
            required=False,
        ),
    },
)


class ProblemDetailsAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with every 4xx and 5xx answer as problem details.

    Besides the errors its view declares, an operation may answer: 400, 413 and 415
    for a request body that is not JSON or too large; 422 for a body or parameter it
    refuses; 406 when the Accept header names nothing it renders; and 503 while a
    dependency is down (every operation of the API reads or writes one).
    And gunicorn's 414, the one error no problem: it refuses an overlong request line
    before Django sees the request.
    """

    def _map_basic_serializer(self, serializer: Any, direction: Direction) -> dict[str, Any]:
        """A request body naming a field the serializer does not write is a 422."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        if "requestBody" in operation:
            # A partial update without a body is a 422 too, though it requires no field.
            operation["requestBody"]["required"] = True
            for code, description in BODY_ERRORS.items():
                responses.setdefault(code, {"description": description})
        if "requestBody" in operation or operation.get("parameters"):
            responses.setdefault("422", {"description": INVALID_REQUEST})
        responses.setdefault("406", {"description": NOT_ACCEPTABLE})
        responses.setdefault("503", {"description": UNAVAILABLE, "headers": RETRY_AFTER})
        problem = {"schema": self.resolve_serializer(PROBLEM, "response").ref}
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                response["content"] = {PROBLEM_CONTENT_TYPE: problem}
        # gunicorn's own answer, before Django sees the request: an HTML page.
        responses["414"] = {"description": URI_TOO_LONG, "content": {"text/html": {}}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation


class TextFieldExtension(OpenApiSerializerFieldExtension):
    """Documents what a request's text may hold: no NUL, and no blank required text.

    Text with a RegexValidator (a webhook URL) is documented by its own pattern.
    """

    target_class = TextField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        has_pattern = any(isinstance(v, RegexValidator) for v in self.target.validators)
        if direction == "request" and not has_pattern:
            # Text that may be blank gets "" documented as a oneOf choice of its own.
            schema["pattern"] = STORABLE_PATTERN if self.target.allow_blank else NAME_PATTERN
        return schema
