"""Goal sightings: the usage events notify keeps for the longest goal window, so that an
enrolment made after its goal event was processed can still be converted by it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.upsert import upsert
from banso_notify.domain.attribution import GoalEvent
from banso_notify.models import GoalSighting

ANY_EVENT = "*"


async def record(
    session: AsyncSession, *, workspace_id: str, sightings: Sequence[tuple[GoalEvent, str]]
) -> None:
    """Keep these goal events (a repeat of the same instant is kept once)."""
    rows = {
        (goal.account_id, goal.user_id or "", goal.event, goal.occurred_at): {
            "workspace_id": workspace_id,
            "account_id": goal.account_id,
            "user_id": goal.user_id or "",
            "event": goal.event,
            "occurred_at": goal.occurred_at,
            "event_id": event_id,
        }
        for goal, event_id in sightings
    }
    await upsert(
        session,
        GoalSighting.__table__,  # type: ignore[attr-defined]
        list(rows.values()),
        keys=("workspace_id", "account_id", "user_id", "event", "occurred_at"),
    )


async def forget_before(session: AsyncSession, *, workspace_id: str, before: datetime) -> None:
    await session.exec(
        delete(GoalSighting).where(
            col(GoalSighting.workspace_id) == workspace_id,
            col(GoalSighting.occurred_at) < before,
        )
    )


async def first_within(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    user_id: str | None,
    events: Iterable[str],
    start: datetime,
    end: datetime,
) -> GoalSighting | None:
    """The earliest kept goal event in ``[start, end]`` (``user_id`` None: anyone at the
    account; ``events`` containing ``*``: any event)."""
    query = select(GoalSighting).where(
        GoalSighting.workspace_id == workspace_id,
        GoalSighting.account_id == account_id,
        col(GoalSighting.occurred_at) >= start,
        col(GoalSighting.occurred_at) <= end,
    )
    names = set(events)
    if ANY_EVENT not in names:
        query = query.where(col(GoalSighting.event).in_(sorted(names)))
    if user_id is not None:
        query = query.where(GoalSighting.user_id == user_id)
    rows = await session.exec(query.order_by(col(GoalSighting.occurred_at)).limit(1))
    return rows.first()
