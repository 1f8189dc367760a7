"""One account's feedback for the people who look after it: each item (redacted) with the theme it
went into and that theme's ticket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from banso_bridge.adapters import item_store, theme_store, ticket_store
from banso_bridge.api.schemas import ItemPublic, TicketPublic
from banso_bridge.models import Theme
from banso_kit.api import ReaderDep, SessionDep

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])


class ItemTheme(BaseModel):
    theme_id: int
    title: str
    status: str
    muted: bool


class AccountItem(ItemPublic):
    theme: ItemTheme | None
    ticket: TicketPublic | None


class AccountFeedback(BaseModel):
    account_id: str
    items: list[AccountItem]


@router.get("/{account_id}/feedback", response_model=AccountFeedback)
async def account_feedback(
    account_id: str,
    principal: ReaderDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AccountFeedback:
    """The account's latest feedback items, newest first, each with its theme (a merged theme's
    survivor) and that theme's ticket; an account the bridge has heard nothing from has none."""
    workspace_id = principal.workspace_id
    rows = await item_store.account_items(
        session, workspace_id=workspace_id, account_id=account_id, limit=limit
    )
    themes: dict[int, Theme | None] = {}
    for theme_id in {row.theme_id for row in rows}:
        theme = await theme_store.get_theme(session, workspace_id=workspace_id, theme_id=theme_id)
        for _ in range(8):  # a merged theme's items belong to the theme it was merged into
            if theme is None or theme.status != "merged" or theme.merged_into is None:
                break
            theme = await theme_store.get_theme(
                session, workspace_id=workspace_id, theme_id=theme.merged_into
            )
        themes[theme_id] = theme if theme is not None and theme.item_count else None
    tickets = await ticket_store.tickets_of(
        session,
        workspace_id=workspace_id,
        theme_ids=sorted({t.theme_id for t in themes.values() if t is not None}),
    )
    items = []
    for row in rows:
        theme = themes.get(row.theme_id)
        ticket = tickets.get(theme.theme_id) if theme is not None else None
        items.append(
            AccountItem(
                **ItemPublic.of(row).model_dump(),
                theme=ItemTheme(
                    theme_id=theme.theme_id,
                    title=theme.custom_title or theme.title,
                    status=theme.status,
                    muted=theme.muted,
                )
                if theme is not None
                else None,
                ticket=TicketPublic.of(ticket) if ticket is not None else None,
            )
        )
    return AccountFeedback(account_id=account_id, items=items)
