"""Alembic helpers: every service keeps its own migrations; the kit runs them the same way."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from banso_kit.db import async_url, create_engine, is_sqlite


def alembic_config(database_url: str, script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    # ConfigParser interpolates '%': escape it so passwords with '%' survive.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, script_location: Path, revision: str = "head") -> None:
    """Upgrade the database in place. Synchronous: call it via `asyncio.to_thread` from async code."""
    if is_sqlite(database_url):
        # Creates the file's directory and switches the file to WAL once, before any service
        # process opens it: WAL is kept in the file, and two processes switching it at the same
        # moment deadlock in SQLite ("database is locked" without waiting).
        asyncio.run(_prepare_sqlite(database_url))
    command.upgrade(alembic_config(database_url, script_location), revision)


async def _prepare_sqlite(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect():
            pass  # connecting runs the engine's pragmas (journal_mode=WAL)
    finally:
        await engine.dispose()


def revision(database_url: str, script_location: Path, message: str) -> None:
    """Autogenerate a new revision from the difference between the models and the database."""
    command.revision(
        alembic_config(database_url, script_location), message=message, autogenerate=True
    )


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's `migrations/env.py`."""
    url = context.config.get_main_option("sqlalchemy.url") or ""
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=target_metadata,
            literal_binds=True,
            render_as_batch=is_sqlite(url),
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target_metadata))


async def _run_online(url: str, target_metadata: MetaData) -> None:
    engine = async_engine_from_config(
        {"sqlalchemy.url": async_url(url)}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, target_metadata, is_sqlite(url))
    await engine.dispose()


def _migrate(connection: Connection, target_metadata: MetaData, sqlite: bool) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
