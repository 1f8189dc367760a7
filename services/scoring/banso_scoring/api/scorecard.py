"""The workspace's scorecard: read it, replace it with YAML."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.clock import epoch
from banso_kit.errors import InvalidInput, Unprocessable
from banso_kit.openapi import MAX_OFFSET, errors
from banso_scoring.adapters import scorecards
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.reading import current_scorecard
from banso_scoring.api.schemas import ScorecardPublic
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.scorecard_yaml import (
    MAX_SCORECARD_BYTES,
    ScorecardInvalid,
    parse_scorecard,
)
from banso_scoring.service.scorecard_preview import preview_scorecard

router = APIRouter(prefix="/v1/scorecard", tags=["scorecard"])

YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scorecard as YAML (UTF-8, at most 256 KB).",
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}


async def _parsed(request: Request) -> tuple[str, Scorecard]:
    """The body as a scorecard; 400 when it is not UTF-8 text of a bearable size, 422 naming
    each problem with its field and line when it is not a valid scorecard."""
    body = await request.body()
    if len(body) > MAX_SCORECARD_BYTES:
        raise InvalidInput(f"scorecard is larger than {MAX_SCORECARD_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("scorecard must be UTF-8 YAML") from error
    try:
        return text, parse_scorecard(text)
    except ScorecardInvalid as error:
        located = [
            {"field": p.field, "line": p.line, "message": p.message}
            | ({"code": p.code, "params": p.params} if p.code else {})
            for p in error.located
        ]
        raise Unprocessable(
            "the scorecard is invalid", detail={"problems": error.problems, "located": located}
        ) from error


@router.get("", response_model=ScorecardPublic)
async def get_scorecard(
    principal: ReaderDep, session: ReadSessionDep, context: ContextDep
) -> ScorecardPublic:
    """The scorecard in force, as YAML and as parsed fields with defaults filled in."""
    version, text, scorecard = await current_scorecard(session, context, principal.workspace_id)
    return ScorecardPublic(
        version=version,
        yaml=text,
        scorecard=scorecard.model_dump(mode="json"),
        is_default=version == 1,
    )


@router.put("", response_model=ScorecardPublic, responses=errors(400), openapi_extra=YAML_BODY)
async def put_scorecard(
    request: Request, principal: WriterDep, session: SessionDep, context: ContextDep
) -> ScorecardPublic:
    """Replace the scorecard (YAML body); every account is recomputed from its aggregates."""
    text, scorecard = await _parsed(request)
    version = await scorecards.add_scorecard(
        session,
        workspace_id=principal.workspace_id,
        yaml=text,
        at=epoch(context.clock),
        by=principal.token_id,
    )
    context.scorecards[(principal.workspace_id, version)] = scorecard
    return ScorecardPublic(
        version=version,
        yaml=text,
        scorecard=scorecard.model_dump(mode="json"),
        is_default=False,
    )


class BandCounts(BaseModel):
    green: int
    yellow: int
    red: int
    unknown: int = Field(description="Not enough data for a band.")


class BandChangePublic(BaseModel):
    account_id: str
    name: str | None
    arr: float | None
    before_score: float | None
    before_band: str
    after_score: float | None
    after_band: str


class ScorecardPreview(BaseModel):
    """Bands under the scorecard in force and under the draft, evaluated at the same moment."""

    scorecard_version: int = Field(description="The version in force the draft is compared to.")
    total: int = Field(description="Accounts in the workspace.")
    evaluated: int = Field(description="Accounts evaluated (all of them when `complete`).")
    complete: bool = Field(description="False when the time budget ran out first.")
    before: BandCounts
    after: BandCounts
    changed: int = Field(description="Accounts whose band would change.")
    changes: list[BandChangePublic] = Field(
        description="A page of the accounts whose band would change, turning red first."
    )
    offset: int
    limit: int
    next_offset: int | None = Field(description="Pass as `offset` for the next page.")


@router.post(
    "/preview",
    response_model=ScorecardPreview,
    responses=errors(400),
    openapi_extra=YAML_BODY,
)
async def preview(
    request: Request,
    principal: ReaderDep,
    session: ReadSessionDep,
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ScorecardPreview:
    """How many accounts a draft scorecard (YAML body) would move to another band; changes nothing."""
    _, draft = await _parsed(request)
    workspace_id = principal.workspace_id
    version, _, current = await current_scorecard(session, context, workspace_id)
    found = await preview_scorecard(
        session,
        workspace_id=workspace_id,
        group_id=context.group_id,
        current=current,
        draft=draft,
        idle_now=epoch(context.clock),
        budget_s=context.settings.scorecard_preview_budget_s,
    )
    tally = found.tally
    changes = tally.ordered_changes()
    return ScorecardPreview(
        scorecard_version=version,
        total=found.total,
        evaluated=tally.accounts,
        complete=found.complete,
        before=BandCounts.model_validate(tally.before),
        after=BandCounts.model_validate(tally.after),
        changed=len(changes),
        changes=[
            BandChangePublic(
                account_id=c.account_id,
                name=c.name,
                arr=c.arr,
                before_score=c.before_score,
                before_band=c.before_band,
                after_score=c.after_score,
                after_band=c.after_band,
            )
            for c in changes[offset : offset + limit]
        ],
        offset=offset,
        limit=limit,
        next_offset=offset + limit if offset + limit < len(changes) else None,
    )
