"""Accounts' goals and milestones. Functions only flush; callers commit."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import insert, select, tuple_, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import PLANS, chunks
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.scorecard import MilestoneSpec
from banso_scoring.domain.state import AccountKey


async def load_plans(
    session: AsyncSession, *, keys: set[AccountKey]
) -> dict[AccountKey, tuple[tuple[Goal, ...], tuple[MilestoneSpec, ...]]]:
    plans: dict[AccountKey, tuple[tuple[Goal, ...], tuple[MilestoneSpec, ...]]] = {}
    for chunk in chunks(sorted(keys)):
        rows = await (await session.connection()).execute(
            select(
                PLANS.c.workspace_id, PLANS.c.account_id, PLANS.c.goals, PLANS.c.milestones
            ).where(tuple_(PLANS.c.workspace_id, PLANS.c.account_id).in_(chunk))
        )
        for workspace, account, goals, milestones in rows.all():
            plans[(workspace, account)] = (
                tuple(Goal.model_validate(g) for g in orjson.loads(goals)),
                tuple(MilestoneSpec.model_validate(m) for m in orjson.loads(milestones)),
            )
    return plans


async def save_plan(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    goals: str | None = None,
    milestones: str | None = None,
    at: float,
    by: str,
) -> None:
    connection = await session.connection()
    values: dict[str, Any] = {"updated_at": at, "updated_by": by}
    if goals is not None:
        values["goals"] = goals
    if milestones is not None:
        values["milestones"] = milestones
    result = await connection.execute(
        update(PLANS)
        .where(PLANS.c.workspace_id == workspace_id, PLANS.c.account_id == account_id)
        .values(values)
    )
    if not result.rowcount:
        fresh = {"goals": "[]", "milestones": "[]", **values}
        await connection.execute(
            insert(PLANS).values(workspace_id=workspace_id, account_id=account_id, **fresh)
        )
