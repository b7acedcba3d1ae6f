"""A user's journey through the items API, start to finish."""

from httpx import AsyncClient


async def test_catalogue_journey(client: AsyncClient) -> None:
    ids = []
    for name in ("Apple", "Banana", "Cherry"):
        response = await client.post("/api/v1/items", json={"name": name})
        assert response.status_code == 201
        ids.append(response.json()["id"])

    first_page = (await client.get("/api/v1/items", params={"limit": 2})).json()
    assert first_page["total"] == 3
    assert [item["name"] for item in first_page["items"]] == ["Apple", "Banana"]

    renamed = await client.patch(f"/api/v1/items/{ids[1]}", json={"name": "Blueberry"})
    assert renamed.json()["name"] == "Blueberry"

    assert (await client.delete(f"/api/v1/items/{ids[0]}")).status_code == 204

    remaining = (await client.get("/api/v1/items")).json()
    assert [item["name"] for item in remaining["items"]] == ["Blueberry", "Cherry"]
