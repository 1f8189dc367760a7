"""What moved: accounts whose band at the end of an event-time window differs from their band
at its start, read from the health history in one query (two index probes per account on
``ix_scoring_history_at``, so it stays bounded by the workspace's accounts, not its history),
with the name, ARR and owner from the accounts' portfolio columns (no aggregate decoded)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import ACCOUNTS, HISTORY


@dataclass(frozen=True, slots=True)
class MoveRow:
    account_id: str
    name: str | None
    arr: float | None
    csm: str | None
    from_band: str
    to_band: str
    score: float | None


def _last_before(column: Any, moment: float) -> Any:
    """``column`` of the account's last history entry before ``moment`` (event time)."""
    return (
        select(column)
        .where(
            HISTORY.c.workspace_id == ACCOUNTS.c.workspace_id,
            HISTORY.c.account_id == ACCOUNTS.c.account_id,
            HISTORY.c.at < moment,
        )
        .order_by(HISTORY.c.at.desc(), HISTORY.c.id.desc())
        .limit(1)
        .correlate(ACCOUNTS)
        .scalar_subquery()
    )


async def band_moves(
    session: AsyncSession,
    *,
    workspace_id: str,
    since: float,
    until: float,
    to_bands: Collection[str],
    csm: str | None = None,
) -> list[MoveRow]:
    """Accounts whose band before ``until`` differs from their band before ``since`` (both in
    event time) and is one of ``to_bands`` (and, given ``csm``, whose owner it is, any case);
    accounts without history before ``since`` did not move (they were not anywhere yet)."""
    owned = [] if not csm else [func.lower(ACCOUNTS.c.csm) == csm.lower()]
    bands = (
        select(
            ACCOUNTS.c.account_id.label("account_id"),
            ACCOUNTS.c.name.label("name"),
            ACCOUNTS.c.arr.label("arr"),
            ACCOUNTS.c.csm.label("csm"),
            _last_before(HISTORY.c.band, since).label("from_band"),
            _last_before(HISTORY.c.band, until).label("to_band"),
            _last_before(HISTORY.c.score, until).label("score"),
        )
        .where(ACCOUNTS.c.workspace_id == workspace_id, *owned)
        .subquery()
    )
    query = (
        select(
            bands.c.account_id,
            bands.c.name,
            bands.c.arr,
            bands.c.csm,
            bands.c.from_band,
            bands.c.to_band,
            bands.c.score,
        )
        .where(
            bands.c.from_band.is_not(None),
            bands.c.to_band != bands.c.from_band,
            bands.c.to_band.in_(list(to_bands)),
        )
        .order_by(bands.c.account_id)
    )
    connection = await session.connection()
    return [
        MoveRow(
            account_id=row.account_id,
            name=row.name,
            arr=row.arr,
            csm=row.csm,
            from_band=row.from_band,
            to_band=row.to_band,
            score=row.score,
        )
        for row in await connection.execute(query)
    ]


async def moved_at(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_ids: Collection[str],
    since: float,
    until: float,
) -> dict[str, float]:
    """When each account last changed band inside ``[since, until)`` (event time)."""
    if not account_ids:
        return {}
    query = (
        select(HISTORY.c.account_id, HISTORY.c.at, HISTORY.c.band, HISTORY.c.previous_band)
        .where(
            HISTORY.c.workspace_id == workspace_id,
            HISTORY.c.account_id.in_(list(account_ids)),
            HISTORY.c.at >= since,
            HISTORY.c.at < until,
        )
        .order_by(HISTORY.c.account_id, HISTORY.c.at, HISTORY.c.id)
    )
    found: dict[str, float] = {}
    last_band: dict[str, str] = {}
    for row in await (await session.connection()).execute(query):
        seen = last_band.get(row.account_id, row.previous_band)
        if seen is not None and row.band != seen:
            found[row.account_id] = float(row.at)
        last_band[row.account_id] = row.band
    return found
