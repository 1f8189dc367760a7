"""The dedupe ledger in the service's database: exact, shared by every worker, one statement a claim.

One row per (source, messageId). `expires_at_ms` is the only clock the row needs: while a claim is
pending it is the end of the claim's lease; once the event is published it is the end of the dedupe
window (24 h after publication). A row whose time has passed can be claimed again, so an expired
lease (the process died mid-request) and an expired window are handled by the same statement:

    INSERT ... ON CONFLICT (source_id, message_id)
        DO UPDATE SET ... WHERE dedupe_ledger.expires_at_ms < :now
    RETURNING message_id

The database decides atomically which request gets each id, across processes and hosts, with one
round trip for the whole batch. Works on SQLite (3.35+) and PostgreSQL alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from banso_ingest.domain.ports import Claim, StoreUnavailable
from banso_kit.db import Database


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class SqlDedupeLedger:
    """`DedupeLedger` on the service database (see the module docstring)."""

    def __init__(self, db: Database, table: Table, *, window: timedelta, lease: timedelta) -> None:
        self._db = db
        self._table = table
        self._window_ms = int(window.total_seconds() * 1000)
        self._lease_ms = int(lease.total_seconds() * 1000)
        self._insert: Any = sqlite.insert if db.is_sqlite else postgresql.insert

    async def claim(
        self, *, workspace_id: str, source_id: str, message_ids: Collection[str], now: datetime
    ) -> Claim:
        table = self._table
        token = secrets.token_hex(8)
        now_ms = epoch_ms(now)
        until = now_ms + self._lease_ms
        rows = [
            {
                "source_id": source_id,
                "message_id": message_id,
                "workspace_id": workspace_id,
                "claim_token": token,
                "published": False,
                "expires_at_ms": until,
            }
            for message_id in message_ids
        ]
        statement = self._insert(table).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.source_id, table.c.message_id],
            set_={
                "workspace_id": statement.excluded.workspace_id,
                "claim_token": statement.excluded.claim_token,
                "published": statement.excluded.published,
                "expires_at_ms": statement.excluded.expires_at_ms,
            },
            where=table.c.expires_at_ms < now_ms,
        ).returning(table.c.message_id)
        try:
            async with self._db.engine.begin() as conn:
                claimed = frozenset((await conn.execute(statement)).scalars())
                others = [m for m in message_ids if m not in claimed]
                published: set[str] = set()
                if others:
                    found = await conn.execute(
                        select(table.c.message_id, table.c.published).where(
                            table.c.source_id == source_id, table.c.message_id.in_(others)
                        )
                    )
                    published = {message_id for message_id, done in found if done}
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"dedupe ledger: {error}") from error
        # Not claimed and not published: another request holds a live lease on it (or released it
        # a moment ago); either way this request must not publish it now.
        in_flight = frozenset(m for m in others if m not in published)
        return Claim(claimed, frozenset(published), in_flight, token)

    async def confirm(
        self, *, source_id: str, token: str, message_ids: Collection[str], now: datetime
    ) -> None:
        table = self._table
        statement = (
            update(table)
            .where(
                table.c.source_id == source_id,
                table.c.message_id.in_(list(message_ids)),
                table.c.claim_token == token,
            )
            .values(published=True, expires_at_ms=epoch_ms(now) + self._window_ms)
        )
        await self._write(statement)

    async def release(self, *, source_id: str, token: str, message_ids: Collection[str]) -> None:
        table = self._table
        statement = delete(table).where(
            table.c.source_id == source_id,
            table.c.message_id.in_(list(message_ids)),
            table.c.claim_token == token,
            table.c.published.is_(False),
        )
        await self._write(statement)

    async def forget_expired(self, *, now: datetime) -> int:
        """Delete rows whose lease or window has passed (they would be claimable anyway)."""
        table = self._table
        async with self._db.engine.begin() as conn:
            result = await conn.execute(delete(table).where(table.c.expires_at_ms < epoch_ms(now)))
        return int(result.rowcount)

    async def _write(self, statement: Any) -> None:
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(statement)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"dedupe ledger: {error}") from error
