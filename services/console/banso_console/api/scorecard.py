"""The scorecard, for administrators: its YAML edited in the browser, a draft previewed (how many
accounts would change band, and which) before it is saved, problems shown on their lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.responses import Response

from banso_console.api.deps import (
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    SavedDep,
    SignedIn,
    SignedInDep,
    WorkspaceDep,
    back_saved,
    page,
)
from banso_console.domain import yaml_editing
from banso_kit.errors import Unprocessable

router = APIRouter(tags=["scorecard"])
REFUSAL = "only administrators change the scorecard"
PREVIEW_PAGE = 25
BANDS = ("green", "yellow", "red", "unknown")


async def _scorecard_page(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    *,
    draft: str | None = None,
    preview: dict[str, Any] | None = None,
    problems: list[yaml_editing.YamlProblem] | None = None,
    draft_problem: str | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    current = await context.scoring.scorecard(workspace_id)
    values: dict[str, Any] = {
        "workspace_id": workspace_id,
        "current": current,
        "draft": current["yaml"] if draft is None else draft,
        "preview": preview,
        "bands": BANDS,
        "problems": problems or [],
        "draft_problem": draft_problem,
        "saved": saved,
        "page_size": PREVIEW_PAGE,
    }
    return page(context, signed_in, "scorecard.html", values, status_code=status_code)


@router.get("/w/{workspace_id}/scorecard", summary="The scorecard.")
async def scorecard_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    saved: SavedDep,
) -> Response:
    """The scorecard in force as YAML, in an editor."""
    signed_in.require("administer", REFUSAL)
    return await _scorecard_page(context, signed_in, workspace_id, saved=saved)


@router.post("/w/{workspace_id}/scorecard", summary="Preview or save a scorecard.")
async def scorecard_form(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    yaml: Annotated[str, Form(max_length=2 * yaml_editing.MAX_YAML_BYTES)] = "",
    action: Annotated[str, Form(max_length=10)] = "preview",
    offset: Annotated[str, Form(max_length=10)] = "0",
) -> Response:
    """Preview the draft (bands before and after, the accounts that would change) or save it;
    what was typed stays in the editor either way until it is saved."""
    signed_in.require("administer", REFUSAL)
    draft = yaml_editing.normalise(yaml)
    problem = yaml_editing.check_draft(draft)
    if problem is not None:
        return await _scorecard_page(
            context, signed_in, workspace_id, draft=draft, draft_problem=problem, status_code=422
        )
    try:
        if action == "save":
            await context.scoring.put_scorecard(workspace_id, draft)
            return back_saved(f"/w/{workspace_id}/scorecard")
        start = yaml_editing.page_offset(offset, page=PREVIEW_PAGE)
        preview = await context.scoring.preview_scorecard(
            workspace_id, draft, offset=start, limit=PREVIEW_PAGE
        )
    except Unprocessable as exc:
        problems = yaml_editing.located_problems(exc.detail, draft)
        return await _scorecard_page(
            context, signed_in, workspace_id, draft=draft, problems=problems, status_code=422
        )
    return await _scorecard_page(context, signed_in, workspace_id, draft=draft, preview=preview)
