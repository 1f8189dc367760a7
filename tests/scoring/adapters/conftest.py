"""Scoring's adapters against a real database: SQLite and PostgreSQL (`database_url`), migrated."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade

MIGRATIONS = Path(importlib.import_module("banso_scoring").__file__ or "").parent / "migrations"


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on a database migrated to the newest revision."""
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            yield session
    finally:
        await engine.dispose()
