"""The send policy, for administrators: notify's frequency caps, send window, quiet hours and
CSM alert budget, edited field by field (the rest of the policy is kept as it is)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
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
from banso_console.domain import send_policy
from banso_kit.errors import Unprocessable

router = APIRouter(tags=["send policy"])
REFUSAL = "only administrators change the send policy"


def _policy_page(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    policy: dict[str, Any],
    *,
    form: send_policy.PolicyForm | None = None,
    problems: dict[str, str] | None = None,
    refusals: dict[str, send_policy.Refusal] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    values = {
        "workspace_id": workspace_id,
        "policy": policy,
        "form": form or send_policy.form_of(policy),
        "weekdays": send_policy.WEEKDAYS,
        "problems": problems or {},
        "refusals": refusals or {},
        "saved": saved,
    }
    return page(context, signed_in, "send_policy.html", values, status_code=status_code)


@router.get("/w/{workspace_id}/send-policy", summary="The send policy.")
async def policy_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    saved: SavedDep,
) -> Response:
    """Frequency caps, the send window, quiet hours and the CSM alert budget."""
    signed_in.require("administer", REFUSAL)
    policy = await context.notify.policy(workspace_id)
    return _policy_page(context, signed_in, workspace_id, policy, saved=saved)


@router.post("/w/{workspace_id}/send-policy", summary="Change the send policy.")
async def save_policy(
    request: Request, signed_in: CheckedFormDep, workspace_id: WorkspaceDep, context: ContextDep
) -> Response:
    """Check each field, then save them into notify's policy (every other setting kept)."""
    signed_in.require("administer", REFUSAL)
    posted = await request.form()
    policy = await context.notify.policy(workspace_id)
    texts = {key: value for key, value in posted.items() if isinstance(value, str)}
    days = [value for value in posted.getlist("window_days") if isinstance(value, str)]
    form = send_policy.form_from_post(texts, days, list(policy.get("caps") or {}))
    checked = send_policy.check_policy(form, policy)
    problems: dict[str, str] = dict(checked.problems)
    refusals: dict[str, send_policy.Refusal] = {}
    if not problems:
        try:
            await context.notify.put_policy(workspace_id, checked.policy)
        except Unprocessable as exc:
            problems = dict(send_policy.refused_fields(exc.detail))
            refusals = send_policy.refusal_reasons(exc.detail)
        else:
            return back_saved(f"/w/{workspace_id}/send-policy")
    return _policy_page(
        context,
        signed_in,
        workspace_id,
        policy,
        form=form,
        problems=problems,
        refusals=refusals,
        status_code=422,
    )
