"""Data access for items: the only place that builds item queries."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from acme_orders.core.errors import ConflictError
from acme_orders.models.items import Item


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, item_id: int) -> Item | None:
        return await self._session.get(Item, item_id)

    async def get_by_name(self, name: str) -> Item | None:
        return await self._session.scalar(select(Item).where(Item.name == name))

    async def list_page(self, *, limit: int, offset: int) -> Sequence[Item]:
        query = select(Item).order_by(Item.id).limit(limit).offset(offset)
        result = await self._session.scalars(query)
        return result.all()

    async def count(self) -> int:
        total = await self._session.scalar(select(func.count()).select_from(Item))
        return total or 0

    async def add(self, item: Item) -> Item:
        self._session.add(item)
        await self._commit()
        await self._session.refresh(item)
        return item

    async def save(self, item: Item) -> Item:
        await self._commit()
        await self._session.refresh(item)
        return item

    async def delete(self, item: Item) -> None:
        await self._session.delete(item)
        await self._session.commit()

    async def _commit(self) -> None:
        # Two requests can both find a name free; the unique constraint decides, and the
        # loser gets the same conflict the service's own check reports.
        try:
            await self._session.commit()
        except IntegrityError as error:
            await self._session.rollback()
            msg = "An item with this name already exists."
            raise ConflictError(msg) from error
