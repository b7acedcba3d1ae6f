"""/metrics through the HTTP API: each request counted by its URL pattern, and its guard."""

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-for-tests"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
with_token = override_settings(METRICS_TOKEN=TOKEN)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample ``name`` with ``labels`` in a scrape (0 if it has none yet)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and labels.items() <= found.labels.items():
                return found.value
    return 0.0


def label_values(text: str, label: str) -> set[str]:
    """Every value ``label`` takes in a scrape."""
    return {
        found.labels[label]
        for family in text_string_to_metric_families(text)
        for found in family.samples
        if label in found.labels
    }


def scrape(client: Client) -> str:
    response = client.get("/metrics", headers=AUTHORIZED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


@with_token
def test_a_request_is_counted_and_timed_by_its_route(client: Client) -> None:
    labels = {"method": "GET", "route": "/health/live"}
    before = scrape(client)

    client.get("/health/live")

    after = scrape(client)
    counted = {"name": "http_requests_total", "status": "200", **labels}
    assert sample(after, **counted) == sample(before, **counted) + 1
    timed = {"name": "http_request_duration_seconds_count", **labels}
    assert sample(after, **timed) == sample(before, **timed) + 1


@pytest.mark.django_db
@with_token
def test_the_route_label_is_the_pattern_not_the_path(client: Client) -> None:
    before = scrape(client)

    for item_id in (98765, 98766):
        assert client.get(f"/api/v1/items/{item_id}").status_code == 404

    after = scrape(client)
    missing = {"method": "GET", "route": "/api/v1/items/<str:pk>", "status": "404"}
    assert sample(after, "http_requests_total", **missing) == (
        sample(before, "http_requests_total", **missing) + 2
    )
    assert not any("98765" in route for route in label_values(after, "route"))


@with_token
def test_unknown_paths_and_methods_add_no_series(client: Client) -> None:
    client.get("/no-such-page-4711")
    client.generic("BREW", "/health/live")

    after = scrape(client)
    assert not any("4711" in route for route in label_values(after, "route"))
    assert "BREW" not in label_values(after, "method")
    assert sample(after, "http_requests_total", route="unmatched", status="404") >= 1
    assert sample(after, "http_requests_total", method="OTHER", route="/health/live") >= 1


@with_token
def test_a_refused_host_is_counted_and_timed(client: Client) -> None:
    # Django refuses a foreign host before it resolves the URL.
    labels = {"method": "GET", "route": "unmatched"}
    before = scrape(client)

    assert client.get("/health/live", headers={"Host": "evil.example.com"}).status_code == 400

    after = scrape(client)
    refused = {"name": "http_requests_total", "status": "400", **labels}
    assert sample(after, **refused) == sample(before, **refused) + 1
    timed = {"name": "http_request_duration_seconds_count", **labels}
    assert sample(after, **timed) == sample(before, **timed) + 1


@with_token
def test_the_token_is_checked(client: Client) -> None:
    anonymous = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})

    for refused in (anonymous, wrong):
        assert refused.status_code == 401
        assert refused["Content-Type"] == "application/problem+json"
        assert refused["WWW-Authenticate"] == "Bearer"
        assert TOKEN not in refused.content.decode()


# Unset here even if the environment the tests run in sets one.
@override_settings(METRICS_TOKEN=None)
def test_without_a_token_there_are_no_metrics(client: Client) -> None:
    response = client.get("/metrics", headers=AUTHORIZED)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
