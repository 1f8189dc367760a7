"""Changing a playbook, for administrators: its YAML saved as a new version (problems shown on
their lines, what was typed kept), and the playbook turned on or off. Notify validates, keeps
every version and records who made it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form
from starlette.responses import RedirectResponse, Response

from banso_console.api.deps import CheckedFormDep, ContextDep, WorkspaceDep, page
from banso_console.api.playbook_versions import editing_values
from banso_console.api.playbooks import _playbook_values
from banso_console.domain import yaml_editing
from banso_kit.errors import InvalidInput, Unprocessable

router = APIRouter(tags=["playbooks"])
REFUSAL = "only administrators change playbooks"


def _back(workspace_id: str, playbook_id: str, done: str) -> RedirectResponse:
    target = f"/w/{workspace_id}/playbooks/{quote(playbook_id, safe='')}?done={done}#edit-title"
    return RedirectResponse(target, status_code=303)


@router.post("/w/{workspace_id}/playbooks/{playbook_id}/edit", summary="Save a playbook.")
async def save_playbook(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    playbook_id: str,
    context: ContextDep,
    yaml: Annotated[str, Form(max_length=2 * yaml_editing.MAX_YAML_BYTES)] = "",
) -> Response:
    """Save the playbook's YAML as a new version (administrators); problems are shown on their
    lines with the YAML as typed."""
    signed_in.require("administer", REFUSAL)
    draft = yaml_editing.normalise(yaml)
    draft_problem = yaml_editing.check_draft(draft)
    problems: list[yaml_editing.YamlProblem] = []
    if draft_problem is None:
        before = await context.notify.playbook(workspace_id, playbook_id)
        try:
            saved = await context.notify.put_playbook(
                workspace_id, playbook_id, draft, actor=signed_in.viewer.email
            )
        except Unprocessable as exc:
            problems = yaml_editing.located_problems(exc.detail, draft)
        except InvalidInput as exc:  # notify's 400: the id in the YAML is another playbook's
            problems = [yaml_editing.YamlProblem("id", None, None, exc.message)]
        else:
            done = "saved" if saved["version"] > before["version"] else "unchanged"
            return _back(workspace_id, playbook_id, done)
    values = await _playbook_values(context, signed_in, workspace_id, playbook_id, None)
    values["editing"] = await editing_values(
        context,
        signed_in,
        workspace_id,
        values["playbook"],
        draft=draft,
        problems=problems,
        draft_problem=draft_problem,
    )
    return page(context, signed_in, "playbook.html", values, status_code=422)


@router.post("/w/{workspace_id}/playbooks/{playbook_id}/enabled", summary="Turn on or off.")
async def switch_playbook(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    playbook_id: str,
    context: ContextDep,
    enabled: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Turn the playbook on or off (administrators): a new version, with who did it."""
    signed_in.require("administer", REFUSAL)
    if enabled not in ("on", "off"):
        raise InvalidInput("enabled must be on or off")
    await context.notify.set_enabled(
        workspace_id, playbook_id, enabled=enabled == "on", actor=signed_in.viewer.email
    )
    return _back(workspace_id, playbook_id, enabled)
