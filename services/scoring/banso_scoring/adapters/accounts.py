"""Accounts: each one's aggregate (a header and its day buckets), score, band and last
published health, as the consumer holds them in memory. Functions only flush; callers commit.

The published health and scores live in a table of their own (``PUBLISHED``), written only
when a health is published: SQLite rewrites a whole row on every UPDATE, and the account row
is rewritten for every account a round touches."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, Literal

import orjson
from sqlalchemy import and_, func, insert, select, tuple_
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.bulk import (
    delete_sql,
    execute_many,
    style_of,
    update_sql,
    upsert_sql,
)
from banso_scoring.adapters.tables import ACCOUNTS, DAYS, PUBLISHED
from banso_scoring.domain.aggregate_codec import (
    apply_progress,
    day_document,
    day_from_document,
    from_document,
    header_document,
    progress_document,
)
from banso_scoring.domain.aggregates import DayBucket
from banso_scoring.domain.portfolio import trend_of
from banso_scoring.domain.published import Published
from banso_scoring.domain.state import AccountEntry, AccountKey


def _entry(row: Any, days: dict[int, DayBucket]) -> AccountEntry:
    published = Published.from_document(row.published) if row.published else None
    recent = orjson.loads(row.recent_scores) if row.recent_scores is not None else []
    aggregate = from_document(orjson.loads(row.aggregate), days)
    if row.progress is not None:
        apply_progress(aggregate, orjson.loads(row.progress))
    return AccountEntry(
        aggregate=aggregate,
        partition=row.partition,
        published=published,
        recent_scores=[(float(t), float(s)) for t, s in recent],
        score=row.score,
        band=row.band,
        evaluated_at=row.evaluated_at,
        stored=True,
        stored_traits=tuple(row._mapping[name] for name in TRAIT_COLUMNS),
    )


def _rows() -> Any:
    """Account rows with their published health and scores (absent before a first publication)."""
    return select(ACCOUNTS, PUBLISHED.c.published, PUBLISHED.c.recent_scores).select_from(
        ACCOUNTS.outerjoin(
            PUBLISHED,
            and_(
                PUBLISHED.c.workspace_id == ACCOUNTS.c.workspace_id,
                PUBLISHED.c.account_id == ACCOUNTS.c.account_id,
            ),
        )
    )


async def _days(session: AsyncSession, where: Any) -> dict[AccountKey, dict[int, DayBucket]]:
    rows = await (await session.connection()).execute(
        select(DAYS.c.workspace_id, DAYS.c.account_id, DAYS.c.day, DAYS.c.bucket).where(where)
    )
    days: dict[AccountKey, dict[int, DayBucket]] = {}
    for workspace, account, day, bucket in rows:
        days.setdefault((workspace, account), {})[int(day)] = day_from_document(
            orjson.loads(bucket)
        )
    return days


async def load_accounts(
    session: AsyncSession, *, partitions: Iterable[int]
) -> dict[AccountKey, AccountEntry]:
    wanted = list(partitions)
    rows = (
        await (await session.connection()).execute(_rows().where(ACCOUNTS.c.partition.in_(wanted)))
    ).all()
    owned = select(ACCOUNTS.c.workspace_id, ACCOUNTS.c.account_id).where(
        ACCOUNTS.c.partition.in_(wanted)
    )
    days = await _days(session, tuple_(DAYS.c.workspace_id, DAYS.c.account_id).in_(owned))
    entries = [_entry(row, days.get((row.workspace_id, row.account_id), {})) for row in rows]
    return {entry.key: entry for entry in entries}


async def load_account(
    session: AsyncSession, *, workspace_id: str, account_id: str
) -> AccountEntry | None:
    rows = await (await session.connection()).execute(
        _rows().where(ACCOUNTS.c.workspace_id == workspace_id, ACCOUNTS.c.account_id == account_id)
    )
    row = rows.first()
    if row is None:
        return None
    days = await _days(
        session, and_(DAYS.c.workspace_id == workspace_id, DAYS.c.account_id == account_id)
    )
    return _entry(row, days.get((workspace_id, account_id), {}))


def _trend(entry: AccountEntry) -> float | None:
    return trend_of(entry.score, entry.evaluated_at, entry.recent_scores)


# The portfolio's columns: the traits /v1/portfolio shows, filters, sorts and sums in SQL.
TRAIT_COLUMNS = ("name", "plan", "arr", "csm", "renewal_at", "seats")
SCORE_COLUMNS = ("score", "band", "evaluated_at", "trend")
AGGREGATE_COLUMNS = ("aggregate", "progress")
HEADER_COLUMNS = (*AGGREGATE_COLUMNS, *TRAIT_COLUMNS)
KEY = ("workspace_id", "account_id")
PUBLISHED_ROW = (*KEY, "published", "recent_scores")
DAY_KEY = ("workspace_id", "account_id", "day")


def _traits_of(entry: AccountEntry) -> tuple[object, ...]:
    traits = entry.aggregate.traits
    return tuple(getattr(traits, name) for name in TRAIT_COLUMNS)


async def save_accounts(
    session: AsyncSession,
    *,
    entries: Sequence[AccountEntry],
    aggregates: set[AccountKey],
    evaluated: set[AccountKey],
    progress: Collection[AccountKey] = frozenset(),
    published: set[AccountKey],
) -> None:
    """Insert new accounts; for the others write only what changed: the aggregate header and
    the day buckets that changed (or, for ``progress``, only the days closed and the lateness
    reference), the latest score and band, and the last published health (in its own table)
    only when one was published."""
    inserts: list[dict[str, Any]] = []
    # One UPDATE per account, whatever changed (SQLite rewrites the whole row for each
    # statement): rows grouped by the columns they set.
    updates: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
    day_keys: list[tuple[object, ...]] = []
    day_rows: list[tuple[object, ...]] = []
    published_rows: list[tuple[object, ...]] = []
    for entry in entries:
        key = entry.key
        workspace, account = key
        aggregate = entry.aggregate
        header = None
        moved = None
        if not entry.stored or key in aggregates:
            header = orjson.dumps(header_document(aggregate))
            moved = orjson.dumps(progress_document(aggregate)).decode()
            for day in aggregate.removed_days - aggregate.changed_days:
                day_keys.append((workspace, account, day))
            for day in aggregate.changed_days:
                bucket = orjson.dumps(day_document(aggregate.days[day]))
                day_rows.append((workspace, account, day, bucket))
            aggregate.changed_days.clear()
            aggregate.removed_days.clear()
        score = (entry.score, entry.band, entry.evaluated_at, _trend(entry))
        if entry.published is not None and (not entry.stored or key in published):
            recent = orjson.dumps(entry.recent_scores).decode()
            published_rows.append((workspace, account, entry.published.document, recent))
        if not entry.stored:
            traits = entry.stored_traits = _traits_of(entry)
            inserts.append(
                {
                    "workspace_id": workspace,
                    "account_id": account,
                    "partition": entry.partition,
                    "aggregate": header,
                    "progress": moved,
                    **dict(zip(TRAIT_COLUMNS, traits, strict=True)),
                    **dict(zip(SCORE_COLUMNS, score, strict=True)),
                }
            )
            continue
        columns: tuple[str, ...] = ()
        values: tuple[object, ...] = ()
        if header is not None:
            # The portfolio's columns only when they change: setting renewal_at rewrites its
            # index entry even when the value is the same.
            traits = _traits_of(entry)
            if traits != entry.stored_traits:
                columns, values = HEADER_COLUMNS, (header, moved, *traits)
                entry.stored_traits = traits
            else:
                columns, values = AGGREGATE_COLUMNS, (header, moved)
        elif key in progress:
            columns = ("progress",)
            values = (orjson.dumps(progress_document(aggregate)).decode(),)
        if key in evaluated:
            columns += SCORE_COLUMNS
            values += score
        elif key in published:
            # The published scores move the trend.
            columns += ("trend",)
            values += (score[-1],)
        if columns:
            updates.setdefault(columns, []).append((*values, workspace, account))
    connection = await session.connection()
    if inserts:
        await connection.execute(insert(ACCOUNTS), inserts)
    style = style_of(connection)
    for columns, rows in updates.items():
        await execute_many(connection, update_sql(style, ACCOUNTS.name, columns, KEY), rows)
    await execute_many(connection, delete_sql(style, DAYS.name, DAY_KEY), day_keys)
    # A changed bucket replaces the stored one in one statement (no delete first).
    await execute_many(
        connection, upsert_sql(style, DAYS.name, (*DAY_KEY, "bucket"), DAY_KEY), day_rows
    )
    await execute_many(
        connection, upsert_sql(style, PUBLISHED.name, PUBLISHED_ROW, KEY), published_rows
    )
    for entry in entries:
        entry.stored = True


async def account_exists(session: AsyncSession, *, workspace_id: str, account_id: str) -> bool:
    row = await (await session.connection()).execute(
        select(ACCOUNTS.c.account_id).where(
            ACCOUNTS.c.workspace_id == workspace_id, ACCOUNTS.c.account_id == account_id
        )
    )
    return row.first() is not None


AccountSort = Literal[
    "score", "-score", "account_id", "-account_id", "evaluated_at", "-evaluated_at"
]


async def list_accounts(
    session: AsyncSession,
    *,
    workspace_id: str,
    bands: Sequence[str] | None,
    sort: AccountSort,
    limit: int,
    offset: int,
) -> list[Any]:
    """Rows (account_id, score, band, evaluated_at) of the workspace, in ``sort`` order."""
    column = ACCOUNTS.c[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    query = select(
        ACCOUNTS.c.account_id, ACCOUNTS.c.score, ACCOUNTS.c.band, ACCOUNTS.c.evaluated_at
    ).where(ACCOUNTS.c.workspace_id == workspace_id)
    if bands:
        query = query.where(ACCOUNTS.c.band.in_(bands))
    query = query.order_by(order.nulls_last(), ACCOUNTS.c.account_id).limit(limit).offset(offset)
    return list((await (await session.connection()).execute(query)).all())


async def count_accounts(session: AsyncSession, *, workspace_id: str) -> int:
    row = await (await session.connection()).execute(
        select(func.count()).select_from(ACCOUNTS).where(ACCOUNTS.c.workspace_id == workspace_id)
    )
    return int(row.scalar_one())


async def workspace_accounts(
    session: AsyncSession, *, workspace_id: str, after: str | None, limit: int
) -> list[AccountEntry]:
    """A page of the workspace's accounts (aggregate and day buckets), by account id after
    ``after``: a caller walks every account a page at a time."""
    page = _rows().where(ACCOUNTS.c.workspace_id == workspace_id)
    if after is not None:
        page = page.where(ACCOUNTS.c.account_id > after)
    page = page.order_by(ACCOUNTS.c.account_id).limit(limit)
    rows = (await (await session.connection()).execute(page)).all()
    if not rows:
        return []
    ids = [row.account_id for row in rows]
    days = await _days(
        session, and_(DAYS.c.workspace_id == workspace_id, DAYS.c.account_id.in_(ids))
    )
    return [_entry(row, days.get((workspace_id, row.account_id), {})) for row in rows]
