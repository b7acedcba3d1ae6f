"""Shared fixtures: settings, a migrated database, the app and an HTTP client."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.main import create_app
from app.settings import Settings

# Fixtures of the services the project uses: database_url, ...
pytest_plugins = ["tests.database"]

ClientFactory = Callable[[Settings], AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


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
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
