"""The server-rendered item pages.

The sync test client runs the async views inside the test's database transaction.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from app.models.items import Item
from app.services.items import item_create

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_items(client: Client, sample_item: Item) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert sample_item.name in response.text
    assert "Page 1 of 1 (1 item)" in response.text


def test_the_list_is_paged(client: Client) -> None:
    for number in range(25):
        item_create(name=f"Item {number:02}")

    response = client.get("/", {"page": 2})

    assert "Item 24" in response.text
    assert "Item 00" not in response.text
    assert "Page 2 of 2 (25 items)" in response.text


def test_an_empty_list_says_so(client: Client) -> None:
    response = client.get("/")

    assert "No items yet" in response.text


def test_the_detail_page_shows_one_item(client: Client, sample_item: Item) -> None:
    response = client.get(f"/items/{sample_item.pk}/")

    assert response.status_code == 200
    assert sample_item.description in response.text


@pytest.mark.parametrize("item_id", ["404", "0", str(2**31), str(2**63), str(10**30)])
def test_a_missing_item_is_an_html_404_for_browsers(client: Client, item_id: str) -> None:
    response = client.get(f"/items/{item_id}/", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response["content-type"].startswith("text/html")


def test_the_pages_have_a_stylesheet_of_the_site_s_own(client: Client) -> None:
    page = client.get("/")
    stylesheet = client.get("/static/site.css")
    stylesheet.close()  # whitenoise streams the file

    assert '<link rel="stylesheet" href="/static/site.css">' in page.text
    assert stylesheet.status_code == 200
    assert stylesheet["content-type"].startswith("text/css")


def test_a_database_that_does_not_answer_is_an_html_503_for_browsers(client: Client) -> None:
    def unavailable(execute: Callable[..., Any], *args: Any) -> Any:
        raise OperationalError

    with connection.execute_wrapper(unavailable):
        response = client.get("/", headers={"Accept": "text/html"})

    assert response.status_code == 503
    assert response["content-type"].startswith("text/html")
    assert response.headers["Retry-After"] == "5"
    assert "The database is unavailable; retry shortly." in response.text
