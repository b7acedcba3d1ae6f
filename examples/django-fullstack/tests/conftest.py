"""Shared fixtures and sample data."""

from pathlib import Path

import pytest

from app.models.items import Item
from app.services.items import item_create

# The project root: manage.py's folder.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample_item(db: None) -> Item:
    return item_create(name="Sample", description="A starting item")
