"""``manage.py migrate``, which first checks that the PostgreSQL database exists.

Without the check, a database nobody created fails deep inside the connection pool,
with a traceback that never says what to do. This one says it in one line.
"""

import shlex
from collections.abc import Mapping
from typing import Any

import psycopg
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections
from psycopg.conninfo import make_conninfo

CONNECT_TIMEOUT_SECONDS = 5


def missing_database(database: Mapping[str, Any]) -> str | None:
    """How to create the database of these settings if its server answers but lacks it.

    None when the database exists, or when the server itself cannot be asked (the
    migration's own error then says what is wrong).
    """
    name = str(database["NAME"])
    server = make_conninfo(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
    )
    try:
        with psycopg.connect(make_conninfo(server, dbname=name)):
            return None
    except psycopg.OperationalError:
        pass  # missing, or the server is away: ask the server which
    try:
        with psycopg.connect(make_conninfo(server, dbname="postgres")) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
    except psycopg.Error:
        return None
    if found is not None:
        return None
    host = str(database.get("HOST") or "localhost")
    port = str(database.get("PORT") or 5432)
    createdb = ["createdb", "--host", host, "--port", port]
    if database.get("USER"):
        createdb += ["--username", str(database["USER"])]
    command = shlex.join([*createdb, name])
    return f'database "{name}" does not exist on {host}:{port}; create it with: {command}'


class Command(migrate.Command):
    def execute(self, *args: Any, **options: Any) -> str | None:
        problem = missing_database(connections[options["database"]].settings_dict)
        if problem is not None:
            raise CommandError(problem)
        return super().execute(*args, **options)
