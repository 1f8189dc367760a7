"""What moved: accounts that turned red, yellow or green in an event-time window (a week by
default), with the ARR at risk, for the CS lead's portfolio."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.errors import Unprocessable
from banso_kit.openapi import MAX_OFFSET, errors
from banso_scoring.adapters import moves as move_store
from banso_scoring.api.deps import ContextDep
from banso_scoring.domain import moves
from banso_scoring.domain.durations import from_epoch, to_epoch

router = APIRouter(prefix="/v1/portfolio", tags=["accounts"])

MoveBand = Literal["red", "yellow", "green"]
DEFAULT_WINDOW = timedelta(days=7)
MAX_WINDOW = timedelta(days=366)


class AccountMove(BaseModel):
    account_id: str
    name: str | None
    arr: float | None
    csm: str | None = Field(description="The account's owner (trait `csm`).")
    from_band: str = Field(description="The band before the window.")
    to_band: str = Field(description="The band at the end of the window.")
    worse: bool = Field(description="The band got worse (its ARR counts as at risk).")
    score: float | None = Field(description="The score at the end of the window.")
    moved_at: datetime | None = Field(
        description="Event time of the last band change inside the window."
    )


class BandMoves(BaseModel):
    accounts: int
    arr: float


class MovesPage(BaseModel):
    since: datetime = Field(description="Start of the window (event time, inclusive).")
    until: datetime = Field(description="End of the window (event time, exclusive).")
    moves: list[AccountMove]
    total: int = Field(description="Accounts that moved to the bands asked for, on every page.")
    offset: int
    limit: int
    next_offset: int | None = Field(description="Pass as `offset` for the next page.")
    by_band: dict[str, BandMoves] = Field(description="Accounts and ARR per band moved to.")
    arr_at_risk: float = Field(description="ARR of the accounts whose band got worse.")


@router.get("/moves", response_model=MovesPage, responses=errors(422))
async def list_moves(
    principal: ReaderDep,
    session: ReadSessionDep,
    context: ContextDep,
    since: Annotated[
        AwareDatetime | None,
        Query(description="Event time, ISO 8601 with a zone (inclusive); `until` − 7 days."),
    ] = None,
    until: Annotated[
        AwareDatetime | None,
        Query(description="Event time, ISO 8601 with a zone (exclusive); now by default."),
    ] = None,
    to_band: Annotated[
        list[MoveBand] | None, Query(description="Only moves to these bands (all by default).")
    ] = None,
    csm: Annotated[
        str | None, Query(max_length=256, description="Only this owner's accounts (any case).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> MovesPage:
    """Accounts whose band at the end of the window differs from the band before it."""
    end = until or context.clock.now()
    start = since or end - DEFAULT_WINDOW
    if start >= end:
        raise Unprocessable("`since` must be before `until`", detail={"since": start.isoformat()})
    if end - start > MAX_WINDOW:
        raise Unprocessable("the window is at most 366 days", detail={"since": start.isoformat()})
    lower, upper = to_epoch(start), to_epoch(end)
    rows = await move_store.band_moves(
        session,
        workspace_id=principal.workspace_id,
        since=lower,
        until=upper,
        to_bands=to_band or moves.MOVE_BANDS,
        csm=csm,
    )
    found = moves.ordered(
        moves.Move(
            account_id=row.account_id,
            name=row.name,
            arr=row.arr,
            csm=row.csm,
            from_band=row.from_band,
            to_band=row.to_band,
            score=row.score,
        )
        for row in rows
    )
    page = found[offset : offset + limit]
    when = await move_store.moved_at(
        session,
        workspace_id=principal.workspace_id,
        account_ids=[move.account_id for move in page],
        since=lower,
        until=upper,
    )
    sums = moves.totals(found)
    return MovesPage(
        since=start,
        until=end,
        moves=[
            AccountMove(
                account_id=move.account_id,
                name=move.name,
                arr=move.arr,
                csm=move.csm,
                from_band=move.from_band,
                to_band=move.to_band,
                worse=move.worse,
                score=move.score,
                moved_at=from_epoch(when[move.account_id]) if move.account_id in when else None,
            )
            for move in page
        ],
        total=len(found),
        offset=offset,
        limit=limit,
        next_offset=offset + limit if offset + limit < len(found) else None,
        by_band={
            band: BandMoves(accounts=total.accounts, arr=total.arr)
            for band, total in sums.by_band.items()
        },
        arr_at_risk=sums.arr_at_risk,
    )
