"""ItemService and ItemRepository against a real database session."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConflictError, NotFoundError
from app.models.items import Item
from app.repositories.items import ItemRepository
from app.schemas.items import ItemCreate, ItemUpdate
from app.services.items import ItemService


@pytest.fixture
def service(session: AsyncSession) -> ItemService:
    return ItemService(ItemRepository(session))


async def test_create_then_get(service: ItemService) -> None:
    created = await service.create(ItemCreate(name="  Widget  "))

    assert created.name == "Widget"
    assert (await service.get(created.id)) == created


async def test_names_are_unique(service: ItemService, sample_item: Item) -> None:
    with pytest.raises(ConflictError):
        await service.create(ItemCreate(name=sample_item.name))


async def test_a_racing_duplicate_is_a_conflict(session: AsyncSession, sample_item: Item) -> None:
    """Another request took the name after the service checked: the database refuses it."""
    with pytest.raises(ConflictError):
        await ItemRepository(session).add(Item(name=sample_item.name))


async def test_rename_to_a_taken_name_is_refused(service: ItemService, sample_item: Item) -> None:
    other = await service.create(ItemCreate(name="Other"))

    with pytest.raises(ConflictError):
        await service.update(other.id, ItemUpdate(name=sample_item.name))


async def test_update_changes_only_the_fields_sent(service: ItemService, sample_item: Item) -> None:
    updated = await service.update(sample_item.id, ItemUpdate(description="New"))

    assert (updated.name, updated.description) == (sample_item.name, "New")


async def test_missing_items_raise_not_found(service: ItemService) -> None:
    with pytest.raises(NotFoundError):
        await service.get(404)
    with pytest.raises(NotFoundError):
        await service.delete(404)


async def test_delete_removes_the_item(service: ItemService, sample_item: Item) -> None:
    await service.delete(sample_item.id)

    page = await service.list_page(limit=10, offset=0)
    assert page.total == 0
    assert page.items == []


def test_name_cannot_be_set_to_null() -> None:
    with pytest.raises(ValueError, match="name cannot be null"):
        ItemUpdate.model_validate({"name": None})
