"""Item services (writes) and selectors (reads) against the test database."""

import pytest

from acme_orders.core.errors import ConflictError, NotFoundError
from acme_orders.items.models import Item
from acme_orders.items.selectors import item_get, item_list, item_name_taken
from acme_orders.items.services import item_create, item_delete, item_update

pytestmark = pytest.mark.django_db


def test_create_then_get() -> None:
    created = item_create(name="Widget")

    assert item_get(item_id=created.pk) == created
    assert created.description == ""


def test_names_are_unique(sample_item: Item) -> None:
    with pytest.raises(ConflictError):
        item_create(name=sample_item.name)


def test_rename_to_a_taken_name_is_refused(sample_item: Item) -> None:
    other = item_create(name="Other")

    with pytest.raises(ConflictError):
        item_update(item=other, data={"name": sample_item.name})


def test_update_changes_only_the_fields_sent(sample_item: Item) -> None:
    updated = item_update(item=sample_item, data={"description": "New"})

    refreshed = item_get(item_id=sample_item.pk)
    assert (refreshed.name, refreshed.description) == ("Sample", "New")
    assert refreshed.updated_at == updated.updated_at


def test_keeping_the_name_is_no_conflict(sample_item: Item) -> None:
    updated = item_update(item=sample_item, data={"name": "Sample"})

    assert str(updated) == "Sample"


def test_an_empty_update_changes_nothing(sample_item: Item) -> None:
    updated = item_update(item=sample_item, data={})

    assert updated.updated_at == sample_item.updated_at


def test_a_racing_duplicate_is_a_conflict(
    sample_item: Item, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another request took the name between the check and the insert.
    monkeypatch.setattr("acme_orders.items.services.item_name_taken", lambda **_: False)

    with pytest.raises(ConflictError):
        item_create(name=sample_item.name)


def test_missing_items_raise_not_found() -> None:
    with pytest.raises(NotFoundError, match="Item 404 does not exist"):
        item_get(item_id=404)


def test_delete_removes_the_item(sample_item: Item) -> None:
    item_delete(item=sample_item)

    assert not item_list().exists()


def test_items_are_listed_oldest_first(sample_item: Item) -> None:
    newer = item_create(name="Newer")

    assert list(item_list()) == [sample_item, newer]
    assert item_name_taken(name="Newer")
    assert not item_name_taken(name="Newer", exclude=newer)
