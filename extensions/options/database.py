"""The ``database`` question: PostgreSQL runs as a server, SQLite as a file on a volume."""

from __future__ import annotations

from typing import Any

from .slots import Health, Process, Service


def app_volumes(project: Any) -> tuple[tuple[str, str], ...]:
    """SQLite's file lives in data/, on a volume the application containers share."""
    return (("data", "/app/data"),) if project.uses_sqlite else ()


def processes(project: Any) -> tuple[Process, ...]:
    """With a database, the migrations run once before the web server starts."""
    if not project.has_db:
        return ()
    return (
        Process(
            name="migrate",
            comment=(
                "One-shot: applies the migrations and exits; web starts only once it succeeded."
            ),
            command=tuple(project.runtime.migrate),
            one_shot=True,
        ),
    )


def services(project: Any) -> tuple[Service, ...]:
    if not project.uses_postgresql:
        return ()
    database = project.answers["package_name"]
    return (
        Service(
            name="db",
            server="PostgreSQL",
            image=project.postgres_image,
            port=5432,
            volume="pgdata",
            data_dir="/var/lib/postgresql/data",
            health=Health(
                command=("pg_isready", "--username", "postgres", "--dbname", database),
                ci_command="pg_isready --username postgres",
                interval_seconds=5,
                timeout_seconds=5,
            ),
            ci_alias="postgres",
            app_setting="DATABASE_URL",
            app_url=project.postgres_url("db", database, "${POSTGRES_PASSWORD:-postgres}"),
            test_setting="TEST_DATABASE_URL",
            test_url=project.postgres_url("{host}", "postgres"),
            used_by=("web", "migrate"),
            comment=(
                "Also reachable from the host, for `make run` and the tests (TEST_DATABASE_URL)."
            ),
            environment=(
                ("POSTGRES_DB", database),
                ("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD:-postgres}"),
            ),
            ci_comment="The tests create (and drop) a database of their own on this server.",
            ci_variables=(("POSTGRES_HOST_AUTH_METHOD", "trust"),),
        ),
    )
