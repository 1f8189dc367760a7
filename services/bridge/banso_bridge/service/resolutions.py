"""A sink says a ticket is done: close the loop for everyone who reported the problem."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import item_store, theme_store, ticket_store
from banso_bridge.domain.tickets.resolution import ResolvedNotice
from banso_contracts.events import TicketResolved
from banso_contracts.events.tickets import Reporter
from banso_kit.outbox import Outbox


async def resolve_ticket(
    session: AsyncSession,
    outbox: Outbox,
    *,
    workspace_id: str,
    sink: str,
    notice: ResolvedNotice,
    now: float,
) -> str:
    """Mark the ticket and its theme resolved and publish ``TicketResolved`` (once).

    Returns ``resolved``, ``already`` (a repeated delivery) or ``unknown`` (not our ticket).
    """
    ticket = await ticket_store.by_external_key(
        session, workspace_id=workspace_id, sink=sink, external_key=notice.external_key
    )
    if ticket is None:
        return "unknown"
    if ticket.state == "resolved":
        return "already"
    resolved_at = notice.resolved_at or datetime.fromtimestamp(now, tz=UTC)
    ticket.state = "resolved"
    ticket.status = "resolved"
    ticket.resolution = notice.resolution
    ticket.resolved_at = resolved_at.timestamp()
    ticket.needs_update = False
    ticket.updated_at = now
    session.add(ticket)
    theme = await theme_store.get_theme(
        session, workspace_id=workspace_id, theme_id=ticket.theme_id
    )
    if theme is not None and theme.status in {"open", "ticketed"}:
        theme.status = "resolved"
        theme.updated_at = now
        session.add(theme)
    reporters = await item_store.theme_reporters(
        session, workspace_id=workspace_id, theme_id=ticket.theme_id
    )
    await outbox.add(
        session,
        TicketResolved(
            workspace_id=workspace_id,
            ticket_id=ticket.ticket_id,
            theme_id=str(ticket.theme_id),
            sink=sink,
            external_key=notice.external_key,
            resolution=notice.resolution,
            resolved_at=resolved_at,
            account_ids=sorted({account for _, account in reporters}),
            reporters=[Reporter(user_id=user, account_id=account) for user, account in reporters],
        ),
    )
    return "resolved"
