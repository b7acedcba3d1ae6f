"""Migrations apply, roll back and match the models."""

from alembic import command

from tests.database import alembic_config


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)

    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")


def test_models_and_migrations_agree(database_url: str) -> None:
    # Raises if autogenerate would write a new migration.
    command.check(alembic_config(database_url))
