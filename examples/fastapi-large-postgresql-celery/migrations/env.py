"""Alembic environment: migrates with the application's own engine (asyncio)."""

import asyncio
import logging
import shlex
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from acme_orders.core.config import get_settings
from acme_orders.core.database import Base, build_engine
from acme_orders.models.items import Item

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

logger = logging.getLogger("alembic.env")

# Importing the models registers their tables on the metadata autogenerate compares.
MODELS = (Item,)
target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of connecting (``alembic upgrade --sql``)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def missing_database(url: str) -> str | None:
    """How to create the database at ``url`` if its server answers but does not have it.

    None when the database exists, or when the server itself cannot be asked (its own
    error then says what is wrong).
    """
    target = make_url(url)
    name = str(target.database)
    server = create_async_engine(target.set(database="postgres"), poolclass=NullPool)
    try:
        async with server.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
    except (DBAPIError, OSError):
        return None
    finally:
        await server.dispose()
    if found is not None:
        return None
    host, port = target.host or "localhost", target.port or 5432
    createdb = ["createdb", "--host", host, "--port", str(port)]
    if target.username:
        createdb += ["--username", target.username]
    command = shlex.join([*createdb, name])
    return f'database "{name}" does not exist on {host}:{port}; create it with: {command}'


async def run_migrations_online() -> None:
    url = database_url()
    engine = build_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    except DBAPIError:
        problem = await missing_database(url)
        if problem is None:
            raise
        # One line that says what to do, instead of the driver's traceback.
        logger.error(problem)
        raise SystemExit(1) from None
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
