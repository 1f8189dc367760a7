"""The write-key directory on both databases ingest supports: a lookup is trusted for at most its
cache time, a rotated-out key only during its grace, and last-seen is written once a minute."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from banso_ingest.__main__ import MIGRATIONS
from banso_ingest.adapters import source_store, workspaces
from banso_ingest.adapters.sources import SourceDirectory
from banso_ingest.domain.credentials import as_utc
from banso_ingest.domain.ports import SourceRef
from banso_kit.db import Database
from banso_kit.migrations import upgrade

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


class Clocks:
    """The directory's two clocks, moved by the test: monotonic seconds and the wall clock."""

    def __init__(self) -> None:
        self.tick = 0.0
        self.now = NOW

    def advance(self, seconds: float) -> None:
        self.tick += seconds
        self.now += timedelta(seconds=seconds)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.dispose()


async def _source(db: Database) -> source_store.NewKey:
    async with db.session() as session:
        workspace = await workspaces.create_workspace(session, name="Acme", now=NOW)
        return await source_store.create_source(
            session, workspace_id=workspace.id, name="web", now=NOW
        )


def _directory(db: Database, clocks: Clocks) -> SourceDirectory:
    return SourceDirectory(db, ttl_s=0.5, clock=lambda: clocks.tick, now=lambda: clocks.now)


async def test_a_revoked_key_is_trusted_no_longer_than_the_cache_time(db: Database) -> None:
    clocks = Clocks()
    created = await _source(db)
    directory = _directory(db, clocks)
    ref = SourceRef(created.source.workspace_id, created.source.id)
    assert await directory.resolve(created.write_key) == ref
    assert await directory.resolve("wk_unknown") is None

    async with db.session() as session:
        await source_store.revoke_source(
            session,
            workspace_id=created.source.workspace_id,
            source_id=created.source.id,
            now=clocks.now,
        )
    clocks.advance(0.4)
    assert await directory.resolve(created.write_key) == ref  # still within the cache time
    clocks.advance(0.2)
    assert await directory.resolve(created.write_key) is None


async def test_a_rotated_out_key_works_until_its_grace_ends(db: Database) -> None:
    clocks = Clocks()
    created = await _source(db)
    async with db.session() as session:
        rotated = await source_store.rotate_key(
            session,
            workspace_id=created.source.workspace_id,
            source_id=created.source.id,
            grace=timedelta(minutes=10),
            now=clocks.now,
        )
    directory = _directory(db, clocks)
    ref = SourceRef(created.source.workspace_id, created.source.id)
    assert await directory.resolve(created.write_key) == ref
    assert await directory.resolve(rotated.write_key) == ref
    clocks.advance(10 * 60 + 1)
    assert await directory.resolve(created.write_key) is None
    assert await directory.resolve(rotated.write_key) == ref


async def test_last_seen_is_written_at_most_once_a_minute(db: Database) -> None:
    clocks = Clocks()
    created = await _source(db)
    directory = _directory(db, clocks)

    async def last_seen() -> datetime | None:
        async with db.read_session() as session:
            (source,) = await source_store.list_sources(
                session, workspace_id=created.source.workspace_id
            )
            return None if source.last_seen_at is None else as_utc(source.last_seen_at)

    assert await last_seen() is None
    await directory.resolve(created.write_key)
    assert await last_seen() == NOW
    clocks.advance(30)
    await directory.resolve(created.write_key)
    assert await last_seen() == NOW
    clocks.advance(31)
    await directory.resolve(created.write_key)
    assert await last_seen() == NOW + timedelta(seconds=61)


async def test_requests_that_find_the_key_stale_together_share_one_read(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from banso_ingest.adapters import sources

    reads: list[str] = []
    real = source_store.source_for_write_key

    async def counted(*args: object, **kwargs: object) -> object:
        reads.append("read")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "source_for_write_key", counted)
    clocks = Clocks()
    created = await _source(db)
    directory = _directory(db, clocks)
    ref = SourceRef(created.source.workspace_id, created.source.id)

    found = await asyncio.gather(*(directory.resolve(created.write_key) for _ in range(20)))
    assert found == [ref] * 20
    assert len(reads) == 1
    clocks.advance(0.6)  # stale: read again, once for all of them
    found = await asyncio.gather(*(directory.resolve(created.write_key) for _ in range(20)))
    assert found == [ref] * 20
    assert len(reads) == 2
