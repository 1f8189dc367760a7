"""What an operator's action does: write the change, append it to the audit log, and emit what
other services must know (token revocations), all in the caller's transaction.

The admin API's routes call these and nothing else; the session dependency commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events import TokenRevoked
from banso_ingest.adapters import audit_log, source_store, token_store, workspaces
from banso_ingest.adapters.source_store import NewKey
from banso_ingest.domain.credentials import as_utc
from banso_ingest.models import ApiToken, Source, Workspace
from banso_kit.auth import Scope, issue_token
from banso_kit.outbox import Outbox


@dataclass(frozen=True)
class Operator:
    """The admin's context: who acts (for the audit log), when, and where events go."""

    actor: str
    now: dt.datetime
    outbox: Outbox

    async def audit(
        self,
        session: AsyncSession,
        action: str,
        target_type: str,
        target_id: str,
        workspace_id: str | None,
        **detail: object,
    ) -> None:
        await audit_log.append(
            session,
            actor=self.actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            workspace_id=workspace_id,
            now=self.now,
            detail=detail,
        )


async def create_workspace(session: AsyncSession, op: Operator, *, name: str) -> Workspace:
    workspace = await workspaces.create_workspace(session, name=name, now=op.now)
    await op.audit(session, "workspace.created", "workspace", workspace.id, workspace.id, name=name)
    return workspace


async def rename_workspace(
    session: AsyncSession, op: Operator, *, workspace_id: str, name: str
) -> Workspace:
    before = (await workspaces.get_workspace(session, workspace_id=workspace_id)).name
    workspace = await workspaces.rename_workspace(session, workspace_id=workspace_id, name=name)
    await op.audit(
        session,
        "workspace.renamed",
        "workspace",
        workspace_id,
        workspace_id,
        before=before,
        name=name,
    )
    return workspace


async def delete_workspace(
    session: AsyncSession, op: Operator, *, workspace_id: str
) -> tuple[dict[str, int], int]:
    """Delete the workspace and what ingest holds for it; its live tokens are revoked everywhere
    first. Returns the rows removed by kind and how many tokens were revoked."""
    await workspaces.get_workspace(session, workspace_id=workspace_id)
    live = await token_store.unrevoked_tokens(session, workspace_id=workspace_id)
    for token in live:
        await _emit_revocation(session, op, token, reason="workspace_deleted")
    removed = await workspaces.delete_workspace(session, workspace_id=workspace_id)
    await op.audit(
        session,
        "workspace.deleted",
        "workspace",
        workspace_id,
        workspace_id,
        removed=removed,
        tokens_revoked=len(live),
    )
    return removed, len(live)


async def create_source(
    session: AsyncSession, op: Operator, *, workspace_id: str, name: str
) -> NewKey:
    created = await source_store.create_source(
        session, workspace_id=workspace_id, name=name, now=op.now
    )
    await op.audit(
        session,
        "source.created",
        "source",
        created.source.id,
        workspace_id,
        name=name,
        key_prefix=created.source.key_prefix,
    )
    return created


async def rotate_source_key(
    session: AsyncSession, op: Operator, *, workspace_id: str, source_id: str, grace_s: int
) -> NewKey:
    rotated = await source_store.rotate_key(
        session,
        workspace_id=workspace_id,
        source_id=source_id,
        grace=dt.timedelta(seconds=grace_s),
        now=op.now,
    )
    await op.audit(
        session,
        "source.key_rotated",
        "source",
        source_id,
        workspace_id,
        key_prefix=rotated.source.key_prefix,
        grace_seconds=grace_s,
    )
    return rotated


async def revoke_source(
    session: AsyncSession, op: Operator, *, workspace_id: str, source_id: str
) -> Source:
    source, revoked_now = await source_store.revoke_source(
        session, workspace_id=workspace_id, source_id=source_id, now=op.now
    )
    if revoked_now:
        await op.audit(session, "source.revoked", "source", source_id, workspace_id)
    return source


async def issue_api_token(
    session: AsyncSession,
    op: Operator,
    *,
    secret: str,
    workspace_id: str,
    name: str,
    scopes: list[Scope],
    days: int,
) -> tuple[ApiToken, str]:
    """Record and sign a token; returns the record and the token (shown once)."""
    token_id = uuid.uuid4().hex
    ttl = dt.timedelta(days=days)
    record = await token_store.record_token(
        session,
        token_id=token_id,
        workspace_id=workspace_id,
        name=name,
        scopes=list(scopes),
        now=op.now,
        expires_at=op.now + ttl,
    )
    signed = issue_token(secret, workspace_id, scopes, ttl=ttl, now=op.now, token_id=token_id)
    await op.audit(
        session,
        "token.issued",
        "token",
        token_id,
        workspace_id,
        name=name,
        scopes=sorted(set(scopes)),
        expires_at=(op.now + ttl).isoformat(),
    )
    return record, signed


async def revoke_api_token(
    session: AsyncSession, op: Operator, *, workspace_id: str, token_id: str
) -> ApiToken:
    token, revoked_now = await token_store.revoke_token(
        session, workspace_id=workspace_id, token_id=token_id, now=op.now
    )
    if revoked_now:
        await _emit_revocation(session, op, token, reason="revoked")
        await op.audit(session, "token.revoked", "token", token_id, workspace_id)
    return token


async def _emit_revocation(
    session: AsyncSession, op: Operator, token: ApiToken, *, reason: str
) -> None:
    expires_at = None if token.expires_at is None else as_utc(token.expires_at)
    event = TokenRevoked(
        workspace_id=token.workspace_id,
        token_id=token.id,
        revoked_at=op.now,
        expires_at=expires_at,
        reason=reason,
    )
    await op.outbox.add(session, event)
