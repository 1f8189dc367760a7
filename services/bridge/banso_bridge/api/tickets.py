"""Tickets raised for themes, and a manual retry for one the sink refused."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from banso_bridge.adapters import ticket_store
from banso_bridge.api.deps import ContextDep
from banso_bridge.api.schemas import TicketList, TicketPublic
from banso_kit.api import ReaderDep, SessionDep, WriterDep
from banso_kit.errors import Conflict, NotFound
from banso_kit.openapi import MAX_ID, MAX_OFFSET, errors

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

State = Literal["pending", "created", "failed", "resolved", "cancelled", "duplicate"]


@router.get("", response_model=TicketList)
async def list_tickets(
    principal: ReaderDep,
    session: SessionDep,
    state: Annotated[list[State] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> TicketList:
    """Tickets of the workspace, newest first, with their sink state and last error."""
    rows = await ticket_store.list_tickets(
        session, workspace_id=principal.workspace_id, states=state, limit=limit + 1, offset=offset
    )
    return TicketList(
        tickets=[TicketPublic.of(row) for row in rows[:limit]],
        next_offset=offset + limit if len(rows) > limit else None,
    )


@router.post("/{theme_id}/retry", response_model=TicketPublic, responses=errors(404, 409))
async def retry_ticket(
    theme_id: Annotated[int, Path(ge=1, le=MAX_ID, description="The ticket's theme.")],
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> TicketPublic:
    """Try a failed ticket again now (after fixing the sink's configuration, say)."""
    ticket = await ticket_store.get_ticket(
        session, workspace_id=principal.workspace_id, theme_id=theme_id
    )
    if ticket is None:
        raise NotFound("ticket not found", detail={"theme_id": theme_id})
    if ticket.state not in {"failed", "pending"}:
        raise Conflict(
            "only a pending or failed ticket can be retried", detail={"state": ticket.state}
        )
    ticket.state = "pending"
    ticket.next_attempt_at = 0.0  # due at once
    ticket.lease_until = 0.0
    session.add(ticket)
    await session.flush()
    context.wake_tickets()
    return TicketPublic.of(ticket)
