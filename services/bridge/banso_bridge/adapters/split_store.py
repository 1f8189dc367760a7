"""The record of themes a product manager split off another: which items, by whom. Those items
are pinned to their new theme and the pair is kept apart. Repository functions only flush."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import columns
from banso_bridge.models import ThemeSplit


async def record_split(
    session: AsyncSession,
    *,
    workspace_id: str,
    theme_id: int,
    split_from: int,
    items: Sequence[str],
    actor: str | None,
    now: float,
) -> ThemeSplit:
    row = ThemeSplit(
        workspace_id=workspace_id,
        theme_id=theme_id,
        split_from=split_from,
        items=columns.dumps(list(items)),
        actor=actor,
        split_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_split(
    session: AsyncSession, *, workspace_id: str, theme_id: int
) -> ThemeSplit | None:
    return await session.get(ThemeSplit, (workspace_id, theme_id))


async def workspace_splits(session: AsyncSession, *, workspace_id: str) -> Sequence[ThemeSplit]:
    rows = await session.exec(select(ThemeSplit).where(ThemeSplit.workspace_id == workspace_id))
    return rows.all()


def split_items(row: ThemeSplit) -> list[str]:
    return [str(item) for item in columns.loads(row.items)]
