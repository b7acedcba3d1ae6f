"""Shared fixtures: settings, a migrated database, the app and an HTTP client."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from acme_orders.core.config import Settings
from acme_orders.main import create_app

# Fixtures of the services the project uses: database_url, redis_url, jobs_queue, ...
pytest_plugins = ["tests.database", "tests.jobs"]

ClientFactory = Callable[[Settings], AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def settings(database_url: str, redis_url: str, jobs_queue: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=redis_url,
        jobs_queue=jobs_queue,
    )


@pytest.fixture
def client_for() -> ClientFactory:
    """Start an app with the given settings and talk to it over ASGI."""

    @asynccontextmanager
    async def start(settings: Settings) -> AsyncIterator[AsyncClient]:
        app = create_app(settings)
        transport = ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=transport, base_url="http://testserver") as client,
        ):
            yield client

    return start


@pytest.fixture
async def app(
    settings: Settings, test_sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        # Requests join the test's transaction, rolled back when the test ends.
        application.state.sessionmaker = test_sessionmaker
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
