"""While ingest runs, Python's cyclic garbage collector passes rarely (`main.GC_THRESHOLDS`: at the
default, its passes took ~9 % of a busy worker's CPU and paused every request); the process gets
its own setting back when the app stops, so code running after it (tests, an embedding program)
is not left with ingest's choice."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager

from banso_ingest.__main__ import MIGRATIONS
from banso_ingest.config import IngestSettings
from banso_ingest.main import GC_THRESHOLDS, create_app
from banso_kit.migrations import upgrade


@pytest.mark.kafka
async def test_the_collector_passes_rarely_while_ingest_runs_and_the_setting_is_given_back(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'ingest.db'}"
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    app = create_app(
        IngestSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            topic_prefix=topic_prefix,
        )
    )
    before = gc.get_threshold()
    assert before != GC_THRESHOLDS
    async with LifespanManager(app):
        assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_threshold() == before
