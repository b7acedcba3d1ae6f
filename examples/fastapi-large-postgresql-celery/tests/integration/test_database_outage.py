"""While PostgreSQL is down the items API answers 503, and it recovers without a restart.

A connection the server drops mid-request is discarded when the request ends.
"""

import asyncio

import pytest
from alembic import command
from fastapi import FastAPI, Request
from sqlalchemy import text

from acme_orders.core.config import Settings
from acme_orders.core.database import build_engine, build_sessionmaker, get_session
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


async def test_a_connection_the_database_dropped_mid_request_is_discarded(
    empty_database_url: str,
) -> None:
    """Closing the request's session cannot roll back on it: the connection is dropped,
    no error escapes (it would turn the request's answer into a 500), and the pool serves
    the next session."""
    engine = build_engine(empty_database_url)
    app = FastAPI()
    app.state.sessionmaker = build_sessionmaker(engine)
    sessions = get_session(Request({"type": "http", "app": app}))
    session = await anext(sessions)
    backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    admin = build_engine(empty_database_url)
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    await admin.dispose()

    # The request ends: the dependency's teardown runs, and raises nothing.
    with pytest.raises(StopAsyncIteration):
        await anext(sessions)
    after = await anext(get_session(Request({"type": "http", "app": app})))
    assert (await after.execute(text("SELECT 1"))).scalar_one() == 1
    await after.close()
    await engine.dispose()
