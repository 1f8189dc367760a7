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
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from banso_ingest.adapters.group_commit import GroupCommitWriter, Sql
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

        async def run(conn: AsyncConnection) -> Claim:
            sql = Sql(self._writer.paramstyle)
            source, workspace = sql.param(source_id), sql.param(workspace_id)
            claim_token, until = sql.param(token), sql.param(now_ms + self._lease_ms)
            rows = ",".join(
                f"({source},{sql.param(m)},{workspace},{claim_token},false,{until})" for m in ids
            )
            statement = (
                f"INSERT INTO {TABLE} (source_id, message_id, workspace_id, claim_token, "
                f"published, expires_at_ms) VALUES {rows} "
                "ON CONFLICT (source_id, message_id) DO UPDATE SET "
                "workspace_id = excluded.workspace_id, claim_token = excluded.claim_token, "
                "published = excluded.published, expires_at_ms = excluded.expires_at_ms "
                f"WHERE {TABLE}.expires_at_ms < {sql.param(now_ms)} RETURNING message_id"
            )
            result = await conn.exec_driver_sql(statement, tuple(sql.params))
            claimed = frozenset(str(message_id) for message_id in result.scalars())
            others = [m for m in ids if m not in claimed]
            published: set[str] = set()
            if others:
                query = Sql(self._writer.paramstyle)
                found = await conn.exec_driver_sql(
                    f"SELECT message_id, published FROM {TABLE} "
                    f"WHERE source_id = {query.param(source_id)} "
                    f"AND message_id IN ({query.params_in(others)})",
                    tuple(query.params),
                )
                seen: list[Any] = list(found)
                published = {str(row[0]) for row in seen if row[1]}
            # Neither claimed nor published: another request holds a live lease on it.
            in_flight = frozenset(m for m in others if m not in published)
            return Claim(claimed, frozenset(published), in_flight, token)

        return await self._writer.run(run)

    async def confirm(
        self, *, source_id: str, token: str, message_ids: Collection[str], now: datetime
    ) -> None:
        ids = list(message_ids)
        expires = epoch_ms(now) + self._window_ms

        async def run(conn: AsyncConnection) -> None:
            sql = Sql(self._writer.paramstyle)
            statement = (
                f"UPDATE {TABLE} SET published = true, expires_at_ms = {sql.param(expires)} "
                f"WHERE source_id = {sql.param(source_id)} AND claim_token = {sql.param(token)} "
                f"AND message_id IN ({sql.params_in(ids)})"
            )
            await conn.exec_driver_sql(statement, tuple(sql.params))

        await self._writer.run(run)

    async def release(self, *, source_id: str, token: str, message_ids: Collection[str]) -> None:
        ids = list(message_ids)

        async def run(conn: AsyncConnection) -> None:
            sql = Sql(self._writer.paramstyle)
            statement = (
                f"DELETE FROM {TABLE} WHERE source_id = {sql.param(source_id)} "
                f"AND claim_token = {sql.param(token)} AND published = false "
                f"AND message_id IN ({sql.params_in(ids)})"
            )
            await conn.exec_driver_sql(statement, tuple(sql.params))

        await self._writer.run(run)

    async def forget_expired(self, *, now: datetime, limit: int = 50_000) -> int:
        """Delete up to `limit` rows whose lease or window has passed (claimable anyway)."""
        cutoff = epoch_ms(now)

        async def run(conn: AsyncConnection) -> int:
            sql = Sql(self._writer.paramstyle)
            # A bounded delete keeps each sweep transaction short; the next sweep continues.
            statement = (
                f"DELETE FROM {TABLE} WHERE (source_id, message_id) IN ("
                f"SELECT source_id, message_id FROM {TABLE} "
                f"WHERE expires_at_ms < {sql.param(cutoff)} LIMIT {sql.param(limit)})"
            )
            result = await conn.exec_driver_sql(statement, tuple(sql.params))
            return int(result.rowcount)

        return await self._writer.run(run)
