"""Shared fixtures: settings, the app and its test client."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from errors import ProblemDetailsAPI
from main import create_app
from settings import Settings

# Fixtures of the services the project uses: database_url, ...
pytest_plugins = ["tests.database"]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> ProblemDetailsAPI:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
