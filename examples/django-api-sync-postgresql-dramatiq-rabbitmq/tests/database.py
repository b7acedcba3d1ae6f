"""The PostgreSQL server the tests run on.

pytest-django creates the test database on the server ``TEST_DATABASE_URL`` names
(see the test settings), wraps each test in a transaction it rolls back, and drops
the database when the run ends. There is no fallback: without a server every
database test fails, and says how to start one.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql


def server_connection() -> psycopg.Connection[tuple[Any, ...]]:
    """An autocommit connection to the server, through the database TEST_DATABASE_URL names."""
    return psycopg.connect(settings.TEST_DATABASE_URL, autocommit=True, connect_timeout=5)


def server_unreachable() -> str:
    """Why the server does not answer ("" when it does)."""
    try:
        server_connection().close()
    except psycopg.OperationalError as error:
        return str(error)
    return ""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Before pytest-django creates the test database: is the server there at all?"""
    if reason := server_unreachable():
        database = settings.DATABASES["default"]
        server = f"{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        pytest.fail(
            f"PostgreSQL is not reachable at {server}: {reason}\n"
            "Start it with `docker compose up --detach --wait db`, "
            "or point TEST_DATABASE_URL at a server.",
            pytrace=False,
        )


@contextmanager
def database_outage() -> Iterator[None]:
    """The test database refuses connections, and loses the open ones, until the block ends."""
    name = connection.settings_dict["NAME"]
    db = sql.Identifier(name)
    with server_connection() as server:
        server.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(db))
        try:
            server.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            yield
        finally:
            server.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(db))
            # The outage broke this thread's connection too: the next query borrows a new one.
            connection.close()
