"""Repository functions for feedback items, themes, accounts and clusterer state (flush only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, case, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.domain.priority import BASELINE_DAYS, DAY_S, RECENT_DAYS, ThemeStats
from banso_bridge.domain.tickets.policy import DETRACTOR_MAX_SCORE, PROBLEM_KINDS
from banso_bridge.models import Account, ClustererState, FeedbackItem, Theme
from banso_kit.upsert import upsert

AT_RISK_BANDS = ("yellow", "red")


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str) -> Any:
    return orjson.loads(text)


# -- accounts ----------------------------------------------------------------------------------


async def upsert_account_traits(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    name: str | None,
    arr: float | None,
    at: float,
) -> None:
    await upsert(
        session,
        Account.__table__,  # type: ignore[attr-defined]
        [
            {
                "workspace_id": workspace_id,
                "account_id": account_id,
                "name": name,
                "arr": arr,
                "traits_at": at,
                "band": "unknown",
            }
        ],
        keys=("workspace_id", "account_id"),
        update=("name", "arr", "traits_at"),
    )


async def upsert_account_health(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    band: str,
    score: float | None,
    at: float,
) -> None:
    await upsert(
        session,
        Account.__table__,  # type: ignore[attr-defined]
        [
            {
                "workspace_id": workspace_id,
                "account_id": account_id,
                "band": band,
                "score": score,
                "health_at": at,
            }
        ],
        keys=("workspace_id", "account_id"),
        update=("band", "score", "health_at"),
    )


async def themes_of_account(
    session: AsyncSession, *, workspace_id: str, account_id: str
) -> set[int]:
    rows = await session.exec(
        select(FeedbackItem.theme_id)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.account_id == account_id)
        .distinct()
    )
    return {int(theme_id) for theme_id in rows.all()}


# -- clusterer state ---------------------------------------------------------------------------


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


# -- items -------------------------------------------------------------------------------------


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
    session: AsyncSession, *, workspace_id: str, theme_id: int, limit: int
) -> Sequence[FeedbackItem]:
    rows = await session.exec(
        select(FeedbackItem)
        .where(FeedbackItem.workspace_id == workspace_id, FeedbackItem.theme_id == theme_id)
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


# -- themes ------------------------------------------------------------------------------------


def _problem_report() -> ColumnElement[bool]:
    """``domain.tickets.policy.is_problem_report``, counted by the database."""
    return or_(
        col(FeedbackItem.kind).in_(PROBLEM_KINDS),
        and_(
            col(FeedbackItem.kind) == "nps_comment",
            col(FeedbackItem.score).is_not(None),
            col(FeedbackItem.score) <= DETRACTOR_MAX_SCORE,
        ),
    )


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


async def list_themes(
    session: AsyncSession,
    *,
    workspace_id: str,
    statuses: Sequence[str] | None,
    include_muted: bool,
    limit: int,
    offset: int,
) -> Sequence[Theme]:
    query = select(Theme).where(Theme.workspace_id == workspace_id)
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
