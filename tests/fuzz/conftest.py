"""One running service per fuzz module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.support import Target, create_write_key, running, seed_accounts


@pytest.fixture
def service(
    request: pytest.FixtureRequest, kafka_bootstrap: str, tmp_path: pytest.TempPathFactory
) -> Iterator[Target]:
    name: str = request.module.SERVICE
    prepare = {"ingest": create_write_key, "scoring": seed_accounts}.get(name)
    with running(name, tmp_path, kafka_bootstrap, prepare) as target:  # type: ignore[arg-type]
        yield target
