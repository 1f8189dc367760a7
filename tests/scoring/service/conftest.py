"""Fixtures of the scoring service tests: settings on a fresh database and unique topics."""

from __future__ import annotations

import pytest

from banso_scoring.config import ScoringSettings

from .support import settings_for


@pytest.fixture
def settings(database_url: str, kafka_bootstrap: str, topic_prefix: str) -> ScoringSettings:
    """Migrated (synchronously: Alembic runs its own event loop) before the test starts."""
    return settings_for(database_url, kafka_bootstrap, topic_prefix)
