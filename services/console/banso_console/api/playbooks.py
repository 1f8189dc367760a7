"""Playbooks for CS leads: each playbook's status and results, a step's preview in ja and en."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from banso_console.api.deps import ContextDep, SignedInDep, WorkspaceDep, page
from banso_console.domain import playbooks

router = APIRouter(tags=["playbooks"])


@router.get("/w/{workspace_id}/playbooks", summary="The playbooks.")
async def playbook_list(
    signed_in: SignedInDep, workspace_id: WorkspaceDep, context: ContextDep
) -> Response:
    """Each playbook with its trigger, whether it is on, its sends, suppressions and uplift."""
    listed = await context.notify.playbooks(workspace_id)
    reports = await asyncio.gather(
        *(context.notify.report(workspace_id, playbook["id"]) for playbook in listed)
    )
    rows = [
        {
            **playbook,
            "report": report,
            "suppressed_total": sum(report["suppressed"].values()),
            "uplift": playbooks.uplift_chart(report),
        }
        for playbook, report in zip(listed, reports, strict=True)
    ]
    rows.sort(key=lambda row: (not row["enabled"], row["name"].casefold()))
    values = {"workspace_id": workspace_id, "playbooks": rows}
    return page(context, signed_in, "playbooks.html", values)


@router.get("/w/{workspace_id}/playbooks/{playbook_id}", summary="A playbook.")
async def playbook_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    playbook_id: str,
    context: ContextDep,
    step: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """Its steps, a send step previewed in Japanese and English, its report and uplift chart."""
    playbook, report = await asyncio.gather(
        context.notify.playbook(workspace_id, playbook_id),
        context.notify.report(workspace_id, playbook_id),
    )
    steps = playbooks.steps_of(playbook["definition"])
    chosen = playbooks.choose_step(step, steps)
    preview = None
    if chosen.index is not None:
        preview = await context.notify.preview(
            workspace_id, playbook_id, step=chosen.index, locales=playbooks.PREVIEW_LOCALES
        )
    uplift = playbooks.uplift_chart(report)
    wording = context.renderer.wordings[signed_in.viewer.locale]
    chart_json = None
    if uplift is not None:
        chart = uplift.chart(
            wording.gettext("Uplift"),
            wording.gettext("95 percent interval"),
            wording.gettext("Estimate"),
        )
        chart_json = json.dumps(chart, ensure_ascii=False)
    values: dict[str, Any] = {
        "workspace_id": workspace_id,
        "playbook": playbook,
        "definition": playbook["definition"],
        "steps": steps,
        "chosen": chosen,
        "preview": preview,
        "report": report,
        "suppressions": playbooks.suppressions(report),
        "uplift": uplift,
        "chart_json": chart_json,
    }
    status = 400 if chosen.problem else 200
    return page(context, signed_in, "playbook.html", values, status_code=status)
