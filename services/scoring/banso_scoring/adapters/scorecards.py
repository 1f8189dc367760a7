"""Scorecard versions per workspace. Functions only flush; callers commit."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import SCORECARDS


async def scorecard_versions(session: AsyncSession) -> dict[str, int]:
    """The version in force per workspace that has replaced the default."""
    rows = await (await session.connection()).execute(
        select(SCORECARDS.c.workspace_id, func.max(SCORECARDS.c.version)).group_by(
            SCORECARDS.c.workspace_id
        )
    )
    return {str(workspace): int(version) for workspace, version in rows.all()}


async def scorecard_yaml(session: AsyncSession, *, workspace_id: str, version: int) -> str | None:
    row = await (await session.connection()).execute(
        select(SCORECARDS.c.yaml).where(
            SCORECARDS.c.workspace_id == workspace_id, SCORECARDS.c.version == version
        )
    )
    value = row.scalar_one_or_none()
    return None if value is None else str(value)


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
