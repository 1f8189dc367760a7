"""Manual overrides: set with a reason and an expiry, audited, never silently replaced."""

from __future__ import annotations

from datetime import timedelta

import orjson
from fastapi import APIRouter
from fastapi import Response as FastAPIResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.clock import epoch
from banso_kit.errors import Conflict, NotFound, Unprocessable
from banso_kit.openapi import errors
from banso_scoring.adapters import accounts, evaluation_requests, overrides
from banso_scoring.api.deps import ContextDep
from banso_scoring.api.schemas import AuditItem, OverrideBody, OverridePublic
from banso_scoring.domain.durations import from_epoch
from banso_scoring.domain.overrides import Override, OverrideConflict, check_replace

router = APIRouter(prefix="/v1/accounts/{account_id}/override", tags=["overrides"])


async def _public(session: AsyncSession, workspace_id: str, account_id: str) -> OverridePublic:
    key = (workspace_id, account_id)
    current = (await overrides.load_overrides(session, keys={key})).get(key)
    audit = await overrides.override_audit(
        session, workspace_id=workspace_id, account_id=account_id
    )
    return OverridePublic(
        account_id=account_id,
        override=None if current is None else current.model_dump(mode="json"),
        audit=[
            AuditItem(action=action, actor=actor, at=from_epoch(at), override=orjson.loads(doc))
            for action, actor, at, doc in audit
        ],
    )


@router.get("", response_model=OverridePublic)
async def get_override(
    account_id: str, principal: ReaderDep, session: ReadSessionDep
) -> OverridePublic:
    """The override in force (if any) and who set, replaced, cleared or let it expire."""
    return await _public(session, principal.workspace_id, account_id)


@router.put("", response_model=OverridePublic, responses=errors(404, 409))
async def put_override(
    account_id: str,
    body: OverrideBody,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> OverridePublic:
    """Set the account's band (and score) by hand until it expires by itself."""
    if (body.expires_at is None) == (body.expires_in is None):
        raise Unprocessable(
            "give expires_at or expires_in", detail={"problems": ["expires_at: required"]}
        )
    now = from_epoch(epoch(context.clock))
    expires_at = body.expires_at or now + (body.expires_in or timedelta(0))
    try:
        override = Override(
            band=body.band,
            score=body.score,
            reason=body.reason,
            set_by=body.set_by,
            set_at=now,
            expires_at=expires_at,
        )
    except ValueError as error:
        raise Unprocessable("the override is invalid", detail={"problems": [str(error)]}) from error
    key = (principal.workspace_id, account_id)
    if not await accounts.account_exists(
        session, workspace_id=principal.workspace_id, account_id=account_id
    ):
        raise NotFound(f"no account {account_id!r} in this workspace")
    current = (await overrides.load_overrides(session, keys={key})).get(key)
    try:
        check_replace(current, now, replace=body.replace)
    except OverrideConflict as error:
        raise Conflict(str(error)) from error
    replacing = current is not None and current.active_at(now)
    await overrides.put_override(
        session,
        workspace_id=principal.workspace_id,
        account_id=account_id,
        override=override,
        action="replaced" if replacing else "set",
        actor=body.set_by,
        at=epoch(context.clock),
        audited=override,
    )
    await evaluation_requests.request_evaluation(
        session, workspace_id=principal.workspace_id, account_id=account_id, cause="override"
    )
    return await _public(session, principal.workspace_id, account_id)


@router.delete("", status_code=204, responses=errors(404))
async def delete_override(
    account_id: str,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
    cleared_by: str,
) -> FastAPIResponse:
    """Lift the override now (audited); computed health shows again."""
    key = (principal.workspace_id, account_id)
    current = (await overrides.load_overrides(session, keys={key})).get(key)
    if current is None:
        raise NotFound("no override on this account")
    await overrides.put_override(
        session,
        workspace_id=principal.workspace_id,
        account_id=account_id,
        override=None,
        action="cleared",
        actor=cleared_by,
        at=epoch(context.clock),
        audited=current,
    )
    await evaluation_requests.request_evaluation(
        session, workspace_id=principal.workspace_id, account_id=account_id, cause="override"
    )
    return FastAPIResponse(status_code=204)
