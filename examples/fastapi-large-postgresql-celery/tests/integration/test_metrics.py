"""/metrics through the HTTP API: each request counted by route template, and its guard."""

from httpx import AsyncClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from acme_orders.core.config import Settings
from tests.conftest import ClientFactory

TOKEN = "scrape-token-for-tests"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


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


async def scrape(client: AsyncClient) -> str:
    response = await client.get("/metrics", headers=AUTHORIZED)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def with_token(settings: Settings) -> Settings:
    return settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})


async def test_a_request_is_counted_and_timed_by_its_route(
    settings: Settings, client_for: ClientFactory
) -> None:
    labels = {"method": "GET", "route": "/health/live"}
    async with client_for(with_token(settings)) as client:
        before = await scrape(client)
        await client.get("/health/live")
        after = await scrape(client)

    counted = {"name": "http_requests_total", "status": "200", **labels}
    assert sample(after, **counted) == sample(before, **counted) + 1
    timed = {"name": "http_request_duration_seconds_count", **labels}
    assert sample(after, **timed) == sample(before, **timed) + 1


async def test_the_route_label_is_the_template_not_the_path(
    settings: Settings, client_for: ClientFactory
) -> None:
    async with client_for(with_token(settings)) as client:
        before = await scrape(client)
        for item_id in (98765, 98766):
            assert (await client.get(f"/api/v1/items/{item_id}")).status_code == 404
        after = await scrape(client)

    missing = {"method": "GET", "route": "/api/v1/items/{item_id}", "status": "404"}
    assert sample(after, "http_requests_total", **missing) == (
        sample(before, "http_requests_total", **missing) + 2
    )
    assert not any("98765" in route for route in label_values(after, "route"))


async def test_unknown_paths_and_methods_add_no_series(
    settings: Settings, client_for: ClientFactory
) -> None:
    async with client_for(with_token(settings)) as client:
        await client.get("/no-such-page-4711")
        await client.request("BREW", "/health/live")
        after = await scrape(client)

    assert not any("4711" in route for route in label_values(after, "route"))
    assert "BREW" not in label_values(after, "method")
    assert sample(after, "http_requests_total", route="unmatched", status="404") >= 1
    assert sample(after, "http_requests_total", method="OTHER", route="/health/live") >= 1


async def test_the_token_is_checked(settings: Settings, client_for: ClientFactory) -> None:
    async with client_for(with_token(settings)) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})

    for refused in (anonymous, wrong):
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert TOKEN not in refused.text


async def test_without_a_token_there_are_no_metrics(
    settings: Settings, client_for: ClientFactory
) -> None:
    # Unset here even if the developer's .env sets one.
    async with client_for(settings.model_copy(update={"metrics_token": None})) as client:
        response = await client.get("/metrics", headers=AUTHORIZED)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_metrics_stay_out_of_the_api_schema(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    assert "/metrics" not in schema["paths"]
