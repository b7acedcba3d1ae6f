"""While SQLite is locked the items API answers 503, and it recovers once the lock is gone."""

import sqlite3
from contextlib import closing

from sqlalchemy import make_url

from app.settings import Settings
from tests.conftest import ClientFactory

PROBLEM = "application/problem+json"


async def test_the_items_api_is_unavailable_while_the_database_is_locked(
    settings: Settings, client_for: ClientFactory, database_url: str
) -> None:
    # SQLite waits this long for another connection's lock, then gives up.
    settings = settings.model_copy(update={"database_statement_timeout_seconds": 0.1})
    path = str(make_url(database_url).database)
    async with client_for(settings) as client:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN EXCLUSIVE")
            down = await client.get("/api/v1/items")
            other.execute("ROLLBACK")

        assert down.status_code == 503
        assert down.headers["content-type"] == PROBLEM
        assert down.headers["Retry-After"] == "5"
        assert down.json()["detail"] == "The database is unavailable; retry shortly."
        assert (await client.get("/api/v1/items")).status_code == 200
