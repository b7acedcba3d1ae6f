"""The committed migrations match the models, and apply both ways."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from app.models.items import Item

APP_LABEL = "app"


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
