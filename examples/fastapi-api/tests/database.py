"""Database fixtures: SQLite migrated once per session, copied fresh for every test."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncSession

from app.database import build_engine, build_sessionmaker
from app.models.items import Item
from app.repositories.items import ItemRepository

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
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    return path


@pytest.fixture
def database_url(migrated_database: Path, tmp_path: Path) -> str:
    """A fresh copy of the migrated database for each test."""
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_database, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> str:
    """A database no migration has touched."""
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = build_engine(database_url)
    async with build_sessionmaker(engine)() as db_session:
        yield db_session
    await engine.dispose()


@pytest.fixture
async def sample_item(session: AsyncSession) -> Item:
    return await ItemRepository(session).add(Item(name="Sample", description="A starting item"))
