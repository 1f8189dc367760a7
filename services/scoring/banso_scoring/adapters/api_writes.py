"""What the API writes: scorecard versions, plans, overrides and their audit, requests for
the consumer to re-evaluate an account. Functions only flush; the request's session commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.repository import (
    ACCOUNTS,
    AUDIT,
    OVERRIDES,
    PLANS,
    REQUESTS,
    SCORECARDS,
    scorecard_versions,
)
from banso_scoring.domain.overrides import Override


async def add_scorecard(
    session: AsyncSession, *, workspace_id: str, yaml: str, at: float, by: str
) -> int:
    versions = await scorecard_versions(session)
    version = max(versions.get(workspace_id, 1), 1) + 1
    await (await session.connection()).execute(
        insert(SCORECARDS).values(
            workspace_id=workspace_id, version=version, yaml=yaml, created_at=at, created_by=by
        )
    )
    return version


async def account_exists(session: AsyncSession, *, workspace_id: str, account_id: str) -> bool:
    row = await (await session.connection()).execute(
        select(ACCOUNTS.c.account_id).where(
            ACCOUNTS.c.workspace_id == workspace_id, ACCOUNTS.c.account_id == account_id
        )
    )
    return row.first() is not None


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


async def request_evaluation(
    session: AsyncSession, *, workspace_id: str, account_id: str, cause: str
) -> None:
    await (await session.connection()).execute(
        insert(REQUESTS).values(workspace_id=workspace_id, account_id=account_id, cause=cause)
    )


async def put_override(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    override: Override | None,
    action: str,
    actor: str,
    at: float,
    audited: Override,
) -> None:
    """Set (or, with None, clear) the override and audit the action in one go."""
    connection = await session.connection()
    where = (OVERRIDES.c.workspace_id == workspace_id, OVERRIDES.c.account_id == account_id)
    await connection.execute(delete(OVERRIDES).where(*where))
    if override is not None:
        await connection.execute(
            insert(OVERRIDES).values(
                workspace_id=workspace_id,
                account_id=account_id,
                document=override.model_dump_json(),
            )
        )
    await connection.execute(
        insert(AUDIT).values(
            workspace_id=workspace_id,
            account_id=account_id,
            action=action,
            actor=actor,
            at=at,
            document=audited.model_dump_json(),
        )
    )


async def override_audit(
    session: AsyncSession, *, workspace_id: str, account_id: str, limit: int = 50
) -> list[tuple[str, str, float, str]]:
    rows = await (await session.connection()).execute(
        select(AUDIT.c.action, AUDIT.c.actor, AUDIT.c.at, AUDIT.c.document)
        .where(AUDIT.c.workspace_id == workspace_id, AUDIT.c.account_id == account_id)
        .order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc())
        .limit(limit)
    )
    return [(str(a), str(b), float(c), str(d)) for a, b, c, d in rows]
