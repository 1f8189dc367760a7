"""API tokens issued by ingest: their ids, scopes and lifetimes (the signed JWT is not stored)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_ingest.adapters.workspaces import get_workspace
from banso_ingest.models import ApiToken
from banso_kit.errors import NotFound


async def record_token(
    session: AsyncSession,
    *,
    token_id: str,
    workspace_id: str,
    name: str,
    scopes: list[str],
    now: dt.datetime,
    expires_at: dt.datetime,
) -> ApiToken:
    await get_workspace(session, workspace_id=workspace_id)
    token = ApiToken(
        id=token_id,
        workspace_id=workspace_id,
        name=name,
        scopes=" ".join(sorted(set(scopes))),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    await session.flush()
    return token


async def get_token(session: AsyncSession, *, workspace_id: str, token_id: str) -> ApiToken:
    token = await session.get(ApiToken, token_id)
    if token is None or token.workspace_id != workspace_id:
        raise NotFound(f"token {token_id!r} does not exist in workspace {workspace_id!r}")
    return token


async def list_tokens(session: AsyncSession, *, workspace_id: str) -> list[ApiToken]:
    await get_workspace(session, workspace_id=workspace_id)
    rows = await session.exec(
        select(ApiToken)
        .where(ApiToken.workspace_id == workspace_id)
        .order_by(col(ApiToken.created_at), col(ApiToken.id))
    )
    return list(rows)


async def revoke_token(
    session: AsyncSession, *, workspace_id: str, token_id: str, now: dt.datetime
) -> tuple[ApiToken, bool]:
    """Mark the token revoked; returns it and whether this call revoked it (idempotent)."""
    token = await get_token(session, workspace_id=workspace_id, token_id=token_id)
    if token.revoked_at is not None:
        return token, False
    token.revoked_at = now
    session.add(token)
    await session.flush()
    return token, True


async def unrevoked_tokens(session: AsyncSession, *, workspace_id: str) -> list[ApiToken]:
    """Tokens of the workspace not yet revoked (to revoke them when it is deleted)."""
    rows = await session.exec(
        select(ApiToken).where(
            ApiToken.workspace_id == workspace_id, col(ApiToken.revoked_at).is_(None)
        )
    )
    return list(rows)
