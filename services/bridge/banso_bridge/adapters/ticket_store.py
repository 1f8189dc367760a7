"""Repository functions for tickets (flush only; the caller's transaction commits)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.models import Ticket
from banso_kit.upsert import upsert

_TICKET_NAMESPACE = uuid.UUID("6f6b9a51-2a52-4d55-9b8a-0c6c1f4a1d3e")


def ticket_id_for(workspace_id: str, theme_id: int) -> str:
    """Deterministic, so a replayed decision names the same ticket."""
    return str(uuid.uuid5(_TICKET_NAMESPACE, f"{workspace_id}:{theme_id}"))


async def ensure_ticket(
    session: AsyncSession,
    *,
    workspace_id: str,
    theme_id: int,
    sink: str,
    theme_key: str,
    title: str,
    now: float,
) -> bool:
    """Open the theme's ticket (state pending) unless it has one; True if this call opened it.

    The primary key (workspace, theme) is what makes "one ticket per theme" hold under any
    concurrency: a second insert is a no-op.
    """
    inserted = await upsert(
        session,
        Ticket.__table__,  # type: ignore[attr-defined]
        [
            {
                "workspace_id": workspace_id,
                "theme_id": theme_id,
                "ticket_id": ticket_id_for(workspace_id, theme_id),
                "sink": sink,
                "theme_key": theme_key,
                "state": "pending",
                "title": title,
                "status": "open",
                "synced_accounts": 0,
                "synced_arr": 0.0,
                "synced_items": 0,
                "needs_update": False,
                "attempts": 0,
                "next_attempt_at": 0.0,  # due at once (wall time)
                "lease_until": 0.0,
                "created_at": now,
                "updated_at": now,
            }
        ],
        keys=("workspace_id", "theme_id"),
    )
    return inserted > 0


async def follow_merge(
    session: AsyncSession, *, workspace_id: str, merged: int, survivor: int
) -> None:
    """The merged theme's ticket becomes the survivor's, unless the survivor has its own.

    One problem then keeps one ticket in the tracker instead of gaining a twin when the merged
    theme's items push the survivor over the threshold. When both had one, the merged theme's
    ticket (if already in the sink) is due for an update: the worker marks it a duplicate of the
    survivor's, so no twin stays open.
    """
    if await get_ticket(session, workspace_id=workspace_id, theme_id=survivor) is not None:
        await session.exec(
            update(Ticket)
            .where(
                col(Ticket.workspace_id) == workspace_id,
                col(Ticket.theme_id) == merged,
                col(Ticket.state) == "created",
            )
            .values(needs_update=True, next_attempt_at=0.0)
        )
        return
    await session.exec(
        update(Ticket)
        .where(col(Ticket.workspace_id) == workspace_id, col(Ticket.theme_id) == merged)
        .values(theme_id=survivor)
    )


async def open_ticket_themes(session: AsyncSession, *, workspace_id: str) -> list[int]:
    """Themes whose ticket is still open for new evidence (pending or created)."""
    rows = await session.exec(
        select(Ticket.theme_id)
        .where(
            Ticket.workspace_id == workspace_id,
            col(Ticket.state).in_(["pending", "created"]),
        )
        .order_by(col(Ticket.theme_id))
    )
    return [int(theme_id) for theme_id in rows.all()]


async def get_ticket(session: AsyncSession, *, workspace_id: str, theme_id: int) -> Ticket | None:
    return await session.get(Ticket, (workspace_id, theme_id))


async def request_update(session: AsyncSession, *, workspace_id: str, theme_id: int) -> None:
    """Ask the worker to post the new evidence (due at once)."""
    await session.exec(
        update(Ticket)
        .where(
            col(Ticket.workspace_id) == workspace_id,
            col(Ticket.theme_id) == theme_id,
            col(Ticket.state) == "created",
            col(Ticket.needs_update).is_(False),
        )
        .values(needs_update=True, next_attempt_at=0.0)
    )


async def due_tickets(session: AsyncSession, *, now: float, limit: int = 20) -> Sequence[Ticket]:
    """Tickets to create, or to update with new evidence, whose retry time has come.

    `now` and the stored attempt and lease times are wall-clock seconds.
    """
    rows = await session.exec(
        select(Ticket)
        .where(
            or_(
                col(Ticket.state) == "pending",
                (col(Ticket.state) == "created") & col(Ticket.needs_update),
            ),
            col(Ticket.next_attempt_at) <= now,
            col(Ticket.lease_until) <= now,
        )
        .order_by(col(Ticket.next_attempt_at))
        .limit(limit)
    )
    return rows.all()


async def claim(
    session: AsyncSession, *, workspace_id: str, theme_id: int, now: float, lease_s: float
) -> bool:
    """Take the ticket for `lease_s` seconds; False if another worker holds it."""
    result = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.workspace_id) == workspace_id,
            col(Ticket.theme_id) == theme_id,
            col(Ticket.lease_until) <= now,
        )
        .values(lease_until=now + lease_s)
    )
    return bool(result.rowcount)


async def tickets_of(
    session: AsyncSession, *, workspace_id: str, theme_ids: Sequence[int]
) -> dict[int, Ticket]:
    if not theme_ids:
        return {}
    rows = await session.exec(
        select(Ticket).where(
            Ticket.workspace_id == workspace_id, col(Ticket.theme_id).in_(list(theme_ids))
        )
    )
    return {ticket.theme_id: ticket for ticket in rows.all()}


async def by_external_key(
    session: AsyncSession, *, workspace_id: str, sink: str, external_key: str
) -> Ticket | None:
    rows = await session.exec(
        select(Ticket).where(
            Ticket.workspace_id == workspace_id,
            Ticket.sink == sink,
            Ticket.external_key == external_key,
        )
    )
    return rows.first()


async def list_tickets(
    session: AsyncSession,
    *,
    workspace_id: str,
    states: Sequence[str] | None,
    limit: int,
    offset: int,
) -> Sequence[Ticket]:
    query = select(Ticket).where(Ticket.workspace_id == workspace_id)
    if states:
        query = query.where(col(Ticket.state).in_(list(states)))
    rows = await session.exec(
        query.order_by(col(Ticket.created_at).desc(), col(Ticket.theme_id))
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def count_failing(session: AsyncSession) -> int:
    """Tickets whose last attempt at the sink failed (across workspaces)."""
    rows = await session.exec(select(func.count()).where(col(Ticket.last_error).is_not(None)))
    return rows.one()
