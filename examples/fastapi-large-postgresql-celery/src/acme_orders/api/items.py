"""The items API: thin handlers that delegate to ItemService."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from acme_orders.core.database import SessionDep
from acme_orders.repositories.items import ItemRepository
from acme_orders.schemas.items import INTEGER_MAX, ItemCreate, ItemPage, ItemRead, ItemUpdate
from acme_orders.services.items import ItemService

router = APIRouter(prefix="/api/v1/items", tags=["items"])

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {status.HTTP_404_NOT_FOUND: {"description": "No item with this id"}}
CONFLICT: Responses = {status.HTTP_409_CONFLICT: {"description": "An item with this name exists"}}

# An id the id column cannot hold is a bad request (422), not a missing item.
ItemId = Annotated[int, Path(ge=1, le=INTEGER_MAX)]


async def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(ItemRepository(session))


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
async def create_item(data: ItemCreate, service: ItemServiceDep) -> ItemRead:
    return await service.create(data)


@router.get("")
async def list_items(
    service: ItemServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=INTEGER_MAX)] = 0,
) -> ItemPage:
    return await service.list_page(limit=limit, offset=offset)


@router.get("/{item_id}", responses=NOT_FOUND)
async def get_item(item_id: ItemId, service: ItemServiceDep) -> ItemRead:
    return await service.get(item_id)


@router.patch("/{item_id}", responses={**NOT_FOUND, **CONFLICT})
async def update_item(item_id: ItemId, data: ItemUpdate, service: ItemServiceDep) -> ItemRead:
    return await service.update(item_id, data)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_item(item_id: ItemId, service: ItemServiceDep) -> None:
    await service.delete(item_id)
