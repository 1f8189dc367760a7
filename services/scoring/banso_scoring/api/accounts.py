"""Accounts and their health: list by band, current health with its explanation, history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.errors import NotFound
from banso_kit.openapi import MAX_OFFSET, errors
from banso_scoring.adapters import accounts, history
from banso_scoring.adapters.accounts import AccountSort
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


@router.get("/{account_id}/health/history", response_model=History, responses=errors(404))
async def get_history(
    account_id: str,
    principal: ReaderDep,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> History:
    """Every published change and recomputation of the account's health, newest first."""
    rows = await history.account_history(
        session, workspace_id=principal.workspace_id, account_id=account_id, limit=limit
    )
    if not rows and not await accounts.account_exists(
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
