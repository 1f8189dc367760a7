"""The dedupe ledger in the service's database: exact, shared by every worker, one statement a claim.

One row per (source, messageId). `expires_at_ms` is the only clock the row needs: while a claim is
pending it is the end of the claim's lease; once the event is published it is the end of the dedupe
window (24 h after publication). A row whose time has passed can be claimed again, so an expired
lease (the process died mid-request) and an expired window are handled by the same statement:

    INSERT ... ON CONFLICT (source_id, message_id)
        DO UPDATE SET ... WHERE dedupe_ledger.expires_at_ms < :now
    RETURNING message_id

The database decides atomically which request gets each id, across processes and hosts, with one
statement for the whole batch. Statements are plain SQL (SQLite 3.35+ and PostgreSQL alike): they
run for every request, and building them with SQLAlchemy's compiler cost more than running them.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache

from banso_ingest.adapters.group_commit import Execute, GroupCommitWriter, placeholders
from banso_ingest.domain.ports import Claim

TABLE = "dedupe_ledger"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class SqlDedupeLedger:
    """`DedupeLedger` on the service database (see the module docstring)."""

    def __init__(self, writer: GroupCommitWriter, *, window: timedelta, lease: timedelta) -> None:
        self._writer = writer
        self._window_ms = int(window.total_seconds() * 1000)
        self._lease_ms = int(lease.total_seconds() * 1000)

    async def claim(
        self, *, workspace_id: str, source_id: str, message_ids: Collection[str], now: datetime
    ) -> Claim:
        token = secrets.token_hex(8)
        ids = list(message_ids)
        now_ms = epoch_ms(now)
        style = self._writer.paramstyle
        params = (source_id, workspace_id, token, now_ms + self._lease_ms, now_ms, *ids)

        def run(execute: Execute) -> Claim:
            claimed = frozenset(str(row[0]) for row in execute(_claim_sql(style, len(ids)), params))
            others = [m for m in ids if m not in claimed]
            published: set[str] = set()
            if others:
                found = execute(_state_sql(style, len(others)), (source_id, *others))
                published = {str(row[0]) for row in found if row[1]}
            # Neither claimed nor published: another request holds a live lease on it.
            in_flight = frozenset(m for m in others if m not in published)
            return Claim(claimed, frozenset(published), in_flight, token)

        return await self._writer.run(run)

    async def confirm(
        self, *, source_id: str, token: str, message_ids: Collection[str], now: datetime
    ) -> None:
        ids = list(message_ids)
        statement = _confirm_sql(self._writer.paramstyle, len(ids))
        params = (epoch_ms(now) + self._window_ms, source_id, token, *ids)

        def run(execute: Execute) -> None:
            execute(statement, params)

        await self._writer.run(run)

    async def release(self, *, source_id: str, token: str, message_ids: Collection[str]) -> None:
        ids = list(message_ids)
        statement = _release_sql(self._writer.paramstyle, len(ids))
        params = (source_id, token, *ids)

        def run(execute: Execute) -> None:
            execute(statement, params)

        await self._writer.run(run)

    async def forget_expired(self, *, now: datetime, limit: int = 50_000) -> int:
        """Delete up to `limit` rows whose lease or window has passed (claimable anyway)."""
        cutoff, count = placeholders(self._writer.paramstyle, 1, 2)
        # A bounded delete keeps each sweep transaction short; the next sweep continues.
        statement = (
            f"DELETE FROM {TABLE} WHERE (source_id, message_id) IN ("
            f"SELECT source_id, message_id FROM {TABLE} "
            f"WHERE expires_at_ms < {cutoff} LIMIT {count}) RETURNING message_id"
        )
        params = (epoch_ms(now), limit)

        def run(execute: Execute) -> int:
            return len(execute(statement, params))

        return await self._writer.run(run)


# The statements depend only on the paramstyle and how many ids they carry, so each shape is
# built once (and the database's statement cache sees the same text every time).


@lru_cache(maxsize=256)
def _claim_sql(style: str, count: int) -> str:
    source, workspace, token, until, now = placeholders(style, 1, 5)
    rows = ",".join(
        f"({source},{m},{workspace},{token},false,{until})" for m in placeholders(style, 6, count)
    )
    return (
        f"INSERT INTO {TABLE} (source_id, message_id, workspace_id, claim_token, published, "
        f"expires_at_ms) VALUES {rows} ON CONFLICT (source_id, message_id) DO UPDATE SET "
        "workspace_id = excluded.workspace_id, claim_token = excluded.claim_token, "
        "published = excluded.published, expires_at_ms = excluded.expires_at_ms "
        f"WHERE {TABLE}.expires_at_ms < {now} RETURNING message_id"
    )


@lru_cache(maxsize=256)
def _state_sql(style: str, count: int) -> str:
    source, *ids = placeholders(style, 1, count + 1)
    return (
        f"SELECT message_id, published FROM {TABLE} "
        f"WHERE source_id = {source} AND message_id IN ({','.join(ids)})"
    )


@lru_cache(maxsize=256)
def _confirm_sql(style: str, count: int) -> str:
    expires, source, token, *ids = placeholders(style, 1, count + 3)
    return (
        f"UPDATE {TABLE} SET published = true, expires_at_ms = {expires} "
        f"WHERE source_id = {source} AND claim_token = {token} "
        f"AND message_id IN ({','.join(ids)})"
    )


@lru_cache(maxsize=256)
def _release_sql(style: str, count: int) -> str:
    source, token, *ids = placeholders(style, 1, count + 2)
    return (
        f"DELETE FROM {TABLE} WHERE source_id = {source} AND claim_token = {token} "
        f"AND published = false AND message_id IN ({','.join(ids)})"
    )
