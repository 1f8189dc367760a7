"""Accounts and their health: list by band, current health with its explanation, history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.errors import NotFound
from banso_scoring.adapters import api_writes, repository
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.reading import account_health
from banso_scoring.api.schemas import (
    AccountHealth,
    AccountList,
    AccountSummary,
    History,
    HistoryItem,
)
from banso_scoring.domain.durations import from_epoch
from banso_scoring.domain.health import Health

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

Sort = Literal["score", "-score", "account_id", "-account_id", "evaluated_at", "-evaluated_at"]


@router.get("", response_model=AccountList)
async def list_accounts(
    principal: ReaderDep,
    session: ReadSessionDep,
    band: Annotated[list[Literal["green", "yellow", "red", "unknown"]] | None, Query()] = None,
    sort: Sort = "score",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AccountList:
    """Accounts of the workspace by band, worst score first by default."""
    table = repository.ACCOUNTS
    column = table.c[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    query = select(table.c.account_id, table.c.score, table.c.band, table.c.evaluated_at).where(
        table.c.workspace_id == principal.workspace_id
    )
    if band:
        query = query.where(table.c.band.in_(band))
    query = query.order_by(order.nulls_last(), table.c.account_id).limit(limit + 1).offset(offset)
    rows = (await (await session.connection()).execute(query)).all()
    accounts = [
        AccountSummary(
            account_id=row.account_id,
            score=row.score,
            band=row.band,
            evaluated_at=None if row.evaluated_at is None else from_epoch(row.evaluated_at),
        )
        for row in rows[:limit]
    ]
    return AccountList(accounts=accounts, next_offset=offset + limit if len(rows) > limit else None)


@router.get("/{account_id}/health", response_model=AccountHealth)
async def get_health(
    account_id: str, principal: ReaderDep, session: ReadSessionDep, context: ContextDep
) -> AccountHealth:
    """The account's health now: score, band, each measure's part, drivers and signals."""
    return await account_health(
        session, context, workspace_id=principal.workspace_id, account_id=account_id
    )


@router.get("/{account_id}/health/history", response_model=History)
async def get_history(
    account_id: str,
    principal: ReaderDep,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> History:
    """Every published change and recomputation of the account's health, newest first."""
    table = repository.HISTORY
    rows = (
        await (await session.connection()).execute(
            select(table)
            .where(table.c.workspace_id == principal.workspace_id, table.c.account_id == account_id)
            .order_by(table.c.computed_at.desc(), table.c.id.desc())
            .limit(limit)
        )
    ).all()
    if not rows and not await api_writes.account_exists(
        session, workspace_id=principal.workspace_id, account_id=account_id
    ):
        raise NotFound(f"no account {account_id!r} in this workspace")
    return History(
        account_id=account_id,
        items=[
            HistoryItem(
                computed_at=from_epoch(row.computed_at),
                score=row.score,
                band=row.band,
                previous_score=row.previous_score,
                previous_band=row.previous_band,
                cause=row.cause,
                change=row.change,
                scorecard_version=row.scorecard_version,
                event_id=row.event_id,
                health=Health.model_validate_json(row.health),
            )
            for row in rows
        ],
    )
