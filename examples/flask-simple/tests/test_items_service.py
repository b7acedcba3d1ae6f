"""ItemService and ItemRepository against a real database session."""

import pytest
from sqlalchemy.orm import Session

from errors import ConflictError, NotFoundError
from items_models import Item
from items_repository import ItemRepository
from items_schemas import ItemCreate, ItemUpdate
from items_service import ItemService


@pytest.fixture
def service(session: Session) -> ItemService:
    return ItemService(ItemRepository(session))


def test_create_then_get(service: ItemService) -> None:
    created = service.create(ItemCreate(name="  Widget  "))

    assert created.name == "Widget"
    assert service.get(created.id) == created


def test_names_are_unique(service: ItemService, sample_item: Item) -> None:
    with pytest.raises(ConflictError):
        service.create(ItemCreate(name=sample_item.name))


def test_a_racing_duplicate_is_a_conflict(session: Session, sample_item: Item) -> None:
    """Another request took the name after the service checked: the database refuses it."""
    with pytest.raises(ConflictError):
        ItemRepository(session).add(Item(name=sample_item.name))


def test_rename_to_a_taken_name_is_refused(service: ItemService, sample_item: Item) -> None:
    other = service.create(ItemCreate(name="Other"))

    with pytest.raises(ConflictError):
        service.update(other.id, ItemUpdate(name=sample_item.name))


def test_update_changes_only_the_fields_sent(service: ItemService, sample_item: Item) -> None:
    updated = service.update(sample_item.id, ItemUpdate(description="New"))

    assert (updated.name, updated.description) == (sample_item.name, "New")


def test_missing_items_raise_not_found(service: ItemService) -> None:
    with pytest.raises(NotFoundError):
        service.get(404)
    with pytest.raises(NotFoundError):
        service.delete(404)


def test_delete_removes_the_item(service: ItemService, sample_item: Item) -> None:
    service.delete(sample_item.id)

    page = service.list_page(limit=10, offset=0)
    assert page.total == 0
    assert page.items == []


def test_name_cannot_be_set_to_null() -> None:
    with pytest.raises(ValueError, match="name cannot be null"):
        ItemUpdate.model_validate({"name": None})
