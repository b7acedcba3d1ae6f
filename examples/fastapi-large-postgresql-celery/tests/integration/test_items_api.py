"""The items API over HTTP: CRUD, paging, validation and conflicts."""

from datetime import datetime, timedelta

from httpx import AsyncClient
from structlog.testing import capture_logs

from acme_orders.models.items import Item

PROBLEM = "application/problem+json"


async def test_create_read_update_delete(client: AsyncClient) -> None:
    created = await client.post("/api/v1/items", json={"name": "Widget", "description": "Blue"})
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "Widget"
    assert item["description"] == "Blue"

    fetched = await client.get(f"/api/v1/items/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == item

    updated = await client.patch(f"/api/v1/items/{item['id']}", json={"name": "Gadget"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Gadget"
    assert updated.json()["description"] == "Blue"

    deleted = await client.delete(f"/api/v1/items/{item['id']}")
    assert deleted.status_code == 204

    gone = await client.get(f"/api/v1/items/{item['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == PROBLEM
    assert gone.json()["detail"] == f"Item {item['id']} does not exist."


async def test_a_request_is_logged_with_its_route(client: AsyncClient, sample_item: Item) -> None:
    with capture_logs() as logs:
        await client.get(f"/api/v1/items/{sample_item.id}")

    [entry] = [entry for entry in logs if entry["event"] == "request_finished"]
    # The route a log system groups by; the path names the one item.
    assert entry["route"] == "/api/v1/items/{item_id}"
    assert entry["path"] == f"/api/v1/items/{sample_item.id}"
    assert entry["log_level"] == "info"


async def test_list_is_paged(client: AsyncClient) -> None:
    for name in ("a", "b", "c"):
        await client.post("/api/v1/items", json={"name": name})

    response = await client.get("/api/v1/items", params={"limit": 2, "offset": 1})

    assert response.status_code == 200
    page = response.json()
    assert [item["name"] for item in page["items"]] == ["b", "c"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


async def test_duplicate_name_is_a_conflict(client: AsyncClient, sample_item: Item) -> None:
    response = await client.post("/api/v1/items", json={"name": sample_item.name})

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Conflict"


async def test_invalid_body_lists_field_errors(client: AsyncClient) -> None:
    response = await client.post("/api/v1/items", json={"name": "", "colour": "red"})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    locations = {tuple(error["location"]) for error in response.json()["errors"]}
    assert locations == {("body", "name"), ("body", "colour")}


async def test_paging_limits_are_validated(client: AsyncClient) -> None:
    response = await client.get("/api/v1/items", params={"limit": 1000})

    assert response.status_code == 422


async def test_a_wrong_method_names_every_method_of_the_path(client: AsyncClient) -> None:
    # One route per method serves /items/{id}: Allow names them all, not the first.
    response = await client.put("/api/v1/items/1", json={"name": "x"})

    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH"


async def test_timestamps_carry_their_zone(client: AsyncClient) -> None:
    response = await client.post("/api/v1/items", json={"name": "zoned"})

    for moment in (response.json()["created_at"], response.json()["updated_at"]):
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0)


async def test_patch_refuses_a_null_name(client: AsyncClient, sample_item: Item) -> None:
    response = await client.patch(f"/api/v1/items/{sample_item.id}", json={"name": None})

    assert response.status_code == 422
