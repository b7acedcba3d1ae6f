"""Request and response bodies of the jobs API, and its Idempotency-Key header.

A submission is a JSON object of known fields; its URL holds no NUL characters or
lone surrogates, and its payload (keys included) no lone surrogates, which UTF-8
cannot encode; anything else is a 422 naming the field.
"""

from collections.abc import Mapping
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from acme_orders.core.errors import InvalidInputError
from acme_orders.core.rest import TextField, refuse_unknown_fields
from acme_orders.jobs.repository import Job, JobStatus

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
# The longest Idempotency-Key header the API accepts.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
URL_MAX_LENGTH = 2048
# An http or https URL: a host name or IPv4 address, an optional port (0-65535), then no
# spaces or control characters. The pattern is the whole rule, so the OpenAPI schema
# documents it exactly, and every URL it lets through is one the worker's HTTP client can
# send to (Django's URLValidator refuses some valid host names); a host that does not
# resolve fails the delivery.
WEBHOOK_URL_PATTERN = (
    "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
    "(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?"
    "(?:[/?#][^\\u0000-\\u0020\\u007f]*)?$"
)
webhook_url = RegexValidator(WEBHOOK_URL_PATTERN, "Enter a valid http or https URL.", "invalid")
# DRF's own check of text fields for what UTF-8 cannot encode.
refuse_surrogates = ProhibitSurrogateCharactersValidator()


def encodable_text(value: Any) -> None:
    """No string in a JSON value, keys included, holds a lone surrogate.

    The payload could not be encoded to deliver it. NUL is JSON like any other character.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            refuse_surrogates(item)
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item


class JobCreateSerializer(serializers.Serializer[Any]):
    """A webhook to deliver: the worker POSTs ``payload`` as JSON to ``url``."""

    url = TextField(max_length=URL_MAX_LENGTH, validators=[webhook_url])
    payload = serializers.DictField(default=dict, validators=[encodable_text])

    def to_internal_value(self, data: Any) -> Any:
        refuse_unknown_fields(self, data)
        return super().to_internal_value(data)


class JobSerializer(serializers.Serializer[Job]):
    id = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=[status.value for status in JobStatus], read_only=True)
    url = serializers.CharField(read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    result = serializers.DictField(allow_null=True, read_only=True)
    error = serializers.CharField(allow_null=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


def idempotency_key(headers: Mapping[str, str]) -> str | None:
    """The optional ``Idempotency-Key`` header (1 to 255 characters), or a 422 problem."""
    key = headers.get(IDEMPOTENCY_KEY_HEADER)
    if key is None or 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        return key
    msg = "The request is not valid."
    raise InvalidInputError(
        msg,
        errors=[
            {
                "location": ["header", IDEMPOTENCY_KEY_HEADER],
                "message": f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters long.",
                "type": "max_length" if key else "blank",
            }
        ],
    )
