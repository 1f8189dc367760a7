"""Every service's Alembic history builds exactly the schema its models declare, on SQLite and
PostgreSQL — so `banso-<service> migrate` upgrades an existing database in place, and a model
changed without a migration fails here."""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade

SERVICES = ["ingest", "scoring", "bridge", "notify", "console"]


def _metadata(service: str) -> MetaData:
    models = importlib.import_module(f"banso_{service}.models")
    base = getattr(models, f"{service.capitalize()}Model")
    metadata: MetaData = base.metadata
    return metadata


def _diff(connection: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models(service: str, database_url: str) -> None:
    module = importlib.import_module(f"banso_{service}")
    migrations = Path(module.__file__ or "").parent / "migrations"
    upgrade(database_url, migrations)
    upgrade(database_url, migrations)  # a second upgrade is a no-op

    async def diff() -> list[object]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(_diff, _metadata(service))
        finally:
            await engine.dispose()

    assert asyncio.run(diff()) == []


def test_a_migrated_sqlite_file_is_already_in_wal_mode(tmp_path: Path) -> None:
    """Service processes (several uvicorn workers, the consumer) open the file at once; if the
    first of them had to switch it to WAL, two switching together would deadlock in SQLite."""
    path = tmp_path / "ingest.db"
    upgrade(
        f"sqlite:///{path}",
        Path(importlib.import_module("banso_ingest").__file__ or "").parent / "migrations",
    )
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()
