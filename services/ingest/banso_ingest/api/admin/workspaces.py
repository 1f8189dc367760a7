"""Admin API: workspaces (tenants)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from banso_ingest import administration
from banso_ingest.adapters import workspaces
from banso_ingest.api.admin.deps import OperatorDep, WorkspaceId
from banso_ingest.api.admin.schemas import (
    WorkspaceCreate,
    WorkspaceDeleted,
    WorkspacePage,
    WorkspacePublic,
    WorkspaceRename,
    errors,
)
from banso_ingest.api.admin.security import ActorDep
from banso_kit.api import ReadSessionDep, SessionDep

router = APIRouter(prefix="/v1/admin/workspaces", tags=["admin: workspaces"])


@router.post("", status_code=201, responses=errors(401, 422))
async def create_workspace(
    body: WorkspaceCreate, op: OperatorDep, session: SessionDep
) -> WorkspacePublic:
    """Create a workspace (a tenant)."""
    workspace = await administration.create_workspace(session, op, name=body.name)
    return WorkspacePublic.of(workspace)


@router.get("", responses=errors(401, 422))
async def list_workspaces(
    _: ActorDep,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> WorkspacePage:
    """The workspaces, oldest first, a page at a time."""
    rows, total = await workspaces.list_workspaces(session, limit=limit, offset=offset)
    return WorkspacePage(
        items=[WorkspacePublic.of(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get("/{workspace_id}", responses=errors(401, 404))
async def get_workspace(
    workspace_id: WorkspaceId, _: ActorDep, session: ReadSessionDep
) -> WorkspacePublic:
    """One workspace."""
    return WorkspacePublic.of(await workspaces.get_workspace(session, workspace_id=workspace_id))


@router.patch("/{workspace_id}", responses=errors(401, 404, 422))
async def rename_workspace(
    workspace_id: WorkspaceId, body: WorkspaceRename, op: OperatorDep, session: SessionDep
) -> WorkspacePublic:
    """Rename a workspace."""
    workspace = await administration.rename_workspace(
        session, op, workspace_id=workspace_id, name=body.name
    )
    return WorkspacePublic.of(workspace)


@router.delete("/{workspace_id}", responses=errors(401, 404))
async def delete_workspace(
    workspace_id: WorkspaceId, op: OperatorDep, session: SessionDep
) -> WorkspaceDeleted:
    """Delete a workspace with its sources, tokens (revoked on every service) and the dedupe and
    grouping state ingest holds for it. Events already published stay in Kafka."""
    removed, revoked = await administration.delete_workspace(session, op, workspace_id=workspace_id)
    return WorkspaceDeleted(workspace_id=workspace_id, removed=removed, tokens_revoked=revoked)
