"""Fixtures of the bridge service tests: a migrated database of each kind."""

from __future__ import annotations

import pytest

from banso_kit.migrations import upgrade

from .support import MIGRATIONS


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """Migrated synchronously (Alembic runs its own event loop) before the test starts."""
    upgrade(database_url, MIGRATIONS)
    return database_url
