"""Admin API: the live event debugger — the latest events of a workspace's sources as they
arrived at this worker, accepted or rejected (with the reason)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from banso_ingest.api.admin.deps import WorkspaceId
from banso_ingest.api.admin.schemas import errors
from banso_ingest.api.admin.security import ActorDep
from banso_ingest.api.deps import IngestDep


class SeenEvent(BaseModel):
    received_at: str
    source_id: str
    outcome: str = Field(description="accepted, duplicate or rejected")
    message_id: str | None
    type: str | None = Field(description="track, identify, group, page, screen, alias, feedback")
    name: str | None = Field(description="The track's event, the page's name, the feedback kind.")
    user_id: str | None
    account_id: str | None
    reason: str | None = Field(description="A rejection's reason code.")
    detail: str | None = Field(description="A rejection's message.")


class RecentEventsPage(BaseModel):
    events: list[SeenEvent]
    per_source: int = Field(description="How many events of each source a worker keeps.")


router = APIRouter(prefix="/v1/admin/workspaces/{workspace_id}/events", tags=["admin: events"])


@router.get("", responses=errors(401, 422))
async def recent_events(
    workspace_id: WorkspaceId,
    _: ActorDep,
    ingest: IngestDep,
    source_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> RecentEventsPage:
    """Newest first, of one source or all: kept in this worker's memory only (the last
    `per_source` of each source it received; a restart starts empty)."""
    seen = ingest.recent.latest(workspace_id, source_id, limit=limit)
    return RecentEventsPage(
        events=[SeenEvent.model_validate(entry.as_json()) for entry in seen],
        per_source=ingest.recent.per_source,
    )
