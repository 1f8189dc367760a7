"""The dedupe ledger and the last-group map on both databases ingest supports.

Two writers on one database stand for two uvicorn workers (or two hosts): the database alone
decides which of them gets a messageId.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from banso_ingest.__main__ import MIGRATIONS
from banso_ingest.adapters.group_commit import Execute, GroupCommitWriter
from banso_ingest.adapters.groups import SqlGroupDirectory
from banso_ingest.adapters.ledger import SqlDedupeLedger
from banso_ingest.domain.ports import StoreUnavailable
from banso_kit.db import Database
from banso_kit.migrations import upgrade

pytestmark = pytest.mark.postgres

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
WINDOW = timedelta(hours=24)
LEASE = timedelta(seconds=60)


@pytest.fixture
async def migrated(database_url: str) -> str:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    return database_url


@pytest.fixture
async def writers(migrated: str) -> AsyncIterator[list[GroupCommitWriter]]:
    databases = [Database(migrated), Database(migrated)]
    started = [GroupCommitWriter(db) for db in databases]
    for writer in started:
        writer.start()
    try:
        yield started
    finally:
        for writer in started:
            await writer.stop()
        for db in databases:
            await db.dispose()


def ledger(writer: GroupCommitWriter) -> SqlDedupeLedger:
    return SqlDedupeLedger(writer, window=WINDOW, lease=LEASE)


async def test_a_claim_is_held_then_published_then_a_duplicate(
    writers: list[GroupCommitWriter],
) -> None:
    mine, other = ledger(writers[0]), ledger(writers[1])

    first = await mine.claim(workspace_id="ws", source_id="s", message_ids=["a", "b"], now=NOW)
    assert first.claimed == {"a", "b"}

    meanwhile = await other.claim(workspace_id="ws", source_id="s", message_ids=["b", "c"], now=NOW)
    assert meanwhile.claimed == {"c"}
    assert meanwhile.in_flight == {"b"}
    assert not meanwhile.duplicates

    await mine.confirm(source_id="s", token=first.token, now=NOW)
    later = await other.claim(
        workspace_id="ws", source_id="s", message_ids=["a", "b"], now=NOW + timedelta(hours=23)
    )
    assert not later.claimed
    assert later.duplicates == {"a", "b"}


async def test_released_claims_can_be_claimed_again(writers: list[GroupCommitWriter]) -> None:
    mine, other = ledger(writers[0]), ledger(writers[1])
    held = await mine.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)
    await mine.release(source_id="s", token=held.token, message_ids=["a"])

    again = await other.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)
    assert again.claimed == {"a"}


async def test_the_dedupe_window_is_per_source_and_ends(writers: list[GroupCommitWriter]) -> None:
    store = ledger(writers[0])
    held = await store.claim(workspace_id="ws", source_id="s1", message_ids=["a"], now=NOW)
    await store.confirm(source_id="s1", token=held.token, now=NOW)

    other_source = await store.claim(workspace_id="ws", source_id="s2", message_ids=["a"], now=NOW)
    after_window = await store.claim(
        workspace_id="ws",
        source_id="s1",
        message_ids=["a"],
        now=NOW + WINDOW + timedelta(seconds=1),
    )
    assert other_source.claimed == after_window.claimed == {"a"}


async def test_a_lease_left_by_a_dead_process_expires_and_its_token_is_void(
    writers: list[GroupCommitWriter],
) -> None:
    dead, alive = ledger(writers[0]), ledger(writers[1])
    abandoned = await dead.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)

    later = NOW + LEASE + timedelta(seconds=1)
    taken = await alive.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=later)
    assert taken.claimed == {"a"}
    # the first claimer's late confirmation or release must not touch the new claim
    await dead.release(source_id="s", token=abandoned.token, message_ids=["a"])
    still = await dead.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=later)
    assert still.in_flight == {"a"}


async def test_a_confirm_publishes_the_whole_claim_but_the_ids_it_gives_back(
    writers: list[GroupCommitWriter],
) -> None:
    mine, other = ledger(writers[0]), ledger(writers[1])
    held = await mine.claim(workspace_id="ws", source_id="s", message_ids=["a", "b", "c"], now=NOW)
    await mine.confirm(source_id="s", token=held.token, now=NOW, unpublished=["c"])

    later = await other.claim(
        workspace_id="ws", source_id="s", message_ids=["a", "b", "c"], now=NOW + LEASE * 2
    )
    assert later.duplicates == {"a", "b"}
    assert later.claimed == {"c"}


async def test_a_late_confirm_of_a_claim_taken_over_does_not_publish_the_new_claim(
    writers: list[GroupCommitWriter],
) -> None:
    dead, alive = ledger(writers[0]), ledger(writers[1])
    abandoned = await dead.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    taken = await alive.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=later)
    assert taken.claimed == {"a"}

    await dead.confirm(source_id="s", token=abandoned.token, now=later)
    retried = await dead.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=later)
    assert retried.in_flight == {"a"}
    assert not retried.duplicates


async def test_a_confirmed_claim_outlives_its_lease_until_the_window_ends(
    writers: list[GroupCommitWriter],
) -> None:
    store = ledger(writers[0])
    held = await store.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)
    await store.confirm(source_id="s", token=held.token, now=NOW)

    just_before = NOW + WINDOW - timedelta(seconds=1)
    assert await store.forget_expired(now=just_before) == 0
    before = await store.claim(workspace_id="ws", source_id="s", message_ids=["a"], now=just_before)
    after = await store.claim(
        workspace_id="ws", source_id="s", message_ids=["a"], now=NOW + WINDOW + timedelta(seconds=1)
    )
    assert before.duplicates == {"a"}
    assert after.claimed == {"a"}


async def test_concurrent_claims_from_two_workers_give_each_id_to_exactly_one(
    writers: list[GroupCommitWriter],
) -> None:
    ids = [f"m{n}" for n in range(200)]
    stores = [ledger(writers[n % 2]) for n in range(20)]

    claims = await asyncio.gather(
        *(
            store.claim(
                workspace_id="ws", source_id="s", message_ids=ids[n * 5 : n * 5 + 100], now=NOW
            )
            for n, store in enumerate(stores)
        )
    )
    winners: dict[str, int] = {}
    for claim in claims:
        for message_id in claim.claimed:
            winners[message_id] = winners.get(message_id, 0) + 1
    requested = set().union(*(ids[n * 5 : n * 5 + 100] for n in range(20)))
    assert winners == {message_id: 1 for message_id in requested}


T = TypeVar("T")


class _Uncounted:
    """A driver that cannot tell how many rows a statement changed (DB-API's rowcount -1)."""

    def __init__(self, execute: Execute) -> None:
        self._execute = execute

    def __call__(self, sql: str, params: Sequence[Any], /) -> list[Any]:
        return self._execute(sql, params)

    def count(self, sql: str, params: Sequence[Any], /) -> int:
        self._execute(sql, params)
        return -1


class _UncountedWriter(GroupCommitWriter):
    async def run(self, operation: Callable[[Execute], T]) -> T:
        return await super().run(lambda execute: operation(_Uncounted(execute)))


async def test_claims_stay_exact_when_the_driver_cannot_count_changed_rows(
    migrated: str,
) -> None:
    db = Database(migrated)
    writer = _UncountedWriter(db)
    writer.start()
    try:
        store = ledger(writer)
        first = await store.claim(workspace_id="ws", source_id="s", message_ids=["a", "b"], now=NOW)
        assert first.claimed == {"a", "b"}
        await store.confirm(source_id="s", token=first.token, now=NOW)
        held = await store.claim(workspace_id="ws", source_id="s", message_ids=["c"], now=NOW)
        second = await store.claim(
            workspace_id="ws", source_id="s", message_ids=["a", "c", "d"], now=NOW
        )
        assert second.claimed == {"d"}
        assert second.duplicates == {"a"}
        assert second.in_flight == {"c"}
        assert held.claimed == {"c"}
    finally:
        await writer.stop()
        await db.dispose()


async def test_expired_entries_are_swept(writers: list[GroupCommitWriter]) -> None:
    store = ledger(writers[0])
    old = await store.claim(workspace_id="ws", source_id="s", message_ids=["old"], now=NOW)
    await store.confirm(source_id="s", token=old.token, now=NOW)
    sweep_at = NOW + WINDOW + timedelta(seconds=1)
    await store.claim(workspace_id="ws", source_id="s", message_ids=["live"], now=sweep_at)

    assert await store.forget_expired(now=sweep_at) == 1
    later = await store.claim(
        workspace_id="ws", source_id="s", message_ids=["old", "live"], now=sweep_at
    )
    assert later.claimed == {"old"}
    assert later.in_flight == {"live"}


async def test_the_sweep_removes_confirmations_only_with_their_window(
    writers: list[GroupCommitWriter], migrated: str
) -> None:
    store = ledger(writers[0])
    for n, at in enumerate((NOW, NOW + timedelta(hours=12))):
        held = await store.claim(workspace_id="ws", source_id="s", message_ids=[f"m{n}"], now=at)
        await store.confirm(source_id="s", token=held.token, now=at)
    sweep_at = NOW + WINDOW + timedelta(seconds=1)

    assert await store.forget_expired(now=sweep_at) == 1
    assert await _count(migrated, "dedupe_ledger") == 1
    assert await _count(migrated, "dedupe_published") == 1
    # the confirmation of the claim still in its window is kept: it is still a duplicate
    later = await store.claim(workspace_id="ws", source_id="s", message_ids=["m1"], now=sweep_at)
    assert later.duplicates == {"m1"}
    assert await store.forget_expired(now=sweep_at + WINDOW) == 1
    assert await _count(migrated, "dedupe_published") == 0


async def test_a_sweep_continues_until_nothing_expired_is_left(
    writers: list[GroupCommitWriter], migrated: str
) -> None:
    store = ledger(writers[0])
    for n in range(5):
        held = await store.claim(
            workspace_id="ws", source_id="s", message_ids=[f"a{n}", f"b{n}"], now=NOW
        )
        await store.confirm(source_id="s", token=held.token, now=NOW)

    assert await store.sweep(now=NOW + WINDOW + timedelta(seconds=1), batch=3) == 10
    assert await _count(migrated, "dedupe_ledger") == 0
    assert await _count(migrated, "dedupe_published") == 0


async def _count(url: str, table: str) -> int:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return int((await conn.exec_driver_sql(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        await db.dispose()


async def test_the_last_group_of_each_user_is_shared_by_all_workers(
    writers: list[GroupCommitWriter],
) -> None:
    one, two = SqlGroupDirectory(writers[0]), SqlGroupDirectory(writers[1])
    await one.remember(workspace_id="ws", changes={"u1": "acme", "anonymous:a1": "acme"}, now=NOW)
    await two.remember(workspace_id="ws", changes={"u1": "globex"}, now=NOW)

    assert await one.last_groups(workspace_id="ws", identities={"u1", "anonymous:a1", "u9"}) == {
        "u1": "globex",
        "anonymous:a1": "acme",
    }
    assert await two.last_groups(workspace_id="other", identities={"u1"}) == {}


async def test_a_database_failure_is_reported_as_store_unavailable(database_url: str) -> None:
    db = Database(database_url)  # never migrated: the tables are missing
    writer = GroupCommitWriter(db)
    writer.start()
    try:
        with pytest.raises(StoreUnavailable):
            await ledger(writer).claim(workspace_id="ws", source_id="s", message_ids=["a"], now=NOW)
    finally:
        await writer.stop()
        await db.dispose()
