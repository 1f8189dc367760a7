"""The record of theme merges (why, and which items), and the pairs a product manager kept apart.
Repository functions only flush."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import columns
from banso_bridge.models import FeedbackItem, ThemeMerge


async def record_merge(
    session: AsyncSession,
    *,
    workspace_id: str,
    merged: int,
    survivor: int,
    reason: str,
    similarity: float | None,
    now: float,
) -> None:
    """Remember the merge with the items `merged` has now (call before they are relabelled)."""
    rows = await session.exec(
        select(FeedbackItem.feedback_id)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.theme_id == merged)
        .order_by(col(FeedbackItem.seq))
    )
    items = list(rows.all())
    row = await session.get(ThemeMerge, (workspace_id, merged))
    if row is None:
        row = ThemeMerge(workspace_id=workspace_id, merged=merged, survivor=survivor, reason=reason)
    row.survivor = survivor
    row.reason = reason
    row.similarity = similarity
    row.items = columns.dumps(items)
    row.merged_at = now
    row.undone_at = None
    session.add(row)
    await session.flush()


async def get_merge(session: AsyncSession, *, workspace_id: str, merged: int) -> ThemeMerge | None:
    return await session.get(ThemeMerge, (workspace_id, merged))


async def undone_pairs(session: AsyncSession, *, workspace_id: str) -> Sequence[tuple[int, int]]:
    """Pairs (merged, survivor) whose merge a product manager undid: kept apart."""
    rows = await session.exec(
        select(ThemeMerge.merged, ThemeMerge.survivor).where(
            ThemeMerge.workspace_id == workspace_id, col(ThemeMerge.undone_at).is_not(None)
        )
    )
    return [(int(merged), int(survivor)) for merged, survivor in rows.all()]


def merged_items(row: ThemeMerge) -> list[str]:
    return [str(item) for item in columns.loads(row.items)]
