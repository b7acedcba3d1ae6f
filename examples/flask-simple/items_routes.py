"""The items API: thin views that take the validated request, call ItemService, shape the answer."""

from http import HTTPStatus

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from flask_openapi3.types import ResponseDict
from pydantic import BaseModel, Field

from database import get_session
from items_repository import ItemRepository
from items_schemas import INTEGER_MAX, ItemCreate, ItemPage, ItemRead, ItemUpdate
from items_service import ItemService
from validation import json_response, no_content

blueprint = APIBlueprint(
    "items", __name__, url_prefix="/api/v1/items", abp_tags=[Tag(name="items")]
)

NOT_FOUND = {"description": "No item with this id"}
NAME_TAKEN = {"description": "Another item has this name"}


class ItemPath(BaseModel):
    """The URL's ``/<item_id>``: an id the id column can hold (else 422, not 404)."""

    item_id: int = Field(ge=1, le=INTEGER_MAX)


class PageParams(BaseModel):
    """The query string of a list: ``?limit=20&offset=0``."""

    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=INTEGER_MAX)


def item_service() -> ItemService:
    """An ItemService working in this request's database session."""
    return ItemService(ItemRepository(get_session()))


CREATED: ResponseDict = {HTTPStatus.CREATED: ItemRead, HTTPStatus.CONFLICT: NAME_TAKEN}
LISTED: ResponseDict = {HTTPStatus.OK: ItemPage}
FOUND: ResponseDict = {HTTPStatus.OK: ItemRead, HTTPStatus.NOT_FOUND: NOT_FOUND}
UPDATED: ResponseDict = {**FOUND, HTTPStatus.CONFLICT: NAME_TAKEN}
DELETED: ResponseDict = {HTTPStatus.NO_CONTENT: None, HTTPStatus.NOT_FOUND: NOT_FOUND}


@blueprint.post("", responses=CREATED)
def create_item(body: ItemCreate) -> Response:
    """Create an item."""
    return json_response(item_service().create(body), HTTPStatus.CREATED)


@blueprint.get("", responses=LISTED)
def list_items(query: PageParams) -> Response:
    """One page of items, in id order, with the total."""
    return json_response(item_service().list_page(limit=query.limit, offset=query.offset))


@blueprint.get("/<item_id>", responses=FOUND)
def get_item(path: ItemPath) -> Response:
    """One item."""
    return json_response(item_service().get(path.item_id))


@blueprint.patch("/<item_id>", responses=UPDATED)
def update_item(path: ItemPath, body: ItemUpdate) -> Response:
    """Change the fields sent; leave the others as they are."""
    return json_response(item_service().update(path.item_id, body))


@blueprint.delete("/<item_id>", responses=DELETED)
def delete_item(path: ItemPath) -> Response:
    """Delete an item."""
    item_service().delete(path.item_id)
    return no_content()
