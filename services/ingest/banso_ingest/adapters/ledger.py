"""The dedupe ledger in the service's database: exact, shared by every worker, one row an id.

Two tables. `dedupe_ledger` has one row per (source, messageId): the token of the request that
claimed it and when (`claimed_at_ms`). `dedupe_published` has one row per request whose records
were all acknowledged: its token. So a request writes one small row per messageId (the claim) and
one row in all for its success (the confirm), instead of writing every id twice.

A row may be claimed again once its dedupe window has passed (counted from the claim), or once its
lease has passed while its token was never confirmed (the process died mid-request):

    INSERT ... ON CONFLICT (source_id, message_id) DO UPDATE SET ...
        WHERE dedupe_ledger.claimed_at_ms < :now - window
           OR (dedupe_ledger.claimed_at_ms < :now - lease
               AND NOT EXISTS (SELECT 1 FROM dedupe_published WHERE claim_token = ...))

The database decides atomically which request gets each id, across processes and hosts, with one
statement for the whole batch. When the statement changed as many rows as the request has ids, all
are the request's; otherwise one more statement reads each id's holder (the rows carrying this
claim's token are its own) and whether that holder confirmed. No `RETURNING`: a row returned per id
cost SQLite more than the insert's other work per id (0.7 of 2.1 µs per id, measured alone). Ids whose publish failed are given back one by one (a delete of the
request's rows), before the confirm or instead of it. Statements are plain SQL (SQLite 3.35+ and
PostgreSQL alike): they run for every request, and building them with SQLAlchemy's compiler cost
more than running them.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache

from banso_ingest.adapters.group_commit import Execute, GroupCommitWriter, placeholders
from banso_ingest.domain.ports import Claim

TABLE = "dedupe_ledger"
PUBLISHED = "dedupe_published"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def new_token() -> int:
    """A claim's name: random, positive, within a signed 64-bit column (0 is the migration's)."""
    return secrets.randbits(63) or 1


class SqlDedupeLedger:
    """`DedupeLedger` on the service database (see the module docstring)."""

    def __init__(self, writer: GroupCommitWriter, *, window: timedelta, lease: timedelta) -> None:
        self._writer = writer
        self._window_ms = int(window.total_seconds() * 1000)
        self._lease_ms = int(lease.total_seconds() * 1000)

    async def claim(
        self, *, workspace_id: str, source_id: str, message_ids: Collection[str], now: datetime
    ) -> Claim:
        token = new_token()
        ids = list(message_ids)
        now_ms = epoch_ms(now)
        window_from, lease_from = now_ms - self._window_ms, now_ms - self._lease_ms
        style = self._writer.paramstyle
        params = (source_id, workspace_id, token, now_ms, window_from, lease_from, *ids)

        def run(execute: Execute) -> Claim:
            if execute.count(_claim_sql(style, len(ids)), params) == len(ids):
                # Every row was inserted or taken over: all ids are this request's (the usual
                # case, told by the count alone, without returning a row per id).
                return Claim(frozenset(ids), token=token)
            # Some ids are held: the rows now carrying this claim's token are its own.
            claimed: set[str] = set()
            published: set[str] = set()
            for message_id, holder, confirmed in execute(
                _state_sql(style, len(ids)), (source_id, *ids)
            ):
                if int(holder) == token:
                    claimed.add(str(message_id))
                elif confirmed:
                    published.add(str(message_id))
            # Neither claimed nor published: another request holds a live lease on it.
            in_flight = frozenset(m for m in ids if m not in claimed and m not in published)
            return Claim(frozenset(claimed), frozenset(published), in_flight, token)

        return await self._writer.run(run)

    async def confirm(
        self,
        *,
        source_id: str,
        token: int,
        now: datetime,
        unpublished: Collection[str] = (),
    ) -> None:
        style = self._writer.paramstyle
        release = _release_sql(style, len(unpublished)) if unpublished else None
        release_params = (source_id, token, *unpublished)
        confirm_params = (token, epoch_ms(now))

        def run(execute: Execute) -> None:
            # One transaction: the ids not published never count as confirmed, even for a moment.
            if release is not None:
                execute(release, release_params)
            execute(_confirm_sql(style), confirm_params)

        await self._writer.run(run)

    async def release(self, *, source_id: str, token: int, message_ids: Collection[str]) -> None:
        ids = list(message_ids)
        statement = _release_sql(self._writer.paramstyle, len(ids))
        params = (source_id, token, *ids)

        def run(execute: Execute) -> None:
            execute(statement, params)

        await self._writer.run(run)

    async def forget_expired(self, *, now: datetime, limit: int = 50_000) -> int:
        """Delete up to `limit` claims whose window has passed, and as many confirmations whose
        claims all have; returns how many claims went. Each is claimable (or void) anyway."""
        cutoff, count = placeholders(self._writer.paramstyle, 1, 2)
        # Bounded deletes keep each sweep transaction short; the next sweep continues. A
        # confirmation is younger than its claims, so it outlives them and never leaves a live
        # claim looking unconfirmed.
        claims = (
            f"DELETE FROM {TABLE} WHERE (source_id, message_id) IN ("
            f"SELECT source_id, message_id FROM {TABLE} "
            f"WHERE claimed_at_ms < {cutoff} LIMIT {count}) RETURNING message_id"
        )
        confirmations = (
            f"DELETE FROM {PUBLISHED} WHERE claim_token IN (SELECT claim_token FROM {PUBLISHED} "
            f"WHERE published_at_ms < {cutoff} LIMIT {count})"
        )
        params = (epoch_ms(now) - self._window_ms, limit)

        def run(execute: Execute) -> int:
            removed = len(execute(claims, params))
            execute(confirmations, params)
            return removed

        return await self._writer.run(run)

    async def sweep(self, *, now: datetime, batch: int = 50_000) -> int:
        """Forget everything expired at `now`, `batch` claims a transaction (other requests' claims
        and confirms run between them); returns how many claims went."""
        removed = 0
        while True:
            count = await self.forget_expired(now=now, limit=batch)
            removed += count
            if count < batch:
                return removed


# The statements depend only on the paramstyle and how many ids they carry, so each shape is
# built once (and the database's statement cache sees the same text every time).


@lru_cache(maxsize=256)
def _claim_sql(style: str, count: int) -> str:
    source, workspace, token, now, window_from, lease_from = placeholders(style, 1, 6)
    rows = ",".join(
        f"({source},{m},{workspace},{token},{now})" for m in placeholders(style, 7, count)
    )
    return (
        f"INSERT INTO {TABLE} (source_id, message_id, workspace_id, claim_token, claimed_at_ms) "
        f"VALUES {rows} ON CONFLICT (source_id, message_id) DO UPDATE SET "
        "workspace_id = excluded.workspace_id, claim_token = excluded.claim_token, "
        "claimed_at_ms = excluded.claimed_at_ms "
        f"WHERE {TABLE}.claimed_at_ms < {window_from} OR ({TABLE}.claimed_at_ms < {lease_from} "
        f"AND NOT EXISTS (SELECT 1 FROM {PUBLISHED} p WHERE p.claim_token = {TABLE}.claim_token))"
    )


@lru_cache(maxsize=256)
def _state_sql(style: str, count: int) -> str:
    source, *ids = placeholders(style, 1, count + 1)
    # After a claim that did not get every id: each row's holder, and whether it is confirmed (a
    # row the claim did not take is live, so it is published iff confirmed).
    return (
        f"SELECT l.message_id, l.claim_token, p.claim_token IS NOT NULL FROM {TABLE} l "
        f"LEFT JOIN {PUBLISHED} p ON p.claim_token = l.claim_token "
        f"WHERE l.source_id = {source} AND l.message_id IN ({','.join(ids)})"
    )


@lru_cache(maxsize=4)
def _confirm_sql(style: str) -> str:
    token, at = placeholders(style, 1, 2)
    return (
        f"INSERT INTO {PUBLISHED} (claim_token, published_at_ms) VALUES ({token}, {at}) "
        "ON CONFLICT (claim_token) DO NOTHING"
    )


@lru_cache(maxsize=256)
def _release_sql(style: str, count: int) -> str:
    source, token, *ids = placeholders(style, 1, count + 2)
    # Released ids belong to a request that has not confirmed (release comes before or instead).
    return (
        f"DELETE FROM {TABLE} WHERE source_id = {source} AND claim_token = {token} "
        f"AND message_id IN ({','.join(ids)})"
    )
