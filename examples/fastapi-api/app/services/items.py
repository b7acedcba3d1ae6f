"""Business rules for items: unique names, partial updates, paging."""

from app.errors import ConflictError, NotFoundError
from app.models.items import Item
from app.repositories.items import ItemRepository
from app.schemas.items import ItemCreate, ItemPage, ItemRead, ItemUpdate


class ItemService:
    def __init__(self, repository: ItemRepository) -> None:
        self._repository = repository

    async def create(self, data: ItemCreate) -> ItemRead:
        await self._ensure_name_is_free(data.name)
        item = await self._repository.add(Item(name=data.name, description=data.description))
        return ItemRead.model_validate(item)

    async def get(self, item_id: int) -> ItemRead:
        return ItemRead.model_validate(await self._get_or_raise(item_id))

    async def list_page(self, *, limit: int, offset: int) -> ItemPage:
        items = await self._repository.list_page(limit=limit, offset=offset)
        total = await self._repository.count()
        return ItemPage(
            items=[ItemRead.model_validate(item) for item in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        item = await self._get_or_raise(item_id)
        changes = data.model_dump(exclude_unset=True)
        if "name" in changes and changes["name"] != item.name:
            await self._ensure_name_is_free(changes["name"])
        for field, value in changes.items():
            setattr(item, field, value)
        return ItemRead.model_validate(await self._repository.save(item))

    async def delete(self, item_id: int) -> None:
        item = await self._get_or_raise(item_id)
        await self._repository.delete(item)

    async def _get_or_raise(self, item_id: int) -> Item:
        item = await self._repository.get(item_id)
        if item is None:
            msg = f"Item {item_id} does not exist."
            raise NotFoundError(msg)
        return item

    async def _ensure_name_is_free(self, name: str) -> None:
        if await self._repository.get_by_name(name) is not None:
            msg = f"An item named {name!r} already exists."
            raise ConflictError(msg)
