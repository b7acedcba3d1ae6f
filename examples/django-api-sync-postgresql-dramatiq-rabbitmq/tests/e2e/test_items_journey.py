"""A user's journey through the items API, start to finish."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_catalogue_journey(client: Client) -> None:
    ids = []
    for name in ("Apple", "Banana", "Cherry"):
        response = client.post("/api/v1/items", {"name": name}, content_type=JSON)
        assert response.status_code == 201
        ids.append(response.json()["id"])

    first_page = client.get("/api/v1/items", {"limit": 2}).json()
    assert first_page["total"] == 3
    assert [item["name"] for item in first_page["items"]] == ["Apple", "Banana"]

    renamed = client.patch(f"/api/v1/items/{ids[1]}", {"name": "Blueberry"}, content_type=JSON)
    assert renamed.json()["name"] == "Blueberry"

    assert client.delete(f"/api/v1/items/{ids[0]}").status_code == 204

    remaining = client.get("/api/v1/items").json()
    assert [item["name"] for item in remaining["items"]] == ["Blueberry", "Cherry"]
