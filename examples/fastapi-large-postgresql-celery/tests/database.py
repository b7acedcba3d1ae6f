"""Database fixtures: a PostgreSQL database per test session, a rolled-back transaction per test.

``TEST_DATABASE_URL`` names the server, through a database the tests may connect to
(usually ``postgres``). Each session creates a database of its own beside it, so runs
never collide, and drops it at the end. There is no fallback: without a server every
database test fails and says how to start one.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import make_url, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from acme_orders.models.items import Item
from acme_orders.repositories.items import ItemRepository

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = make_url(
    os.environ.get(
        "TEST_DATABASE_URL", "postgresql+asyncpg://postgres:postgres@localhost:5432/postgres"
    )
)


def alembic_config(database_url: str) -> Config:
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["configure_logger"] = False
    return config


async def _run_on_server(statement: str, **parameters: str) -> None:
    # CREATE and DROP DATABASE cannot run inside a transaction.
    engine = create_async_engine(SERVER_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement), parameters)
    finally:
        await engine.dispose()


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty database on the test server, dropped on exit."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    try:
        asyncio.run(_run_on_server(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as error:
        server = SERVER_URL.render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL is not reachable at {server}: {error}\n"
            "Start it with `docker compose up --detach --wait db`, "
            "or point TEST_DATABASE_URL at a server.",
            pytrace=False,
        )
    try:
        yield SERVER_URL.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_run_on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@asynccontextmanager
async def database_outage(database_url: str) -> AsyncIterator[None]:
    """The database refuses connections, and loses the open ones, until the block ends."""
    name = str(make_url(database_url).database)
    await _run_on_server(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        await _run_on_server(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name",
            name=name,
        )
        yield
    finally:
        await _run_on_server(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """This session's database, migrated to the latest revision."""
    with scratch_database() as url:
        command.upgrade(alembic_config(url), "head")
        yield url


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A database no migration has touched."""
    with scratch_database() as url:
        yield url


@pytest.fixture
async def connection(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back when the test ends."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.connect() as db_connection:
        transaction = await db_connection.begin()
        yield db_connection
        await transaction.rollback()
    await engine.dispose()


@pytest.fixture
def test_sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions inside the test's transaction: their commits only release a savepoint."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(
    test_sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with test_sessionmaker() as db_session:
        yield db_session


@pytest.fixture
async def sample_item(session: AsyncSession) -> Item:
    return await ItemRepository(session).add(Item(name="Sample", description="A starting item"))
