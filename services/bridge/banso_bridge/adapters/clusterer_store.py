"""The online clusterer's saved state per workspace, and what a restart reloads it from (the items
in the window, the themes). Repository functions only flush."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.models import ClustererState, FeedbackItem, Theme
from banso_kit.upsert import upsert


async def clusterer_state(session: AsyncSession, *, workspace_id: str) -> ClustererState | None:
    return await session.get(ClustererState, workspace_id)


async def save_clusterer_state(session: AsyncSession, *, state: ClustererState) -> None:
    columns = (
        "fitted_on",
        "since_consolidation",
        "next_fit",
        "next_seq",
        "last_item_at",
        "consolidated_at",
    )
    await upsert(
        session,
        ClustererState.__table__,  # type: ignore[attr-defined]
        [{"workspace_id": state.workspace_id, **{name: getattr(state, name) for name in columns}}],
        keys=("workspace_id",),
        update=columns,
    )


async def window_items(session: AsyncSession, *, workspace_id: str) -> Sequence[FeedbackItem]:
    rows = await session.exec(
        select(FeedbackItem)
        .where(FeedbackItem.workspace_id == workspace_id, col(FeedbackItem.in_window))
        .order_by(col(FeedbackItem.seq))
    )
    return rows.all()


async def workspace_themes(session: AsyncSession, *, workspace_id: str) -> Sequence[Theme]:
    rows = await session.exec(
        select(Theme).where(Theme.workspace_id == workspace_id).order_by(col(Theme.theme_id))
    )
    return rows.all()
