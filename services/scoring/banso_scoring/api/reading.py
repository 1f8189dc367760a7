"""What routes read: the scorecard in force, and an account's health computed on read.

Health read through the API is computed from the committed aggregates at the partition's
current event time (the newest event time applied, or the clock's while idle), so an event is visible as soon as the round that applied it commits,
without waiting for its slot to close (which is when history and HealthChanged are decided).
"""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.clock import epoch
from banso_kit.errors import NotFound
from banso_scoring.adapters import accounts, overrides, partitions, plans, scorecards
from banso_scoring.api.deps import ScoringContext
from banso_scoring.api.schemas import AccountHealth, Applied
from banso_scoring.domain.durations import from_epoch
from banso_scoring.domain.evaluation import evaluate
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.scorecard_yaml import default_scorecard_text, parse_scorecard
from banso_scoring.domain.state import DEFAULT_VERSION

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


async def current_scorecard(
    session: AsyncSession, context: ScoringContext, workspace_id: str
) -> tuple[int, str, Scorecard]:
    versions = await scorecards.scorecard_versions(session)
    version = versions.get(workspace_id)
    if version is None:
        text = default_scorecard_text()
        version = DEFAULT_VERSION
    else:
        stored = await scorecards.scorecard_yaml(
            session, workspace_id=workspace_id, version=version
        )
        text = stored or default_scorecard_text()
    cached = context.scorecards.get((workspace_id, version))
    if cached is None:
        cached = context.scorecards[(workspace_id, version)] = parse_scorecard(text)
    return version, text, cached


async def event_time(
    session: AsyncSession, context: ScoringContext, partition: int
) -> float | None:
    schedule = await partitions.partition_schedule(
        session, group_id=context.group_id, partition=partition
    )
    return None if schedule is None else schedule.event_time


async def account_health(
    session: AsyncSession, context: ScoringContext, *, workspace_id: str, account_id: str
) -> AccountHealth:
    entry = await accounts.load_account(session, workspace_id=workspace_id, account_id=account_id)
    if entry is None:
        raise NotFound(f"no account {account_id!r} in this workspace")
    key = entry.key
    planned = await plans.load_plans(session, keys={key})
    in_force = await overrides.load_overrides(session, keys={key})
    goals, milestones = planned.get(key, ((), ()))
    version, _, scorecard = await current_scorecard(session, context, workspace_id)
    aggregate = entry.aggregate
    candidates = [await event_time(session, context, entry.partition), aggregate.watermark]
    known = [moment for moment in candidates if moment is not None]
    at = max(known) if known else epoch(context.clock)
    result = evaluate(
        aggregate,
        scorecard,
        now=from_epoch(at),
        published=None if entry.published is None else entry.published.prior(),
        goals=goals,
        milestones=milestones,
        override=in_force.get(key),
        week_ago_score=entry.week_ago_score(at),
    )
    traits = aggregate.traits
    return AccountHealth(
        account_id=account_id,
        scorecard_version=version,
        health=result.health,
        applied=Applied(
            events=aggregate.events_applied,
            dropped_late=aggregate.dropped_late,
            clamped_future=aggregate.clamped_future,
            last_event_at=None if aggregate.watermark is None else from_epoch(aggregate.watermark),
            as_of=from_epoch(at),
            late_before=None
            if aggregate.late_before is None
            else from_epoch(aggregate.late_before),
            final_through=_day(aggregate.final_through),
            history_through=_day(aggregate.closed_through),
            history_pending_from=_day(aggregate.reopened_from),
        ),
        traits={
            "seats": traits.seats,
            "plan": traits.plan,
            "arr": traits.arr,
            "renewal_at": None if traits.renewal_at is None else from_epoch(traits.renewal_at),
            "created_at": None if traits.created_at is None else from_epoch(traits.created_at),
            "timezone": traits.timezone,
            "name": traits.name,
            "csm": traits.csm,
            "csm_name": traits.csm_name,
        },
    )


def _day(day: int | None) -> date | None:
    """The date of a UTC day number (days since the epoch)."""
    return None if day is None else date.fromordinal(EPOCH_ORDINAL + day)
