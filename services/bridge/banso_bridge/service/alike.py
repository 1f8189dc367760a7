""" "May be the same problem": the themes the bridge would offer a product manager to merge into a
theme, read from the workspace's clusterer (its likeness) and the store (accounts, titles,
tickets). Decided by `domain/alike.alike_themes`; nothing is changed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import item_store, theme_store, ticket_store
from banso_bridge.adapters.engines import EngineRegistry
from banso_bridge.domain.alike import Suggestion, alike_themes
from banso_bridge.models import Theme, Ticket


@dataclass(frozen=True, slots=True)
class AlikeTheme:
    theme: Theme
    ticket: Ticket | None
    suggestion: Suggestion


async def themes_alike(
    session: AsyncSession,
    registry: EngineRegistry,
    *,
    theme: Theme,
    limit: int,
) -> list[AlikeTheme]:
    """Up to `limit` themes that may be `theme`'s problem, most alike first. None for a merged
    theme (its items are its survivor's: the survivor's page has them)."""
    if theme.status == "merged":
        return []
    workspace_id = theme.workspace_id
    rows = {
        row.theme_id: row
        for row in await theme_store.suggestable_themes(session, workspace_id=workspace_id)
    }
    rows.pop(theme.theme_id, None)
    if not rows:
        return []
    accounts = await item_store.accounts_of_themes(
        session, workspace_id=workspace_id, theme_ids=[theme.theme_id, *rows]
    )
    reporting = await item_store.count_accounts(session, workspace_id=workspace_id)
    shares = await theme_store.problem_shares(
        session, workspace_id=workspace_id, theme_ids=[theme.theme_id, *rows]
    )
    engine = await registry.get(session, workspace_id)
    async with engine.lock:  # the consumer moves items in the clusterer under the same lock
        found = await asyncio.to_thread(
            alike_themes,
            engine.clusterer,
            theme.theme_id,
            rows,
            accounts,
            accounts_reporting=reporting,
            limit=limit,
            problem_shares=shares,
        )
    tickets = await ticket_store.tickets_of(
        session, workspace_id=workspace_id, theme_ids=[s.theme_id for s in found]
    )
    return [AlikeTheme(rows[s.theme_id], tickets.get(s.theme_id), s) for s in found]
