"""Database fixtures: SQLite migrated once per session, copied fresh for every test."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from database import build_engine, build_sessionmaker
from items_models import Item
from items_repository import ItemRepository

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated to the latest revision once per test session."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture
def database_url(migrated_database: Path, tmp_path: Path) -> str:
    """A fresh copy of the migrated database for each test."""
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> str:
    """A database no migration has touched."""
    return f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session of its own, outside any request, on the test's database."""
    engine = build_engine(database_url)
    with build_sessionmaker(engine)() as db_session:
        yield db_session
    engine.dispose()


@pytest.fixture
def sample_item(session: Session) -> Item:
    return ItemRepository(session).add(Item(name="Sample", description="A starting item"))
