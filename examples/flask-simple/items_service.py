"""Business rules for items: unique names, partial updates, paging."""

from errors import ConflictError, NotFoundError
from items_models import Item
from items_repository import ItemRepository
from items_schemas import ItemCreate, ItemPage, ItemRead, ItemUpdate


class ItemService:
    def __init__(self, repository: ItemRepository) -> None:
        self._repository = repository

    def create(self, data: ItemCreate) -> ItemRead:
        self._ensure_name_is_free(data.name)
        item = self._repository.add(Item(name=data.name, description=data.description))
        return ItemRead.model_validate(item)

    def get(self, item_id: int) -> ItemRead:
        return ItemRead.model_validate(self._get_or_raise(item_id))

    def list_page(self, *, limit: int, offset: int) -> ItemPage:
        items = self._repository.list_page(limit=limit, offset=offset)
        return ItemPage(
            items=[ItemRead.model_validate(item) for item in items],
            total=self._repository.count(),
            limit=limit,
            offset=offset,
        )

    def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        item = self._get_or_raise(item_id)
        changes = data.model_dump(exclude_unset=True)
        if "name" in changes and changes["name"] != item.name:
            self._ensure_name_is_free(changes["name"])
        for field, value in changes.items():
            setattr(item, field, value)
        return ItemRead.model_validate(self._repository.save(item))

    def delete(self, item_id: int) -> None:
        self._repository.delete(self._get_or_raise(item_id))

    def _get_or_raise(self, item_id: int) -> Item:
        item = self._repository.get(item_id)
        if item is None:
            msg = f"Item {item_id} does not exist."
            raise NotFoundError(msg)
        return item

    def _ensure_name_is_free(self, name: str) -> None:
        if self._repository.get_by_name(name) is not None:
            msg = f"An item named {name!r} already exists."
            raise ConflictError(msg)
