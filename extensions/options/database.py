"""The ``database`` question: PostgreSQL runs as a server, SQLite as a file on a volume."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..docs import EnvVar
from .slots import Feature, Health, Process, Service


def features(answers: Mapping[str, Any]) -> tuple[Feature, ...]:
    """The items example: an API over one table (and pages in a full-stack Django project)."""
    if answers["database"] == "none":
        return ()
    if answers["framework"] != "django":
        return (Feature("items", ("routes", "service", "repository", "models", "schemas")),)
    layers = ("routes", "service", "selectors", "models", "serializers")
    if answers["project_kind"] == "fullstack":
        layers += ("views",)
    return (Feature("items", layers),)


def folders(project: Any) -> dict[str, bool]:
    """The template folders the answer renders (``project.on.<name>``): every database's,
    each server's own, and SQLAlchemy's models and Alembic's migrations, which FastAPI and
    Flask use (Django has its ORM and its own migrations)."""
    database = project.answers["database"]
    sqlalchemy = project.has_db and project.answers["framework"] in {"fastapi", "flask"}
    return {
        "database": project.has_db,
        "sqlite": database == "sqlite",
        "postgresql": database == "postgresql",
        "sqlalchemy": sqlalchemy,
        "alembic": sqlalchemy,
    }


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


def env_vars(project: Any) -> tuple[EnvVar, ...]:
    """The database's settings: its URL, pool and timeouts, and the tests' server."""
    answers = project.answers
    framework = answers["framework"]
    database_url = project.runtime.database_url
    found: list[EnvVar] = []
    if database_url:
        url_kind = "Database URL" if framework == "django" else "SQLAlchemy URL"
        where = (
            (
                "A relative SQLite path is resolved from the working directory",
                "(/app inside the container, where data/ is a volume).",
            )
            if answers["database"] == "sqlite"
            else ("The default reaches compose's db service (docker compose up --detach db).",)
        )
        found.append(
            EnvVar(
                "DATABASE_URL",
                f"`{database_url}`",
                url_kind,
                database_url,
                False,
                (
                    "URL of the database (dj-database-url syntax)."
                    if framework == "django"
                    else "SQLAlchemy URL of the database.",
                    *where,
                ),
            )
        )
    if database_url and (framework in {"fastapi", "flask"} or answers["database"] == "postgresql"):
        found += [
            EnvVar(
                "DATABASE_POOL_SIZE",
                "`5`",
                "connections each process keeps open",
                "10",
                True,
                ("Connections each process keeps open (default 5) ...",),
            ),
            EnvVar(
                "DATABASE_MAX_OVERFLOW",
                "`10`",
                "extra connections a burst may open",
                "20",
                True,
                ("... and how many more a burst may open (default 10).",),
            ),
        ]
    found += _timeouts(answers) if database_url else []
    if answers["database"] == "postgresql":
        server = database_url.split("://", 1)[0] + "://postgres:postgres@localhost:5432/postgres"
        found.append(
            EnvVar(
                "TEST_DATABASE_URL",
                f"`{server}`",
                "the PostgreSQL server the tests create their databases on",
                server,
                True,
                (
                    "The server the tests create (and drop) a database of their own on;",
                    "they fail, never skip, when it is unreachable. The tests read it from",
                    "the environment only: export it (this file does not reach them).",
                ),
            )
        )
    return tuple(found)


def _timeouts(answers: Mapping[str, Any]) -> list[EnvVar]:
    """The waits a request spends on the database: past any of them it is answered 503."""
    postgresql = answers["database"] == "postgresql"
    pooled = postgresql or answers["framework"] != "django"  # Django pools PostgreSQL only
    found = []
    if postgresql:
        found.append(
            EnvVar(
                "DATABASE_CONNECT_TIMEOUT_SECONDS",
                "`5`",
                "seconds to wait for a new database connection",
                "10",
                True,
                ("Seconds to wait for a new database connection (default 5).",),
            )
        )
    found.append(
        EnvVar(
            "DATABASE_STATEMENT_TIMEOUT_SECONDS",
            "`15`",
            "seconds one statement may run"
            if postgresql
            else "seconds a statement waits for another connection's lock",
            "30",
            True,
            (
                "Seconds one statement may run before it is cancelled (default 15)."
                if postgresql
                else "Seconds a statement waits for another connection's lock (default 15).",
            ),
        )
    )
    if pooled:
        found.append(
            EnvVar(
                "DATABASE_POOL_TIMEOUT_SECONDS",
                "`5`",
                "seconds a request waits for a pooled connection",
                "10",
                True,
                ("Seconds a request waits for a free pooled connection (default 5).",),
            )
        )
    return found
