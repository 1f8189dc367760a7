"""Admin API: a workspace's API bearer tokens."""

from __future__ import annotations

from fastapi import APIRouter

from banso_ingest import administration
from banso_ingest.adapters import token_store
from banso_ingest.api.admin.deps import OperatorDep, TokenId, WorkspaceId
from banso_ingest.api.admin.schemas import TokenIssue, TokenIssued, TokenPublic, errors
from banso_ingest.api.admin.security import ActorDep
from banso_ingest.api.deps import IngestDep
from banso_kit.api import ReadSessionDep, SessionDep

router = APIRouter(prefix="/v1/admin/workspaces/{workspace_id}/tokens", tags=["admin: tokens"])


@router.post("", status_code=201, responses=errors(401, 404, 422))
async def issue_token(
    workspace_id: WorkspaceId,
    body: TokenIssue,
    op: OperatorDep,
    ingest: IngestDep,
    session: SessionDep,
) -> TokenIssued:
    """Issue a bearer token with scopes and an expiry; the token is in this answer only."""
    record, signed = await administration.issue_api_token(
        session,
        op,
        secret=ingest.settings.secret,
        workspace_id=workspace_id,
        name=body.name,
        scopes=body.scopes,
        days=body.expires_in_days,
    )
    public = TokenPublic.of(record, now=op.now)
    return TokenIssued(**public.model_dump(), token=signed)


@router.get("", responses=errors(401, 404))
async def list_tokens(
    workspace_id: WorkspaceId, _: ActorDep, ingest: IngestDep, session: ReadSessionDep
) -> list[TokenPublic]:
    """The workspace's tokens (never the tokens themselves): scopes, expiry, state."""
    rows = await token_store.list_tokens(session, workspace_id=workspace_id)
    now = ingest.clock.now()
    return [TokenPublic.of(row, now=now) for row in rows]


@router.post("/{token_id}/revoke", responses=errors(401, 404))
async def revoke_token(
    workspace_id: WorkspaceId, token_id: TokenId, op: OperatorDep, session: SessionDep
) -> TokenPublic:
    """Revoke a token: every service refuses it once it has read the revocation from Kafka."""
    token = await administration.revoke_api_token(
        session, op, workspace_id=workspace_id, token_id=token_id
    )
    return TokenPublic.of(token, now=op.now)
