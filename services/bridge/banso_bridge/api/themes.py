"""Themes for product managers: by priority, one in detail, the themes that may be the same
problem, merge, split, rename and mute."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import (
    columns,
    item_store,
    merge_store,
    split_store,
    theme_store,
    ticket_store,
)
from banso_bridge.adapters.engines import WorkspaceEngine
from banso_bridge.api.deps import BridgeContext, ContextDep
from banso_bridge.api.schemas import (
    AccountImpact,
    AlikeTheme,
    AlikeThemes,
    ItemPublic,
    MergePublic,
    MergeRequest,
    SplitPublic,
    SplitRecord,
    SplitRequest,
    ThemeDetail,
    ThemeGrowth,
    ThemeItems,
    ThemeList,
    ThemePatch,
    ThemePublic,
    TicketPublic,
    WeekCount,
)
from banso_bridge.domain.alike import MIN_LIKENESS
from banso_bridge.models import Theme
from banso_bridge.service.alike import themes_alike
from banso_contracts.events import ThemeUpdated
from banso_kit.api import ReaderDep, SessionDep, WriterDep
from banso_kit.clock import epoch
from banso_kit.errors import Conflict, InvalidInput, NotFound
from banso_kit.openapi import MAX_ID, MAX_OFFSET, errors

router = APIRouter(prefix="/v1/themes", tags=["themes"])

Status = Literal["open", "ticketed", "resolved", "merged", "dismissed"]
ThemeId = Annotated[int, Path(ge=1, le=MAX_ID, description="The theme's id.")]


async def _theme(session: AsyncSession, workspace_id: str, theme_id: int) -> Theme:
    theme = await theme_store.get_theme(session, workspace_id=workspace_id, theme_id=theme_id)
    if theme is None or (theme.item_count == 0 and theme.status != "merged"):
        raise NotFound("theme not found", detail={"theme_id": theme_id})
    return theme


@router.get("", response_model=ThemeList)
async def list_themes(
    principal: ReaderDep,
    session: SessionDep,
    status: Annotated[list[Status] | None, Query()] = None,
    include_muted: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            # (a NUL byte is no text PostgreSQL can compare)
            pattern=r"^[^\x00]*$",
            description="Only themes whose title (a product manager's own, else the generated "
            "one) contains this text, in any case.",
        ),
    ] = None,
) -> ThemeList:
    """Themes of the workspace, highest priority first (merged themes only when asked for)."""
    rows = await theme_store.list_themes(
        session,
        workspace_id=principal.workspace_id,
        statuses=status,
        include_muted=include_muted,
        limit=limit + 1,
        offset=offset,
        title_contains=(q or "").strip() or None,
    )
    tickets = await ticket_store.tickets_of(
        session, workspace_id=principal.workspace_id, theme_ids=[row.theme_id for row in rows]
    )
    themes = [
        ThemePublic.of(row, tickets.get(row.theme_id))
        for row in rows[:limit]
        if row.item_count or row.status == "merged"
    ]
    return ThemeList(themes=themes, next_offset=offset + limit if len(rows) > limit else None)


@router.get("/{theme_id}", response_model=ThemeDetail, responses=errors(404))
async def get_theme(
    theme_id: ThemeId,
    principal: ReaderDep,
    session: SessionDep,
    items: Annotated[int, Query(ge=0, le=500)] = 50,
) -> ThemeDetail:
    """One theme: labels, evidence, latest items, affected accounts and its ticket."""
    workspace_id = principal.workspace_id
    theme = await _theme(session, workspace_id, theme_id)
    rows = await item_store.theme_items(
        session, workspace_id=workspace_id, theme_id=theme_id, limit=items
    )
    accounts = await item_store.theme_accounts(
        session, workspace_id=workspace_id, theme_id=theme_id
    )
    ticket = await ticket_store.get_ticket(session, workspace_id=workspace_id, theme_id=theme_id)
    merge = await merge_store.get_merge(session, workspace_id=workspace_id, merged=theme_id)
    split = await split_store.get_split(session, workspace_id=workspace_id, theme_id=theme_id)
    return ThemeDetail(
        **ThemePublic.of(theme, ticket).model_dump(),
        items=[ItemPublic.of(row) for row in rows],
        accounts=[AccountImpact(**account) for account in accounts],
        ticket=TicketPublic.of(ticket) if ticket else None,
        merge=MergePublic.of(merge) if merge else None,
        split=SplitRecord.of(split) if split else None,
    )


@router.get("/{theme_id}/items", response_model=ThemeItems, responses=errors(404))
async def list_theme_items(
    theme_id: ThemeId,
    principal: ReaderDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ThemeItems:
    """A page of the theme's items (redacted), newest first, and the offset of the next page."""
    workspace_id = principal.workspace_id
    theme = await _theme(session, workspace_id, theme_id)
    rows = await item_store.theme_items(
        session, workspace_id=workspace_id, theme_id=theme_id, limit=limit + 1, offset=offset
    )
    return ThemeItems(
        theme_id=theme_id,
        item_count=theme.item_count,
        items=[ItemPublic.of(row) for row in rows[:limit]],
        next_offset=offset + limit if len(rows) > limit else None,
    )


@router.get("/{theme_id}/growth", response_model=ThemeGrowth, responses=errors(404))
async def theme_growth(
    theme_id: ThemeId,
    principal: ReaderDep,
    session: SessionDep,
    context: ContextDep,
    weeks: Annotated[int, Query(ge=1, le=104, description="How many weeks, this one last.")] = 12,
) -> ThemeGrowth:
    """Items and accounts per week (Monday to Sunday, UTC, event time), oldest week first."""
    workspace_id = principal.workspace_id
    await _theme(session, workspace_id, theme_id)
    this_week = int((epoch(context.clock) + item_store.MONDAY_OFFSET_S) // item_store.WEEK_S)
    first = this_week - weeks + 1
    found = {
        week: (items, accounts)
        for week, items, accounts in await item_store.theme_weeks(
            session,
            workspace_id=workspace_id,
            theme_id=theme_id,
            since=first * item_store.WEEK_S - item_store.MONDAY_OFFSET_S,
        )
    }
    return ThemeGrowth(
        theme_id=theme_id,
        weeks=[
            WeekCount(
                week_start=datetime.fromtimestamp(
                    week * item_store.WEEK_S - item_store.MONDAY_OFFSET_S, tz=UTC
                ),
                items=found.get(week, (0, 0))[0],
                accounts=found.get(week, (0, 0))[1],
            )
            for week in range(first, this_week + 1)
        ],
    )


@router.get(
    "/{theme_id}/alike",
    response_model=AlikeThemes,
    responses=errors(404),
    description=(
        "Themes that may be the same problem as this one, for a product manager to merge: the"
        " ticket rule's own likeness (customers' words, Japanese mapped to English through the"
        " lexicon; for two themes of different main languages also the bilingual glossary's"
        f" concepts, the greater counting) of at least {MIN_LIKENESS}. Most alike first, then most"
        " accounts shared with this theme. Never listed: the theme itself, merged, dismissed or"
        " muted themes, a pair a product manager kept apart (an unmerge or a split), praise for"
        " a problem theme or a problem for a praise theme. A merged theme answers an empty"
        " list (its items are its survivor's: ask the survivor)."
    ),
)
async def alike_themes(
    theme_id: ThemeId,
    principal: ReaderDep,
    session: SessionDep,
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=20, description="At most this many themes.")] = 5,
) -> AlikeThemes:
    """Themes that may be the same problem, most alike first."""
    theme = await _theme(session, principal.workspace_id, theme_id)
    found = await themes_alike(session, context.book.registry, theme=theme, limit=limit)
    return AlikeThemes(
        theme_id=theme_id,
        themes=[
            AlikeTheme.of(
                entry.theme,
                entry.ticket,
                likeness=entry.suggestion.likeness,
                shared_accounts=entry.suggestion.shared_accounts,
            )
            for entry in found
        ],
    )


@asynccontextmanager
async def _engine_change(
    context: BridgeContext, session: AsyncSession, workspace_id: str
) -> AsyncIterator[WorkspaceEngine]:
    """The workspace's clustering engine, locked, for a product manager's change: its state is
    saved in the request's transaction and the cached engine dropped afterwards, changed or not
    (the transaction commits after the route returns; if that fails the cache would be stale)."""
    registry = context.book.registry
    engine = await registry.get(session, workspace_id)
    try:
        async with engine.lock:
            yield engine
            await context.book.save_state(session, engine)
            await session.flush()
    finally:
        registry.drop(workspace_id)


@router.post("/{theme_id}/merge", response_model=ThemePublic, responses=errors(400, 404, 409))
async def merge_theme(
    theme_id: ThemeId,
    body: MergeRequest,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> ThemePublic:
    """Merge this theme into another; this one keeps its id and points to the survivor."""
    workspace_id = principal.workspace_id
    if body.into == theme_id:
        raise InvalidInput("a theme cannot be merged into itself")
    merged = await _theme(session, workspace_id, theme_id)
    survivor = await _theme(session, workspace_id, body.into)
    if merged.status == "merged":
        raise Conflict("theme is already merged", detail={"merged_into": merged.merged_into})
    if survivor.status == "merged":
        raise Conflict("target theme is merged", detail={"merged_into": survivor.merged_into})
    async with _engine_change(context, session, workspace_id) as engine:
        await context.book.merge(session, engine, merged=theme_id, survivor=body.into)
    refreshed = await _theme(session, workspace_id, body.into)
    return ThemePublic.of(refreshed)


@router.post("/{theme_id}/unmerge", response_model=ThemePublic, responses=errors(404, 409))
async def unmerge_theme(
    theme_id: ThemeId,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> ThemePublic:
    """Undo this theme's merge: it comes back with its items and is never merged automatically
    with that theme again."""
    workspace_id = principal.workspace_id
    theme = await _theme(session, workspace_id, theme_id)
    if theme.status != "merged":
        raise Conflict("theme is not merged", detail={"theme_id": theme_id})
    async with _engine_change(context, session, workspace_id) as engine:
        await context.book.unmerge(session, engine, merged=theme_id)
    restored = await _theme(session, workspace_id, theme_id)
    ticket = await ticket_store.get_ticket(session, workspace_id=workspace_id, theme_id=theme_id)
    return ThemePublic.of(restored, ticket)


Actor = Annotated[
    str | None,
    Header(
        max_length=256,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Who is acting (recorded with the split, as declared by the client).",
    ),
]


@router.post("/{theme_id}/split", response_model=SplitPublic, responses=errors(400, 404, 409))
async def split_theme(
    theme_id: ThemeId,
    body: SplitRequest,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
    x_banso_actor: Actor = None,
) -> SplitPublic:
    """Split items off this theme into a new theme; clustering never moves them back."""
    workspace_id = principal.workspace_id
    theme = await _theme(session, workspace_id, theme_id)
    if theme.status == "merged":
        raise Conflict("theme is merged", detail={"merged_into": theme.merged_into})
    if theme.muted:
        raise Conflict("theme is muted", detail={"theme_id": theme_id})
    actor = (x_banso_actor or "").strip() or None
    items = list(dict.fromkeys(body.items))
    async with _engine_change(context, session, workspace_id) as engine:
        child = await context.book.split(
            session,
            engine,
            theme_id=theme_id,
            items=items,
            title=(body.title or "").strip() or None,
            actor=actor,
        )
    original = await _theme(session, workspace_id, theme_id)
    split = await _theme(session, workspace_id, child)
    tickets = await ticket_store.tickets_of(
        session, workspace_id=workspace_id, theme_ids=[theme_id, child]
    )
    return SplitPublic(
        original=ThemePublic.of(original, tickets.get(theme_id)),
        split=ThemePublic.of(split, tickets.get(child)),
        items=items,
        actor=actor,
    )


@router.patch("/{theme_id}", response_model=ThemePublic, responses=errors(404))
async def patch_theme(
    theme_id: ThemeId,
    body: ThemePatch,
    principal: WriterDep,
    session: SessionDep,
    context: ContextDep,
) -> ThemePublic:
    """Rename (an empty title restores the generated one) or mute a theme."""
    theme = await _theme(session, principal.workspace_id, theme_id)
    changed: list[str] = []
    if body.title is not None:
        theme.custom_title = body.title.strip() or None
        changed.append("title")
    if body.muted is not None and body.muted != theme.muted:
        theme.muted = body.muted
        changed.append("muted")
    theme.updated_at = epoch(context.clock)
    session.add(theme)
    if changed and theme.announced:
        await context.book.outbox.add(
            session,
            ThemeUpdated(
                workspace_id=theme.workspace_id,
                theme_id=str(theme.theme_id),
                title=theme.custom_title or theme.title,
                keywords=columns.loads(theme.keywords),
                item_count=theme.item_count,
                accounts_affected=theme.accounts_affected,
                arr_affected=theme.arr_affected,
                status=theme.status,
                merged_into=str(theme.merged_into) if theme.merged_into is not None else None,
                occurred_at=context.clock.now(),
                changed=changed,
            ),
        )
    await session.flush()
    return ThemePublic.of(theme)
