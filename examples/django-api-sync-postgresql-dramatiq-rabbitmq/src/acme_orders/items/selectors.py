"""Reads of items: every item query a view or service needs."""

from django.db.models import QuerySet

from acme_orders.core.errors import NotFoundError
from acme_orders.items.models import Item


def item_list() -> QuerySet[Item]:
    """Every item, oldest first."""
    return Item.objects.order_by("id")


def item_get(*, item_id: int) -> Item:
    """The item with this id, or ``NotFoundError``."""
    try:
        return Item.objects.get(pk=item_id)
    except Item.DoesNotExist as error:
        msg = f"Item {item_id} does not exist."
        raise NotFoundError(msg) from error


def item_name_taken(*, name: str, exclude: Item | None = None) -> bool:
    """Whether another item already has this name."""
    items = Item.objects.filter(name=name)
    if exclude is not None:
        items = items.exclude(pk=exclude.pk)
    return items.exists()
