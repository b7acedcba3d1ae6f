"""Request and response bodies of the jobs API."""

import re
from datetime import datetime
from typing import Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from acme_orders.repositories.jobs import JobStatus

# The longest Idempotency-Key header the API accepts.
IDEMPOTENCY_KEY_MAX_LENGTH = 255
# The lone surrogates UTF-8 cannot encode: no request could deliver them.
_UNENCODABLE = re.compile(r"[\ud800-\udfff]")
# ... and NUL, which has no place in a URL either.
_NOT_IN_URLS = re.compile(r"[\x00\ud800-\udfff]")


class JobCreate(BaseModel):
    """A webhook to deliver: the worker POSTs ``payload`` as JSON to ``url``."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("url", mode="before")
    @classmethod
    def _url_is_plain_text(cls, url: Any) -> Any:
        if isinstance(url, str) and _NOT_IN_URLS.search(url):
            msg = "must not contain NUL characters or lone surrogates"
            raise ValueError(msg)
        return url

    @field_validator("payload", mode="before")
    @classmethod
    def _payload_can_be_sent(cls, payload: Any) -> Any:
        """Any JSON object (NUL included, as JSON allows) that UTF-8 can encode."""
        if _has_unencodable_text(payload):
            msg = "must not contain lone surrogates (UTF-8 cannot encode them)"
            raise ValueError(msg)
        return payload


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: JobStatus
    url: str
    attempts: int
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


def _has_unencodable_text(value: Any) -> bool:
    """Whether a string anywhere in ``value``, keys included, holds a lone surrogate."""
    if isinstance(value, str):
        return _UNENCODABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_unencodable_text(part) for pair in value.items() for part in pair)
    if isinstance(value, list):
        return any(_has_unencodable_text(item) for item in value)
    return False
