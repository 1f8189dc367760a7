"""Accounts as the bridge knows them (ARR and name from traits, band from health): one row per
account, kept from the compacted traits and health topics. Repository functions only flush."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.models import Account, FeedbackItem
from banso_kit.upsert import upsert


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
