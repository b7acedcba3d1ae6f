"""Writes of items: the business rules (unique names, partial updates) live here."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from app.core.errors import ConflictError
from app.models.items import Item
from app.selectors.items import item_name_taken

# The fields a partial update may change.
UPDATABLE_FIELDS = ("name", "description")


@transaction.atomic
def item_create(*, name: str, description: str = "") -> Item:
    _ensure_name_is_free(name)
    item = Item(name=name, description=description)
    _save(item)
    return item


@transaction.atomic
def item_update(*, item: Item, data: Mapping[str, Any]) -> Item:
    """Change only the fields present in ``data``."""
    changed = [field for field in UPDATABLE_FIELDS if field in data]
    if "name" in data and data["name"] != item.name:
        _ensure_name_is_free(data["name"], exclude=item)
    for field in changed:
        setattr(item, field, data[field])
    if changed:
        _save(item, update_fields=[*changed, "updated_at"])
    return item


@transaction.atomic
def item_delete(*, item: Item) -> None:
    item.delete()


def _ensure_name_is_free(name: str, exclude: Item | None = None) -> None:
    if item_name_taken(name=name, exclude=exclude):
        msg = f"An item named {name!r} already exists."
        raise ConflictError(msg)


def _save(item: Item, update_fields: list[str] | None = None) -> None:
    # The check above can race with a concurrent write; the unique index cannot.
    try:
        item.save(update_fields=update_fields)
    except IntegrityError as error:
        msg = f"An item named {item.name!r} already exists."
        raise ConflictError(msg) from error
