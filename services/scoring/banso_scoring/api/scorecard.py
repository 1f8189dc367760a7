"""The workspace's scorecard: read it, replace it with YAML."""

from __future__ import annotations

from fastapi import APIRouter, Request

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.clock import epoch
from banso_kit.errors import InvalidInput, Unprocessable
from banso_kit.openapi import errors
from banso_scoring.adapters import scorecards
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.reading import current_scorecard
from banso_scoring.api.schemas import ScorecardPublic
from banso_scoring.domain.scorecard_yaml import (
    MAX_SCORECARD_BYTES,
    ScorecardInvalid,
    parse_scorecard,
)

router = APIRouter(prefix="/v1/scorecard", tags=["scorecard"])


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


@router.put(
    "",
    response_model=ScorecardPublic,
    responses=errors(400),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The scorecard as YAML (UTF-8, at most 256 KB).",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
async def put_scorecard(
    request: Request, principal: WriterDep, session: SessionDep, context: ContextDep
) -> ScorecardPublic:
    """Replace the scorecard (YAML body); every account is recomputed from its aggregates."""
    body = await request.body()
    if len(body) > MAX_SCORECARD_BYTES:
        raise InvalidInput(f"scorecard is larger than {MAX_SCORECARD_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("scorecard must be UTF-8 YAML") from error
    try:
        scorecard = parse_scorecard(text)
    except ScorecardInvalid as error:
        raise Unprocessable(
            "the scorecard is invalid", detail={"problems": error.problems}
        ) from error
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
