"""The committed migrations match the models, and apply both ways on PostgreSQL."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from acme_orders.items.management.commands.migrate import missing_database
from acme_orders.items.models import Item

APP_LABEL = "items"


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    # Exits with an error if makemigrations would write a new migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def items_table_exists() -> bool:
    return Item._meta.db_table in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_migrations_apply_roll_back_and_apply_again() -> None:
    call_command("migrate", APP_LABEL, verbosity=0)
    assert items_table_exists()

    call_command("migrate", APP_LABEL, "zero", verbosity=0)
    assert not items_table_exists()

    call_command("migrate", APP_LABEL, verbosity=0)
    assert items_table_exists()


@pytest.mark.django_db
def test_an_existing_database_is_not_missing() -> None:
    assert missing_database(connection.settings_dict) is None


def test_migrate_names_a_missing_database_and_how_to_create_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = f"missing_{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(connections["default"].settings_dict, "NAME", name)

    with pytest.raises(CommandError) as raised:
        call_command("migrate", verbosity=0)

    message = str(raised.value)
    assert "\n" not in message
    assert f'database "{name}" does not exist' in message
    assert "createdb --host" in message
    assert message.endswith(f" {name}")
