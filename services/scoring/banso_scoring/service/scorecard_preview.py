"""Previewing a draft scorecard: every account of the workspace, read a page at a time from the
stored aggregates, evaluated under the scorecard in force and under the draft. Read-only."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters import accounts, overrides, partitions, plans
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.scorecard_preview import PreviewTally
from banso_scoring.domain.state import AccountEntry

PAGE = 500


@dataclass(frozen=True, slots=True)
class Preview:
    tally: PreviewTally
    total: int
    complete: bool
    """False when the time budget ran out before every account was evaluated."""


async def preview_scorecard(
    session: AsyncSession,
    *,
    workspace_id: str,
    group_id: str,
    current: Scorecard,
    draft: Scorecard,
    idle_now: float,
    budget_s: float,
) -> Preview:
    """Each account is evaluated as of its partition's event time (as reads through the API
    are), ``idle_now`` for a partition with none yet. The evaluations run in a worker thread,
    a page at a time, so the consumer sharing this event loop keeps going; past ``budget_s``
    seconds the accounts evaluated so far are the answer (``complete`` False)."""
    deadline = time.monotonic() + budget_s
    total = await accounts.count_accounts(session, workspace_id=workspace_id)
    tally = PreviewTally()
    event_times: dict[int, float | None] = {}
    after: str | None = None
    while True:
        page = await accounts.workspace_accounts(
            session, workspace_id=workspace_id, after=after, limit=PAGE
        )
        if not page:
            return Preview(tally, total, complete=True)
        await _attach_plans(session, page)
        timed: list[tuple[AccountEntry, float]] = []
        for entry in page:
            if entry.partition not in event_times:
                schedule = await partitions.partition_schedule(
                    session, group_id=group_id, partition=entry.partition
                )
                event_times[entry.partition] = None if schedule is None else schedule.event_time
            known = [
                moment
                for moment in (event_times[entry.partition], entry.aggregate.watermark)
                if moment is not None
            ]
            timed.append((entry, max(known) if known else idle_now))
        await asyncio.to_thread(tally.add_all, timed, current=current, draft=draft)
        after = page[-1].aggregate.account_id
        if len(page) < PAGE:
            return Preview(tally, total, complete=True)
        if time.monotonic() > deadline:
            return Preview(tally, total, complete=False)


async def _attach_plans(session: AsyncSession, page: list[AccountEntry]) -> None:
    keys = {entry.key for entry in page}
    by_account = await plans.load_plans(session, keys=keys)
    in_force = await overrides.load_overrides(session, keys=keys)
    for entry in page:
        entry.goals, entry.milestones = by_account.get(entry.key, ((), ()))
        entry.override = in_force.get(entry.key)
