"""Request and response bodies of the items API."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from app.models.items import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

# The largest INTEGER (PostgreSQL's; SQLite's is wider): no id is larger, no page starts later.
INTEGER_MAX = 2_147_483_647
# What no database stores as text: NUL, and the lone surrogates UTF-8 cannot encode.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Trimmed from both ends of the text. Spelled out, so that the documented patterns mean
# the same to JSON Schema as to Python (their notions of Unicode whitespace differ).
_WHITESPACE = " \t\n\r\f\v"
# The documented rules: no NUL, and a name holds a character that is not whitespace.
# (Lone surrogates are refused too; a JSON Schema pattern cannot name them.)
STORABLE_PATTERN = "^[^\\u0000]*$"
NAME_PATTERN = "^[^\\u0000]*[^\\u0000 \\t\\n\\r\\f\\v][^\\u0000]*$"


def _refuse_unstorable_characters(text: str) -> str:
    if _UNSTORABLE.search(text):
        msg = "must not contain NUL characters or lone surrogates"
        raise ValueError(msg)
    return text


def _trim(text: str) -> str:
    return text.strip(_WHITESPACE)


def _refuse_blank(text: str) -> str:
    if not text:
        msg = "must not be blank"
        raise ValueError(msg)
    return text


# Text every supported database can store, trimmed after its length is checked: the
# bounds apply to the text as sent, as the schema documents them.
ItemName = Annotated[
    str,
    Field(min_length=1, max_length=NAME_MAX_LENGTH, json_schema_extra={"pattern": NAME_PATTERN}),
    AfterValidator(_refuse_unstorable_characters),
    AfterValidator(_trim),
    AfterValidator(_refuse_blank),
]
ItemDescription = Annotated[
    str,
    Field(max_length=DESCRIPTION_MAX_LENGTH, json_schema_extra={"pattern": STORABLE_PATTERN}),
    AfterValidator(_refuse_unstorable_characters),
    AfterValidator(_trim),
]


def _in_utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; the database wrote them in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# A timestamp that always carries its zone (RFC 3339 requires one).
UtcDatetime = Annotated[datetime, AfterValidator(_in_utc)]


def _document_a_name(schema: dict[str, Any]) -> None:
    """Document an update's name as the string it must be.

    Left out, the name is kept (no default to document); null is refused (an item
    keeps a name), though the field's Python type must allow None to be left out.
    """
    schema.pop("default", None)
    options: list[dict[str, Any]] = schema.pop("anyOf")
    schema.update(next(option for option in options if option != {"type": "null"}))


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ItemName
    description: ItemDescription | None = None


class ItemUpdate(BaseModel):
    """A partial update: only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: ItemName | None = Field(default=None, json_schema_extra=_document_a_name)
    description: ItemDescription | None = None

    @field_validator("name")
    @classmethod
    def _name_cannot_be_cleared(cls, name: str | None) -> str:
        if name is None:
            msg = "name cannot be null"
            raise ValueError(msg)
        return name


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ItemPage(BaseModel):
    """One page of items, with the total for building pagination controls."""

    items: list[ItemRead]
    total: int
    limit: int
    offset: int
