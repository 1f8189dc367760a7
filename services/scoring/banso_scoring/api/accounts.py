"""Accounts and their health: list by band, current health with its explanation, history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.errors import NotFound, Unprocessable
from banso_kit.openapi import MAX_OFFSET, errors
from banso_scoring.adapters import accounts, history
from banso_scoring.adapters.accounts import AccountSort
from banso_scoring.api import history_cursors
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.reading import account_health
from banso_scoring.api.schemas import (
    AccountHealth,
    AccountList,
    AccountSummary,
    History,
    HistoryItem,
)
from banso_scoring.domain.durations import SECONDS_PER_DAY, day_of, from_epoch, to_epoch
from banso_scoring.domain.health import Health

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

Sort = AccountSort


@router.get("", response_model=AccountList)
async def list_accounts(
    principal: ReaderDep,
    session: ReadSessionDep,
    band: Annotated[list[Literal["green", "yellow", "red", "unknown"]] | None, Query()] = None,
    sort: Sort = "score",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AccountList:
    """Accounts of the workspace by band, worst score first by default."""
    rows = await accounts.list_accounts(
        session,
        workspace_id=principal.workspace_id,
        bands=band,
        sort=sort,
        limit=limit + 1,
        offset=offset,
    )
    summaries = [
        AccountSummary(
            account_id=row.account_id,
            score=row.score,
            band=row.band,
            evaluated_at=None if row.evaluated_at is None else from_epoch(row.evaluated_at),
        )
        for row in rows[:limit]
    ]
    return AccountList(
        accounts=summaries, next_offset=offset + limit if len(rows) > limit else None
    )


@router.get("/{account_id}/health", response_model=AccountHealth, responses=errors(404))
async def get_health(
    account_id: str, principal: ReaderDep, session: ReadSessionDep, context: ContextDep
) -> AccountHealth:
    """The account's health now: score, band, each measure's part, drivers and signals."""
    return await account_health(
        session, context, workspace_id=principal.workspace_id, account_id=account_id
    )


@router.get("/{account_id}/health/history", response_model=History, responses=errors(400, 404))
async def get_history(
    account_id: str,
    principal: ReaderDep,
    session: ReadSessionDep,
    since: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="Event time, ISO 8601 with a zone (inclusive)."),
    ] = None,
    until: Annotated[
        AwareDatetime | None,
        Query(alias="to", description="Event time, ISO 8601 with a zone (exclusive)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    granularity: Annotated[
        Literal["entry", "day"],
        Query(description="`day`: one point per event-time day, the health at its end."),
    ] = "entry",
) -> History:
    """The account's health history in event time, newest first, a page at a time."""
    if since is not None and until is not None and since >= until:
        raise Unprocessable("`from` must be before `to`", detail={"from": str(since)})
    lower = None if since is None else to_epoch(since)
    upper = None if until is None else to_epoch(until)
    if granularity == "day":
        items, next_cursor = await _days(
            session, principal.workspace_id, account_id, lower, upper, limit, cursor
        )
    else:
        rows = await history.account_history(
            session,
            workspace_id=principal.workspace_id,
            account_id=account_id,
            limit=limit + 1,
            since=lower,
            until=upper,
            before=None if cursor is None else history_cursors.entry_position(cursor),
        )
        items = [_item(row) for row in rows[:limit]]
        next_cursor = (
            history_cursors.entry_cursor(rows[limit - 1].at, rows[limit - 1].id)
            if len(rows) > limit
            else None
        )
    if not items and not await accounts.account_exists(
        session, workspace_id=principal.workspace_id, account_id=account_id
    ):
        raise NotFound(f"no account {account_id!r} in this workspace")
    return History(
        account_id=account_id, granularity=granularity, items=items, next_cursor=next_cursor
    )


async def _days(
    session: AsyncSession,
    workspace_id: str,
    account_id: str,
    lower: float | None,
    upper: float | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[HistoryItem], str | None]:
    """One item per event-time day, newest first: the day's close, else its last entry."""
    if cursor is not None:
        # Days before the cursor's day.
        start = history_cursors.day_position(cursor) * SECONDS_PER_DAY
        upper = start if upper is None else min(upper, start)
    chosen: dict[int, Any] = {}
    before: tuple[float, int] | None = None
    while True:
        rows = await history.account_history(
            session,
            workspace_id=workspace_id,
            account_id=account_id,
            limit=DAY_SCAN,
            since=lower,
            until=upper,
            before=before,
        )
        for row in rows:
            day = day_of(row.at)
            if day not in chosen:
                if len(chosen) == limit:
                    items = [_item(chosen[d]) for d in sorted(chosen, reverse=True)]
                    return items, history_cursors.day_cursor(min(chosen))
                chosen[day] = row
            elif row.cause == history.DAY_CLOSE and chosen[day].cause != history.DAY_CLOSE:
                chosen[day] = row
        if len(rows) < DAY_SCAN:
            return [_item(chosen[d]) for d in sorted(chosen, reverse=True)], None
        before = (rows[-1].at, rows[-1].id)


# Rows read at a time while picking one per day.
DAY_SCAN = 1_000


def _item(row: Any) -> HistoryItem:
    moment = from_epoch(row.at)
    return HistoryItem(
        at=moment,
        day=moment.date(),
        recorded_at=from_epoch(row.recorded_at),
        computed_at=moment,
        score=row.score,
        band=row.band,
        previous_score=row.previous_score,
        previous_band=row.previous_band,
        cause=row.cause,
        change=row.change,
        scorecard_version=row.scorecard_version,
        event_id=row.event_id,
        revised=bool(row.revised),
        health=Health.model_validate_json(row.health) if row.health else None,
    )
