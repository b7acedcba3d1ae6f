"""Shared fixtures and sample data; every test talks to the test Redis and RabbitMQ."""

from pathlib import Path

import pytest
from pytest_django import Settings

from acme_orders.items.models import Item
from acme_orders.items.services import item_create

# The PostgreSQL server (checked before pytest-django creates the test database), and
# Redis, RabbitMQ, the worker process and a webhook receiver for the jobs.
pytest_plugins = ["tests.database", "tests.jobs"]

# The project root: manage.py's folder.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def jobs_settings(settings: Settings, redis_url: str, broker_url: str, jobs_queue: str) -> None:
    """The test Redis and RabbitMQ, and a queue of this test session's own."""
    settings.REDIS_URL = redis_url
    settings.BROKER_URL = broker_url
    settings.JOBS_QUEUE = jobs_queue


@pytest.fixture
def sample_item(db: None) -> Item:
    return item_create(name="Sample", description="A starting item")
