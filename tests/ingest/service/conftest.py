"""Fixtures of the ingest tests: the real service, on the real broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ingest.service.support import IngestServer, running_ingest


@pytest.fixture(scope="module")
def ingest(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[IngestServer]:
    """One ingest process (SQLite, one worker) shared by a test module; topics under a new prefix."""
    with running_ingest(tmp_path_factory.mktemp("ingest"), bootstrap=kafka_bootstrap) as server:
        yield server
