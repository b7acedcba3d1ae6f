"""While PostgreSQL is down the items API answers 503, and it recovers without a restart."""

import asyncio

from alembic import command

from acme_orders.core.config import Settings
from tests.conftest import ClientFactory
from tests.database import alembic_config, database_outage

PROBLEM = "application/problem+json"


async def test_the_items_api_is_unavailable_while_the_database_is_down(
    settings: Settings, client_for: ClientFactory, empty_database_url: str
) -> None:
    # A database of the test's own, so that the outage leaves the other tests' alone.
    # Alembic runs an event loop of its own: in a thread, beside the test's.
    await asyncio.to_thread(command.upgrade, alembic_config(empty_database_url), "head")
    settings = settings.model_copy(update={"database_url": empty_database_url})
    async with client_for(settings) as client:
        assert (await client.get("/api/v1/items")).status_code == 200

        async with database_outage(empty_database_url):
            down = await client.post("/api/v1/items", json={"name": "Widget"})

        assert down.status_code == 503
        assert down.headers["content-type"] == PROBLEM
        assert down.headers["Retry-After"] == "5"
        assert down.json()["detail"] == "The database is unavailable; retry shortly."
        assert (await client.post("/api/v1/items", json={"name": "Widget"})).status_code == 201
