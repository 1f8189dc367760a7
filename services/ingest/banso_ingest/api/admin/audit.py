"""Admin API: the audit log of every administrative action."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query

from banso_ingest.adapters import audit_log
from banso_ingest.api.admin.schemas import ID_PATTERN, AuditEntryPublic, AuditPage, errors
from banso_ingest.api.admin.security import ActorDep
from banso_kit.api import ReadSessionDep

router = APIRouter(prefix="/v1/admin/audit", tags=["admin: audit"])


@router.get("", responses=errors(401, 422))
async def read_audit_log(
    _: ActorDep,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=2**62, description="Entries older than this id (a cursor).")
    ] = None,
    workspace_id: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    action: Annotated[
        str | None, Query(max_length=64, pattern=ID_PATTERN, examples=["source.revoked"])
    ] = None,
) -> AuditPage:
    """Who did what to which target, and when: newest first, a page at a time."""
    rows = await audit_log.page(
        session, limit=limit, before=before, workspace_id=workspace_id, action=action
    )
    items = [AuditEntryPublic.of(row, _detail(row.detail)) for row in rows]
    full = len(rows) == limit
    return AuditPage(items=items, next_before=items[-1].id if items and full else None)


def _detail(text: str) -> dict[str, Any]:
    value = orjson.loads(text)
    return value if isinstance(value, dict) else {"value": value}
