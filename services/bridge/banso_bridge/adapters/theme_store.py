"""Themes: one, a page of them, and their statistics (counted by the database). Repository
functions only flush."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.domain.priority import BASELINE_DAYS, DAY_S, RECENT_DAYS, ThemeStats
from banso_bridge.domain.tickets.policy import DETRACTOR_MAX_SCORE, PROBLEM_KINDS, WORDED_KINDS
from banso_bridge.models import Account, FeedbackItem, Theme

AT_RISK_BANDS = ("yellow", "red")


def _problem_report() -> ColumnElement[bool]:
    """``domain.tickets.policy.is_problem_report``, counted by the database."""
    return or_(
        and_(
            col(FeedbackItem.kind).in_(PROBLEM_KINDS), col(FeedbackItem.business_reason).is_(False)
        ),
        and_(col(FeedbackItem.kind).in_(WORDED_KINDS), col(FeedbackItem.trouble).is_(True)),
        and_(
            col(FeedbackItem.kind) == "nps_comment",
            col(FeedbackItem.score).is_not(None),
            col(FeedbackItem.score) <= DETRACTOR_MAX_SCORE,
        ),
    )


async def problem_shares(
    session: AsyncSession, *, workspace_id: str, theme_ids: Iterable[int]
) -> dict[int, float]:
    """Each theme's share of problem reports among its items (`_problem_report`); a theme
    without items is left out."""
    ids = sorted(set(theme_ids))
    if not ids:
        return {}
    connection = await session.connection()
    rows = await connection.execute(
        sa_select(
            col(FeedbackItem.theme_id),
            func.count(),
            func.sum(case((_problem_report(), 1), else_=0)),
        )
        .where(col(FeedbackItem.workspace_id) == workspace_id, col(FeedbackItem.theme_id).in_(ids))
        .group_by(col(FeedbackItem.theme_id))
    )
    return {int(theme): int(problems or 0) / int(items) for theme, items, problems in rows.all()}


async def theme_stats(
    session: AsyncSession, *, workspace_id: str, theme_ids: Iterable[int], now: float
) -> dict[int, ThemeStats]:
    ids = sorted(set(theme_ids))
    if not ids:
        return {}
    recent_from = now - RECENT_DAYS * DAY_S
    baseline_from = now - (RECENT_DAYS + BASELINE_DAYS) * DAY_S
    at = col(FeedbackItem.occurred_at)
    connection = await session.connection()
    counts = await connection.execute(
        sa_select(
            col(FeedbackItem.theme_id),
            func.count(),
            func.count(func.distinct(col(FeedbackItem.account_id))),
            func.min(at),
            func.max(at),
            func.sum(case((at >= recent_from, 1), else_=0)),
            func.sum(case((and_(at >= baseline_from, at < recent_from), 1), else_=0)),
            func.sum(case((_problem_report(), 1), else_=0)),
        )
        .where(col(FeedbackItem.workspace_id) == workspace_id, col(FeedbackItem.theme_id).in_(ids))
        .group_by(col(FeedbackItem.theme_id))
    )
    base = {int(row[0]): tuple(row[1:]) for row in counts.all()}
    pairs = (
        sa_select(col(FeedbackItem.theme_id), col(FeedbackItem.account_id))
        .where(col(FeedbackItem.workspace_id) == workspace_id, col(FeedbackItem.theme_id).in_(ids))
        .distinct()
        .subquery()
    )
    money = await connection.execute(
        sa_select(
            pairs.c.theme_id,
            func.coalesce(func.sum(col(Account.arr)), 0.0),
            func.sum(case((col(Account.band).in_(AT_RISK_BANDS), 1), else_=0)),
        )
        .select_from(pairs)
        .outerjoin(
            Account,
            and_(
                col(Account.workspace_id) == workspace_id,
                col(Account.account_id) == pairs.c.account_id,
            ),
        )
        .group_by(pairs.c.theme_id)
    )
    revenue = {int(row[0]): (float(row[1] or 0.0), int(row[2] or 0)) for row in money.all()}
    stats: dict[int, ThemeStats] = {}
    for theme_id in ids:
        items, accounts, first, last, recent, baseline, problems = base.get(
            theme_id, (0, 0, None, None, 0, 0, 0)
        )
        arr, at_risk = revenue.get(theme_id, (0.0, 0))
        stats[theme_id] = ThemeStats(
            items=int(items),
            accounts=int(accounts),
            arr=arr,
            at_risk_accounts=at_risk,
            items_last_7d=int(recent or 0),
            items_prev_28d=int(baseline or 0),
            first_seen=float(first) if first is not None else None,
            last_seen=float(last) if last is not None else None,
            problem_items=int(problems or 0),
        )
    return stats


async def get_theme(session: AsyncSession, *, workspace_id: str, theme_id: int) -> Theme | None:
    return await session.get(Theme, (workspace_id, theme_id))


async def resolve_theme(session: AsyncSession, *, theme: Theme) -> Theme:
    """Follow `merged_into` to the theme that now holds `theme`'s items."""
    seen = {theme.theme_id}
    while theme.merged_into is not None and theme.merged_into not in seen:
        target = await get_theme(
            session, workspace_id=theme.workspace_id, theme_id=theme.merged_into
        )
        if target is None:
            break
        seen.add(target.theme_id)
        theme = target
    return theme


async def list_themes(
    session: AsyncSession,
    *,
    workspace_id: str,
    statuses: Sequence[str] | None,
    include_muted: bool,
    limit: int,
    offset: int,
    title_contains: str | None = None,
) -> Sequence[Theme]:
    query = select(Theme).where(Theme.workspace_id == workspace_id)
    if title_contains:
        # The title a reader sees: the product manager's own, else the generated one.
        shown = func.lower(func.coalesce(col(Theme.custom_title), col(Theme.title)))
        query = query.where(shown.contains(title_contains.lower(), autoescape=True))
    if statuses:
        query = query.where(col(Theme.status).in_(list(statuses)))
    else:
        query = query.where(col(Theme.status) != "merged")
    if not include_muted:
        query = query.where(col(Theme.muted).is_(False))
    query = (
        query.order_by(col(Theme.priority).desc(), col(Theme.theme_id)).offset(offset).limit(limit)
    )
    rows = await session.exec(query)
    return rows.all()


async def suggestable_themes(session: AsyncSession, *, workspace_id: str) -> Sequence[Theme]:
    """The themes a product manager may be offered to merge (bridge/domain/alike.py): not merged
    nor dismissed, not muted (hidden from the board), with items."""
    rows = await session.exec(
        select(Theme).where(
            Theme.workspace_id == workspace_id,
            col(Theme.status).not_in(["merged", "dismissed"]),
            col(Theme.muted).is_(False),
            Theme.item_count > 0,
        )
    )
    return rows.all()
