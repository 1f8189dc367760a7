"""Upgrading a running installation's ledger to claims + published tokens keeps what it knew.

Published entries stay known exactly until their old expiry; pending ones (requests in flight when
the service stopped for the upgrade) become claimable at once, as when their lease ran out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from banso_ingest.__main__ import MIGRATIONS
from banso_ingest.adapters.group_commit import GroupCommitWriter
from banso_ingest.adapters.ledger import SqlDedupeLedger, epoch_ms
from banso_kit.db import Database
from banso_kit.migrations import upgrade

pytestmark = pytest.mark.postgres

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
WINDOW = timedelta(hours=24)
BEFORE = "d1a7e0c4b201"


async def test_published_entries_are_kept_and_pending_ones_dropped(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INGEST_DEDUPE_WINDOW_S", raising=False)
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS, BEFORE)
    expires = epoch_ms(NOW + timedelta(hours=2))  # published 22 h before NOW
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO dedupe_ledger (source_id, message_id, workspace_id, "
                    "claim_token, published, expires_at_ms) "
                    "VALUES ('s', :message_id, 'ws', 'abc', :published, :expires)"
                ),
                [
                    {"message_id": "sent", "published": True, "expires": expires},
                    {"message_id": "pending", "published": False, "expires": expires},
                ],
            )
    finally:
        await db.dispose()

    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)

    db = Database(database_url)
    writer = GroupCommitWriter(db)
    writer.start()
    try:
        store = SqlDedupeLedger(writer, window=WINDOW, lease=timedelta(seconds=60))
        now = await store.claim(
            workspace_id="ws", source_id="s", message_ids=["sent", "pending"], now=NOW
        )
        assert now.duplicates == {"sent"}
        assert now.claimed == {"pending"}
        at_old_expiry = NOW + timedelta(hours=2, seconds=1)
        assert await store.forget_expired(now=at_old_expiry) == 1
        again = await store.claim(
            workspace_id="ws", source_id="s", message_ids=["sent"], now=at_old_expiry
        )
        assert again.claimed == {"sent"}
    finally:
        await writer.stop()
        await db.dispose()
