"""The session store on a real database: expiry, the stored id, sign-out."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from banso_console.adapters import sessions
from banso_kit.db import Database
from banso_kit.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "services/console/banso_console/migrations"


async def test_a_session_ends_when_it_expires_or_is_closed(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    db = Database(database_url)
    try:
        async with db.session() as session:
            opened = await sessions.open_session(session, user_id=None, ttl_s=60, now=1_000.0)
            kept = await sessions.open_session(session, user_id=None, ttl_s=600, now=1_000.0)
        # Only the cookie's hash is stored: the stored id is not a cookie that works.
        assert opened.record.id == hashlib.sha256(opened.cookie.encode()).hexdigest()
        async with db.session() as session:
            found = await sessions.find_session(session, cookie=opened.cookie, now=1_059.0)
            assert found is not None
            assert (
                await sessions.find_session(session, cookie=opened.record.id, now=1_059.0) is None
            )
            assert await sessions.find_session(session, cookie=opened.cookie, now=1_060.0) is None
            assert await sessions.find_session(session, cookie=None) is None
            await sessions.forget_expired(session, now=1_060.0)
        async with db.session() as session:
            assert await sessions.find_session(session, cookie=opened.cookie, now=0.0) is None
            assert await sessions.find_session(session, cookie=kept.cookie, now=1_060.0)
            await sessions.close_session(session, cookie=kept.cookie)
        async with db.session() as session:
            assert await sessions.find_session(session, cookie=kept.cookie, now=1_060.0) is None
    finally:
        await db.dispose()
