"""Feedback items (redacted), their themes and their window membership; what a theme is made of
(items, reporters, accounts). Repository functions only flush."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.models import Account, FeedbackItem


async def known_feedback(
    session: AsyncSession, *, workspace_id: str, feedback_ids: Iterable[str]
) -> set[str]:
    ids = list(set(feedback_ids))
    if not ids:
        return set()
    rows = await session.exec(
        select(FeedbackItem.feedback_id).where(
            FeedbackItem.workspace_id == workspace_id, col(FeedbackItem.feedback_id).in_(ids)
        )
    )
    return set(rows.all())


async def add_items(session: AsyncSession, *, items: Sequence[FeedbackItem]) -> None:
    session.add_all(items)
    await session.flush()


async def set_item_themes(
    session: AsyncSession, *, workspace_id: str, themes: Mapping[str, int]
) -> None:
    """Move items to other themes (after a consolidation pass), grouped by target theme."""
    by_theme: dict[int, list[str]] = {}
    for feedback_id, theme_id in themes.items():
        by_theme.setdefault(theme_id, []).append(feedback_id)
    for theme_id, ids in by_theme.items():
        await _update_items(session, workspace_id, ids, theme_id=theme_id)


async def relabel_theme(
    session: AsyncSession, *, workspace_id: str, merged: int, survivor: int
) -> None:
    """Every item of `merged` (in the window or not) now belongs to `survivor`."""
    await session.exec(
        update(FeedbackItem)
        .where(col(FeedbackItem.workspace_id) == workspace_id, col(FeedbackItem.theme_id) == merged)
        .values(theme_id=survivor)
    )


async def item_themes(
    session: AsyncSession, *, workspace_id: str, feedback_ids: Sequence[str]
) -> dict[str, int]:
    """The theme of each of `feedback_ids` that exists in the workspace."""
    found: dict[str, int] = {}
    for start in range(0, len(feedback_ids), 500):
        rows = await session.exec(
            select(FeedbackItem.feedback_id, FeedbackItem.theme_id).where(
                col(FeedbackItem.workspace_id) == workspace_id,
                col(FeedbackItem.feedback_id).in_(feedback_ids[start : start + 500]),
            )
        )
        found.update({str(item): int(theme) for item, theme in rows.all()})
    return found


async def move_back(
    session: AsyncSession,
    *,
    workspace_id: str,
    feedback_ids: Sequence[str],
    source: int,
    target: int,
) -> list[str]:
    """Move those of `feedback_ids` still in theme `source` to `target`; returns the ids moved."""
    moved: list[str] = []
    for start in range(0, len(feedback_ids), 500):
        rows = await session.exec(
            select(FeedbackItem.feedback_id).where(
                col(FeedbackItem.workspace_id) == workspace_id,
                col(FeedbackItem.theme_id) == source,
                col(FeedbackItem.feedback_id).in_(feedback_ids[start : start + 500]),
            )
        )
        moved += list(rows.all())
    await _update_items(session, workspace_id, moved, theme_id=target)
    return moved


async def theme_sizes(
    session: AsyncSession, *, workspace_id: str, theme_ids: Sequence[int]
) -> dict[int, int]:
    """Every item each theme holds (in the window or not)."""
    rows = await session.exec(
        select(FeedbackItem.theme_id, func.count())
        .where(
            col(FeedbackItem.workspace_id) == workspace_id,
            col(FeedbackItem.theme_id).in_(theme_ids),
        )
        .group_by(col(FeedbackItem.theme_id))
    )
    counts = {int(theme): int(n) for theme, n in rows.all()}
    return {theme: counts.get(theme, 0) for theme in theme_ids}


async def leave_window(
    session: AsyncSession, *, workspace_id: str, feedback_ids: Sequence[str]
) -> None:
    await _update_items(session, workspace_id, feedback_ids, in_window=False)


async def _update_items(
    session: AsyncSession, workspace_id: str, feedback_ids: Sequence[str], **values: Any
) -> None:
    """Set ``values`` on the given items, 500 ids per statement (bound-parameter limits)."""
    for start in range(0, len(feedback_ids), 500):
        await session.exec(
            update(FeedbackItem)
            .where(
                col(FeedbackItem.workspace_id) == workspace_id,
                col(FeedbackItem.feedback_id).in_(feedback_ids[start : start + 500]),
            )
            .values(**values)
        )


async def theme_items(
    session: AsyncSession, *, workspace_id: str, theme_id: int, limit: int, offset: int = 0
) -> Sequence[FeedbackItem]:
    """A page of the theme's items, newest first (ties by id, so pages neither repeat nor skip)."""
    rows = await session.exec(
        select(FeedbackItem)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.theme_id == theme_id)
        .order_by(col(FeedbackItem.occurred_at).desc(), col(FeedbackItem.feedback_id))
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def accounts_of_themes(
    session: AsyncSession, *, workspace_id: str, theme_ids: Sequence[int]
) -> dict[int, set[str]]:
    """Distinct accounts with items in each theme."""
    out: dict[int, set[str]] = {theme_id: set() for theme_id in theme_ids}
    if not theme_ids:
        return out
    rows = await session.exec(
        select(FeedbackItem.theme_id, FeedbackItem.account_id)
        .where(
            FeedbackItem.workspace_id == workspace_id,
            col(FeedbackItem.theme_id).in_(list(theme_ids)),
        )
        .distinct()
    )
    for theme_id, account_id in rows.all():
        out[int(theme_id)].add(account_id)
    return out


async def count_accounts(session: AsyncSession, *, workspace_id: str) -> int:
    """Distinct accounts that gave any feedback in the workspace."""
    rows = await session.exec(
        select(func.count(func.distinct(FeedbackItem.account_id))).where(
            FeedbackItem.workspace_id == workspace_id
        )
    )
    return int(rows.one())


async def account_items(
    session: AsyncSession, *, workspace_id: str, account_id: str, limit: int
) -> Sequence[FeedbackItem]:
    """One account's latest items, newest first."""
    rows = await session.exec(
        select(FeedbackItem)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.account_id == account_id)
        .order_by(col(FeedbackItem.occurred_at).desc())
        .limit(limit)
    )
    return rows.all()


async def theme_reporters(
    session: AsyncSession, *, workspace_id: str, theme_id: int
) -> list[tuple[str | None, str]]:
    """Distinct (user, account) pairs who reported items in the theme."""
    rows = await session.exec(
        select(FeedbackItem.user_id, FeedbackItem.account_id)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.theme_id == theme_id)
        .distinct()
        .order_by(col(FeedbackItem.account_id), col(FeedbackItem.user_id))
    )
    return [(user_id, account_id) for user_id, account_id in rows.all()]


async def theme_accounts(
    session: AsyncSession, *, workspace_id: str, theme_id: int
) -> list[dict[str, Any]]:
    """Accounts with items in the theme: item count, ARR and health band."""
    counts = (
        sa_select(col(FeedbackItem.account_id), func.count().label("n_items"))
        .where(
            col(FeedbackItem.workspace_id) == workspace_id, col(FeedbackItem.theme_id) == theme_id
        )
        .group_by(col(FeedbackItem.account_id))
        .subquery()
    )
    query = (
        sa_select(
            counts.c.account_id,
            counts.c.n_items,
            col(Account.name),
            col(Account.arr),
            col(Account.band),
        )
        .select_from(counts)
        .outerjoin(
            Account,
            and_(
                col(Account.workspace_id) == workspace_id,
                col(Account.account_id) == counts.c.account_id,
            ),
        )
        .order_by(counts.c.n_items.desc(), counts.c.account_id)
    )
    rows = (await (await session.connection()).execute(query)).all()
    return [
        {"account_id": a, "items": int(n), "name": name, "arr": arr, "band": band or "unknown"}
        for a, n, name, arr, band in rows
    ]


# Weeks start on Monday, 00:00 UTC: the Unix epoch was a Thursday, three days after one.
WEEK_S = 7 * 86_400
MONDAY_OFFSET_S = 3 * 86_400


async def theme_weeks(
    session: AsyncSession, *, workspace_id: str, theme_id: int, since: float
) -> list[tuple[int, int, int]]:
    """(week number, items, distinct accounts) of the theme's items since ``since`` (event
    time), week numbers counted in Mondays since the epoch; weeks without items left out."""
    week = func.floor((col(FeedbackItem.occurred_at) + MONDAY_OFFSET_S) / WEEK_S)
    rows = await (await session.connection()).execute(
        sa_select(
            week.label("week"),
            func.count(),
            func.count(func.distinct(FeedbackItem.account_id)),
        )
        .where(
            col(FeedbackItem.workspace_id) == workspace_id,
            col(FeedbackItem.theme_id) == theme_id,
            col(FeedbackItem.occurred_at) >= since,
        )
        .group_by(week)
        .order_by(week)
    )
    return [(int(w), int(items), int(accounts)) for w, items, accounts in rows]
