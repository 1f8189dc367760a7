"""What routes read: the scorecard in force, and an account's health computed on read.

Health read through the API is computed from the committed aggregates at the partition's
current stream time, so an event is visible as soon as the round that applied it commits,
without waiting for its slot to close (which is when history and HealthChanged are decided).
"""

from __future__ import annotations

import orjson
from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.errors import NotFound
from banso_scoring.adapters import repository
from banso_scoring.api.deps import ScoringContext
from banso_scoring.api.schemas import AccountHealth, Applied
from banso_scoring.consumers.state import DEFAULT_VERSION
from banso_scoring.domain.durations import from_epoch
from banso_scoring.domain.evaluation import evaluate
from banso_scoring.domain.schedule import ScheduleState
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.scorecard_yaml import default_scorecard_text, parse_scorecard


async def current_scorecard(
    session: AsyncSession, context: ScoringContext, workspace_id: str
) -> tuple[int, str, Scorecard]:
    versions = await repository.scorecard_versions(session)
    version = versions.get(workspace_id)
    if version is None:
        text = default_scorecard_text()
        version = DEFAULT_VERSION
    else:
        stored = await repository.scorecard_yaml(
            session, workspace_id=workspace_id, version=version
        )
        text = stored or default_scorecard_text()
    cached = context.scorecards.get((workspace_id, version))
    if cached is None:
        cached = context.scorecards[(workspace_id, version)] = parse_scorecard(text)
    return version, text, cached


async def stream_time(
    session: AsyncSession, context: ScoringContext, partition: int
) -> float | None:
    table = repository.PARTITIONS
    row = (
        await (await session.connection()).execute(
            select(table.c.schedule).where(
                table.c.group_id == context.group_id, table.c.partition == partition
            )
        )
    ).first()
    if row is None:
        return None
    return ScheduleState.from_document(orjson.loads(row[0])).stream_time


async def account_health(
    session: AsyncSession, context: ScoringContext, *, workspace_id: str, account_id: str
) -> AccountHealth:
    entry = await repository.load_account(session, workspace_id=workspace_id, account_id=account_id)
    if entry is None:
        raise NotFound(f"no account {account_id!r} in this workspace")
    key = entry.key
    plans = await repository.load_plans(session, keys={key})
    overrides = await repository.load_overrides(session, keys={key})
    goals, milestones = plans.get(key, ((), ()))
    version, _, scorecard = await current_scorecard(session, context, workspace_id)
    aggregate = entry.aggregate
    candidates = [
        await stream_time(session, context, entry.partition),
        entry.evaluated_at,
        aggregate.watermark,
    ]
    known = [moment for moment in candidates if moment is not None]
    at = max(known) if known else context.clock()
    result = evaluate(
        aggregate,
        scorecard,
        now=from_epoch(at),
        published=entry.published,
        goals=goals,
        milestones=milestones,
        override=overrides.get(key),
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
        },
    )
