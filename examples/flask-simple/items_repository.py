"""Data access for items: the only place that builds item queries."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from errors import ConflictError
from items_models import Item


class ItemRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, item_id: int) -> Item | None:
        return self._session.get(Item, item_id)

    def get_by_name(self, name: str) -> Item | None:
        return self._session.scalar(select(Item).where(Item.name == name))

    def list_page(self, *, limit: int, offset: int) -> Sequence[Item]:
        query = select(Item).order_by(Item.id).limit(limit).offset(offset)
        return self._session.scalars(query).all()

    def count(self) -> int:
        total = self._session.scalar(select(func.count()).select_from(Item))
        return total or 0

    def add(self, item: Item) -> Item:
        self._session.add(item)
        self._commit()
        self._session.refresh(item)
        return item

    def save(self, item: Item) -> Item:
        self._commit()
        self._session.refresh(item)
        return item

    def delete(self, item: Item) -> None:
        self._session.delete(item)
        self._session.commit()

    def _commit(self) -> None:
        # Two requests can both find a name free; the unique constraint decides, and the
        # loser gets the same conflict the service's own check reports.
        try:
            self._session.commit()
        except IntegrityError as error:
            self._session.rollback()
            msg = "An item with this name already exists."
            raise ConflictError(msg) from error
