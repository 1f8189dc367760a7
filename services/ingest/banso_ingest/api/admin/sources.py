"""Admin API: a workspace's sources and their write keys."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from banso_ingest import administration
from banso_ingest.adapters import source_store
from banso_ingest.adapters.source_store import NewKey
from banso_ingest.api.admin.deps import OperatorDep, SourceId, WorkspaceId
from banso_ingest.api.admin.schemas import (
    SourceCreate,
    SourcePublic,
    SourceRotate,
    SourceWithKey,
    errors,
)
from banso_ingest.api.admin.security import ActorDep
from banso_ingest.api.deps import IngestDep
from banso_kit.api import ReadSessionDep, SessionDep

router = APIRouter(prefix="/v1/admin/workspaces/{workspace_id}/sources", tags=["admin: sources"])


def _with_key(created: NewKey, now: dt.datetime) -> SourceWithKey:
    public = SourcePublic.of(created.source, now=now)
    return SourceWithKey(**public.model_dump(), write_key=created.write_key)


@router.post("", status_code=201, responses=errors(401, 404, 422))
async def create_source(
    workspace_id: WorkspaceId, body: SourceCreate, op: OperatorDep, session: SessionDep
) -> SourceWithKey:
    """Create a source; its write key is in this answer only (it is stored hashed)."""
    created = await administration.create_source(
        session, op, workspace_id=workspace_id, name=body.name
    )
    return _with_key(created, op.now)


@router.get("", responses=errors(401, 404))
async def list_sources(
    workspace_id: WorkspaceId, _: ActorDep, ingest: IngestDep, session: ReadSessionDep
) -> list[SourcePublic]:
    """The workspace's sources with their key prefixes and when each was last seen."""
    rows = await source_store.list_sources(session, workspace_id=workspace_id)
    now = ingest.clock.now()
    return [SourcePublic.of(row, now=now) for row in rows]


@router.post("/{source_id}/rotate", responses=errors(401, 404, 409, 422))
async def rotate_source_key(
    workspace_id: WorkspaceId,
    source_id: SourceId,
    body: SourceRotate,
    op: OperatorDep,
    session: SessionDep,
) -> SourceWithKey:
    """Give the source a new write key (in this answer only); the previous one keeps working
    for `grace_seconds`, then every ingest worker refuses it within a second."""
    rotated = await administration.rotate_source_key(
        session, op, workspace_id=workspace_id, source_id=source_id, grace_s=body.grace_seconds
    )
    return _with_key(rotated, op.now)


@router.post("/{source_id}/revoke", responses=errors(401, 404))
async def revoke_source(
    workspace_id: WorkspaceId, source_id: SourceId, op: OperatorDep, session: SessionDep
) -> SourcePublic:
    """Revoke the source: every ingest worker and replica refuses its keys within a second."""
    source = await administration.revoke_source(
        session, op, workspace_id=workspace_id, source_id=source_id
    )
    return SourcePublic.of(source, now=op.now)
