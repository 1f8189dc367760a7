"""The theme board for product managers: themes by priority, one theme with its growth, rename,
mute, merge, unmerge and split off items."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from banso_console.api.deps import (
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    SignedIn,
    SignedInDep,
    WorkspaceDep,
    page,
)
from banso_console.domain import themes
from banso_kit.errors import BansoError, Conflict, InvalidInput, NotFound, ServiceUnavailable

router = APIRouter(tags=["themes"])
REFUSAL = "only editors and administrators change themes"
SAVED = ("renamed", "muted", "unmuted", "merged", "unmerged", "split")


def _theme_card(theme: dict[str, Any]) -> dict[str, Any]:
    return {
        **theme,
        "growth": themes.growth(theme["items_last_7d"], theme["items_prev_28d"], theme["trend"]),
        "language_mix": themes.language_mix(theme["languages"]),
    }


@router.get("/w/{workspace_id}/themes", summary="The theme board.")
async def theme_board(
    request: Request, signed_in: SignedInDep, workspace_id: WorkspaceDep, context: ContextDep
) -> Response:
    """Themes by priority: accounts and ARR affected, growth, keywords, quotes, ticket."""
    parsed = themes.parse_theme_filters(
        {key: request.query_params.getlist(key) for key in request.query_params}
    )
    filters = parsed.filters
    body = await context.bridge.themes(
        workspace_id,
        statuses=filters.statuses,
        include_muted=filters.muted,
        limit=themes.PER_PAGE,
        offset=filters.offset,
    )
    values = {
        "workspace_id": workspace_id,
        "filters": filters,
        "problems": parsed.problems,
        "statuses": themes.STATUSES,
        "themes": [_theme_card(theme) for theme in body["themes"]],
        "has_next": body["next_offset"] is not None,
    }
    status = 400 if parsed.problems else 200
    return page(context, signed_in, "themes.html", values, status_code=status)


async def _theme_values(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    theme_id: int,
    *,
    items_page: int = 1,
    find: str = "",
) -> dict[str, Any]:
    """The theme page: one page of its feedback, and the themes it can be merged into (those
    whose title contains `find`, when the reader searched)."""
    theme = await context.bridge.theme(workspace_id, theme_id, items=0)
    find = find.strip()
    items_call = context.bridge.theme_items(
        workspace_id,
        theme_id,
        limit=themes.ITEMS_PER_PAGE,
        offset=(items_page - 1) * themes.ITEMS_PER_PAGE,
    )
    targets = themes.MergeTargets(themes=[], more=False)
    growth: list[dict[str, Any]] = []
    alike: list[dict[str, Any]] | None = None
    related_call = _related_theme(context, workspace_id, theme)
    if theme["status"] == "merged":
        items, related = await asyncio.gather(items_call, related_call)
    else:
        items, related, listed, growth, alike = await asyncio.gather(
            items_call,
            related_call,
            context.bridge.themes(
                workspace_id,
                statuses=themes.STATUSES,
                include_muted=True,
                limit=themes.MERGE_TARGETS + 1,
                title_contains=find or None,
            ),
            context.bridge.growth(workspace_id, theme_id, weeks=themes.GROWTH_WEEKS),
            _unless_down(context.bridge.alike(workspace_id, theme_id, limit=themes.ALIKE_THEMES)),
        )
        targets = themes.merge_targets(
            listed["themes"], theme_id, listed_more=listed["next_offset"] is not None
        )
    wording = context.renderer.wordings[signed_in.viewer.locale]
    first = (items_page - 1) * themes.ITEMS_PER_PAGE
    ticked = themes.items_to_split(items["items"], theme.get("held_back"))
    return {
        "growth": growth,
        "growth_json": json.dumps(
            themes.growth_chart(
                growth,
                locale=wording.locale,
                items_label=wording.gettext("Items"),
                accounts_label=wording.gettext("Accounts"),
            ),
            ensure_ascii=False,
        ),
        "workspace_id": workspace_id,
        "theme": _theme_card(theme),
        # The theme it was split off from or merged into, by its title; None when the bridge
        # could not say (the page then links to it without its title).
        "related": related,
        "items": items["items"],
        "account_names": themes.account_names(theme.get("accounts") or ()),
        "items_paging": {
            "page": items_page,
            "first": first + 1,
            "last": first + len(items["items"]),
            "has_next": items["next_offset"] is not None,
        },
        "merge_targets": targets.themes,
        # None when the bridge could not say: the page is shown without that section.
        "alike": alike,
        "merge_more": targets.more,
        "merge_find": find,
        "rename_form": {
            "title": theme["title"] if theme["title"] != theme["generated_title"] else ""
        },
        "merge_form": {"into": ""},
        "split_form": {"items": ticked, "title": ""},
        "split_nature": themes.split_nature(items["items"], ticked),
        "can_split": signed_in.viewer.can("edit")
        and theme["status"] != "merged"
        and not theme["muted"]
        and theme["item_count"] > 1,
        "problems": {},
        "saved": None,
    }


async def _related_theme(
    context: ConsoleContext, workspace_id: str, theme: dict[str, Any]
) -> dict[str, Any] | None:
    """The theme this one was merged into (or, not merged, split off from): its title and the
    language it is written in. One call, only when there is such a theme; None when the bridge does not answer
    it (gone, or down): the page then names it as "another theme"."""
    other = themes.related_theme_id(theme)
    if other is None:
        return None
    try:
        found = await context.bridge.theme(workspace_id, other, items=0)
    except BansoError:
        return None
    return {
        "theme_id": other,
        "title": found["title"],
        "language": themes.title_language(found["title"]),
    }


async def _unless_down(call: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]] | None:
    """A section the page can do without: None when the service does not answer."""
    try:
        return await call
    except (ServiceUnavailable, NotFound):
        return None


ItemsPage = Annotated[
    int, Query(alias="page", ge=1, le=10_000, description="The page of the theme's feedback.")
]
Find = Annotated[
    str,
    Query(max_length=200, pattern=r"^[^\x00]*$", description="Merge targets whose title has this."),
]


@router.get("/w/{workspace_id}/themes/{theme_id}", summary="A theme.")
async def theme_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
    saved: Annotated[str | None, Query(max_length=20)] = None,
    items_page: ItemsPage = 1,
    find: Find = "",
) -> Response:
    """One theme: the accounts it affects, its feedback page by page (redacted), quotes, its
    ticket; the themes it can be merged into, searched by title."""
    values = await _theme_values(
        context, signed_in, workspace_id, theme_id, items_page=items_page, find=find
    )
    values["saved"] = saved if saved in SAVED else None
    return page(context, signed_in, "theme.html", values)


def _back(workspace_id: str, theme_id: int, saved: str) -> Response:
    return RedirectResponse(f"/w/{workspace_id}/themes/{theme_id}?saved={saved}", status_code=303)


@router.post("/w/{workspace_id}/themes/{theme_id}/title", summary="Rename a theme.")
async def rename_theme(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
    title: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Give the theme a title of one's own; an empty title restores the generated one."""
    signed_in.require("edit", REFUSAL)
    problems = themes.check_rename(title)
    if not problems:
        await context.bridge.rename(workspace_id, theme_id, title.strip())
        return _back(workspace_id, theme_id, "renamed")
    values = await _theme_values(context, signed_in, workspace_id, theme_id)
    values["rename_form"] = {"title": title}
    values["problems"] = problems
    return page(context, signed_in, "theme.html", values, status_code=422)


@router.post("/w/{workspace_id}/themes/{theme_id}/mute", summary="Mute or unmute a theme.")
async def mute_theme(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
    muted: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """A muted theme leaves the board (it is still clustered and can be unmuted)."""
    signed_in.require("edit", REFUSAL)
    mute = muted == "yes"
    await context.bridge.mute(workspace_id, theme_id, muted=mute)
    return _back(workspace_id, theme_id, "muted" if mute else "unmuted")


@router.post("/w/{workspace_id}/themes/{theme_id}/merge", summary="Merge a theme into another.")
async def merge_theme(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
    into: Annotated[str, Form(max_length=20)] = "",
    find: Annotated[str, Form(max_length=200, pattern=r"^[^\x00]*$")] = "",
    offered: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Merge this theme into another: its items and accounts move there, this one points to it.
    With `offered=alike` the form is a row of "may be the same problem" on the page of `into`:
    this theme must be one that page offers, and a refusal is shown there."""
    signed_in.require("edit", REFUSAL)
    page_theme = theme_id
    if offered == "alike" and into.strip().isdigit():
        page_theme = int(into.strip())
    values = await _theme_values(context, signed_in, workspace_id, page_theme, find=find)
    field = "into"
    candidates = [theme["theme_id"] for theme in values["merge_targets"]]
    if page_theme != theme_id:
        field = "alike"
        shown = {theme["theme_id"] for theme in values["alike"] or ()}
        candidates = [page_theme] if theme_id in shown else []
    checked = themes.check_merge(theme_id, into, candidates)
    problems: dict[str, str] = {}
    if "into" in checked.problems:
        problems[field] = checked.problems["into"]
    if not problems:
        try:
            await context.bridge.merge(workspace_id, theme_id, into=checked.into)
        except Conflict:
            problems[field] = "merged_already"
        except NotFound:
            problems[field] = "unknown_theme"
        else:
            return _back(workspace_id, checked.into, "merged")
    if field == "into":
        values["merge_form"] = {"into": into}
    values["problems"] = problems
    return page(context, signed_in, "theme.html", values, status_code=422)


@router.post("/w/{workspace_id}/themes/{theme_id}/unmerge", summary="Undo a theme's merge.")
async def unmerge_theme(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
) -> Response:
    """The merged theme comes back with its items (the bridge never merges the two again)."""
    signed_in.require("edit", REFUSAL)
    try:
        await context.bridge.unmerge(workspace_id, theme_id)
    except Conflict:
        # Not merged (any more): the page shows it as it is.
        return _back(workspace_id, theme_id, "not_merged")
    return _back(workspace_id, theme_id, "unmerged")


@router.post(
    "/w/{workspace_id}/themes/{theme_id}/split", summary="Split items off into a new theme."
)
async def split_theme(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    theme_id: int,
    context: ContextDep,
    items: Annotated[list[str], Form(max_length=500)] = [],  # noqa: B006 (FastAPI copies it)
    title: Annotated[str, Form(max_length=4000)] = "",
    items_page: Annotated[int, Form(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """The items ticked on the page of the theme's feedback shown become a new theme of their
    own; clustering never moves them back."""
    signed_in.require("edit", REFUSAL)
    values = await _theme_values(context, signed_in, workspace_id, theme_id, items_page=items_page)
    theme = values["theme"]
    shown = [item["feedback_id"] for item in values["items"]]
    checked = themes.check_split(items, shown, theme["item_count"], title)
    problems: dict[str, str] = dict(checked.problems)
    if not problems:
        try:
            answer = await context.bridge.split(
                workspace_id,
                theme_id,
                items=checked.items,
                title=checked.title or None,
                actor=signed_in.viewer.email,
            )
        except Conflict:
            # Merged or muted meanwhile, or every item of the theme was chosen.
            values = await _theme_values(
                context, signed_in, workspace_id, theme_id, items_page=items_page
            )
            now = values["theme"]
            changed = now["status"] == "merged" or now["muted"]
            problems["split_items"] = "theme_changed" if changed else "nothing_left"
        except InvalidInput:
            problems["split_items"] = "unknown_items"
        else:
            return _back(workspace_id, int(answer["split"]["theme_id"]), "split")
    values["split_form"] = {"items": list(items), "title": title}
    values["problems"] = problems
    return page(context, signed_in, "theme.html", values, status_code=422)
