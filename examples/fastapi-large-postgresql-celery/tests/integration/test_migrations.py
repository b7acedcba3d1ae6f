"""Migrations apply, roll back and match the models."""

import uuid

import pytest
from alembic import command
from sqlalchemy import make_url

from tests.database import alembic_config


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)

    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")


def test_models_and_migrations_agree(database_url: str) -> None:
    # Raises if autogenerate would write a new migration.
    command.check(alembic_config(database_url))


def test_a_missing_database_stops_the_migration_with_one_line(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = f"missing_{uuid.uuid4().hex[:12]}"
    missing = make_url(database_url).set(database=name).render_as_string(hide_password=False)

    with pytest.raises(SystemExit) as exited:
        command.upgrade(alembic_config(missing), "head")

    assert exited.value.code == 1
    [record] = [record for record in caplog.records if record.name == "alembic.env"]
    assert record.levelname == "ERROR"
    assert f'database "{name}" does not exist' in record.getMessage()
    assert record.getMessage().endswith(f" {name}")
    assert "createdb --host" in record.getMessage()
