"""Nudges and what hangs off them: cap counters, enrolments, timers, CSM budgets.

The state machine of a nudge:

    held ──(due)──▶ re-decided ──▶ ready ──▶ sending ──▶ sent
    csm_queued ──(review)──▶ ready | suppressed
    ready/sending ──(failure)──▶ ready (next_attempt = due_at) … ──▶ dead
    any decision ──▶ suppressed

``idempotency_key`` is unique per workspace: a nudge exists at most once, whatever repeats.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, insert, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.upsert import upsert
from banso_notify.domain.caps import SentRecord
from banso_notify.domain.facts import Channel
from banso_notify.domain.timers import Timer as DueTimer
from banso_notify.models import CsmBudgetUse, Enrolment, Nudge, Timer

HELD = "held"
CSM_QUEUED = "csm_queued"
READY = "ready"
SENDING = "sending"
SENT = "sent"
SUPPRESSED = "suppressed"
DEAD = "dead"
#: states whose nudges count against frequency caps (decided to go out)
COUNTED = (READY, SENDING, SENT)


async def existing_keys(
    session: AsyncSession, *, workspace_id: str, keys: Iterable[str]
) -> set[str]:
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.exec(
            select(Nudge.idempotency_key).where(
                Nudge.workspace_id == workspace_id, col(Nudge.idempotency_key).in_(chunk)
            )
        )
        found.update(rows.all())
    return found


async def cap_history(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_ids: Iterable[str],
    recipient_keys: Iterable[str],
    since: datetime,
) -> list[SentRecord]:
    accounts, people = sorted(set(account_ids)), sorted(set(recipient_keys))
    if not accounts and not people:
        return []
    connection = await session.connection()  # Core rows: no ORM objects on the hot path
    rows = await connection.execute(
        sa.select(
            col(Nudge.counted_at),
            col(Nudge.channel),
            col(Nudge.playbook_id),
            col(Nudge.recipient_key),
            col(Nudge.account_id),
        ).where(
            col(Nudge.workspace_id) == workspace_id,
            col(Nudge.recipient_kind) == "user",
            col(Nudge.counted_at) > since,
            or_(col(Nudge.account_id).in_(accounts), col(Nudge.recipient_key).in_(people)),
        )
    )
    return [
        SentRecord(
            at=at,
            channel=Channel(channel),
            playbook_id=playbook,
            recipient_key=key,
            account_id=acct,
        )
        for at, channel, playbook, key, acct in rows.all()
        if at is not None
    ]


def _locking(session: AsyncSession) -> bool:
    """PostgreSQL locks the rows a worker takes (others skip them); SQLite's single writer
    (``BEGIN IMMEDIATE``) already serialises whole transactions."""
    return session.bind is not None and session.bind.dialect.name == "postgresql"


async def due(session: AsyncSession, *, state: str, now: datetime, limit: int) -> list[Nudge]:
    """Nudges in ``state`` whose time has come, locked for this transaction."""
    query = (
        select(Nudge)
        .where(Nudge.state == state, col(Nudge.due_at) <= now)
        .order_by(col(Nudge.due_at))
        .limit(limit)
    )
    if _locking(session):
        query = query.with_for_update(skip_locked=True)
    rows = await session.exec(query)
    return list(rows.all())


async def recover_in_doubt(session: AsyncSession, *, now: datetime) -> int:
    """After a crash: nudges caught mid-send go back to ready (resent with the same Message-ID)."""
    result = await session.exec(
        update(Nudge)
        .where(col(Nudge.state) == SENDING)
        .values(state=READY, due_at=now, updated_at=now)
    )
    return int(result.rowcount or 0)


async def dead_nudges(session: AsyncSession, *, workspace_id: str, limit: int) -> list[Nudge]:
    rows = await session.exec(
        select(Nudge)
        .where(Nudge.workspace_id == workspace_id, Nudge.state == DEAD)
        .order_by(col(Nudge.updated_at))
        .limit(limit)
    )
    return list(rows.all())


async def by_ids(session: AsyncSession, ids: Iterable[str]) -> dict[str, Nudge]:
    rows = await session.exec(select(Nudge).where(col(Nudge.id).in_(list(ids))))
    return {nudge.id: nudge for nudge in rows.all()}


async def requeue(session: AsyncSession, *, ids: list[str], now: datetime) -> None:
    """Dead nudges get a fresh set of attempts, due now."""
    if ids:
        await session.exec(
            update(Nudge)
            .where(col(Nudge.id).in_(ids), col(Nudge.state) == DEAD)
            .values(state=READY, attempts=0, due_at=now, counted_at=now, updated_at=now)
        )


async def listing(
    session: AsyncSession,
    *,
    workspace_id: str,
    playbook_id: str | None,
    state: str | None,
    account_id: str | None,
    user_id: str | None,
    limit: int,
    offset: int,
) -> list[Nudge]:
    """Nudges, newest first, filtered by what is given."""
    query = select(Nudge).where(Nudge.workspace_id == workspace_id)
    if playbook_id:
        query = query.where(Nudge.playbook_id == playbook_id)
    if state:
        query = query.where(Nudge.state == state)
    if account_id:
        query = query.where(Nudge.account_id == account_id)
    if user_id:
        query = query.where(Nudge.user_id == user_id)
    query = query.order_by(col(Nudge.created_at).desc(), col(Nudge.id).desc())
    rows = await session.exec(query.limit(limit).offset(offset))
    return list(rows.all())


async def insert_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT; the unique idempotency key still guards every row."""
    if rows:
        table = Nudge.__table__  # type: ignore[attr-defined]
        await session.exec(insert(table), params=rows)


async def insert_enrolments(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        table = Enrolment.__table__  # type: ignore[attr-defined]
        await session.exec(insert(table), params=rows)


async def open_enrolments(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_ids: Iterable[str],
    goal_events: Iterable[str],
    at: datetime,
) -> list[Enrolment]:
    accounts = sorted(set(account_ids))
    if not accounts:
        return []
    rows = await session.exec(
        select(Enrolment).where(
            Enrolment.workspace_id == workspace_id,
            col(Enrolment.account_id).in_(accounts),
            col(Enrolment.goal_event).in_(sorted(set(goal_events))),
            col(Enrolment.window_ends_at) >= at,
            col(Enrolment.converted_at).is_(None),
        )
    )
    return list(rows.all())


async def arm_timers(session: AsyncSession, *, workspace_id: str, timers: list[DueTimer]) -> None:
    """(Re)arm timers: a later anchor replaces the earlier one for the same subject."""
    await upsert(
        session,
        Timer.__table__,  # type: ignore[attr-defined]
        [
            {
                "workspace_id": workspace_id,
                "playbook_id": timer.playbook_id,
                "subject": timer.subject,
                "account_id": timer.account_id,
                "user_id": timer.user_id,
                "anchor_at": timer.anchor_at,
                "due_at": timer.due_at,
            }
            for timer in timers
        ],
        keys=("workspace_id", "playbook_id", "subject"),
        update=("account_id", "user_id", "anchor_at", "due_at"),
    )


async def disarm_timers(
    session: AsyncSession, *, workspace_id: str, playbook_ids: Iterable[str], subject: str
) -> None:
    for playbook_id in playbook_ids:
        timer = await session.get(Timer, (workspace_id, playbook_id, subject))
        if timer is not None:
            await session.delete(timer)


async def due_timers(session: AsyncSession, *, now: datetime, limit: int) -> list[Timer]:
    query = select(Timer).where(col(Timer.due_at) <= now).order_by(col(Timer.due_at)).limit(limit)
    if _locking(session):
        query = query.with_for_update(skip_locked=True)
    rows = await session.exec(query)
    return list(rows.all())


async def budget_used(
    session: AsyncSession, *, workspace_id: str, csm_id: str, day: str
) -> CsmBudgetUse:
    row = await session.get(CsmBudgetUse, (workspace_id, csm_id, day))
    if row is None:
        row = CsmBudgetUse(workspace_id=workspace_id, csm_id=csm_id, day=day, used=0)
        session.add(row)
    return row


async def held_by_reason(session: AsyncSession) -> dict[str, int]:
    """How many nudges are held, per hold reason (every workspace)."""
    rows = await session.exec(
        select(Nudge.reason, func.count()).where(Nudge.state == HELD).group_by(col(Nudge.reason))
    )
    return {reason or "": int(count) for reason, count in rows.all()}


async def count_by_state(
    session: AsyncSession, *, workspace_id: str, playbook_id: str
) -> list[tuple[str, str | None, int]]:
    rows = await session.exec(
        select(Nudge.state, Nudge.reason, func.count())
        .where(Nudge.workspace_id == workspace_id, Nudge.playbook_id == playbook_id)
        .group_by(col(Nudge.state), col(Nudge.reason))
    )
    return [(state, reason, int(count)) for state, reason, count in rows.all()]


async def arm_counts(
    session: AsyncSession, *, workspace_id: str, playbook_id: str
) -> dict[str, tuple[int, int, int, int]]:
    """Per variant: (distinct accounts, distinct accounts converted, enrolments converted,
    enrolments)."""
    converted_account = case((col(Enrolment.converted_at).is_not(None), Enrolment.account_id))
    converted_row = case((col(Enrolment.converted_at).is_not(None), 1), else_=0)
    rows = await session.exec(
        select(
            Enrolment.variant,
            func.count(func.distinct(Enrolment.account_id)),
            func.count(func.distinct(converted_account)),
            func.sum(converted_row),
        )
        .where(Enrolment.workspace_id == workspace_id, Enrolment.playbook_id == playbook_id)
        .group_by(col(Enrolment.variant))
    )
    totals = await session.exec(
        select(Enrolment.variant, func.count())
        .where(Enrolment.workspace_id == workspace_id, Enrolment.playbook_id == playbook_id)
        .group_by(col(Enrolment.variant))
    )
    total = {variant: int(count) for variant, count in totals.all()}
    return {
        variant: (int(accounts), int(converted), int(rows_converted or 0), total.get(variant, 0))
        for variant, accounts, converted, rows_converted in rows.all()
    }


async def enrolments(
    session: AsyncSession,
    *,
    workspace_id: str,
    playbook_id: str,
    variant: str | None,
    limit: int,
    offset: int,
) -> list[Enrolment]:
    """A playbook's enrolments in event-time order (window opening, then nudge id)."""
    query = select(Enrolment).where(
        Enrolment.workspace_id == workspace_id, Enrolment.playbook_id == playbook_id
    )
    if variant is not None:
        query = query.where(Enrolment.variant == variant)
    query = query.order_by(col(Enrolment.started_at), col(Enrolment.nudge_id))
    rows = await session.exec(query.limit(limit).offset(offset))
    return list(rows.all())
