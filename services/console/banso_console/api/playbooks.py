"""Playbooks for CS leads: each playbook's status and results, a step's preview in ja and en."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query
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
from banso_console.api.playbook_versions import editing_values
from banso_console.domain import playbooks
from banso_console.domain.yaml_editing import YamlProblem, located_problems
from banso_kit.errors import InvalidInput, ServiceUnavailable, Unprocessable

router = APIRouter(tags=["playbooks"])


def service_problems(refusal: InvalidInput | Unprocessable) -> list[YamlProblem]:
    """Notify's refusal of a preview or test send, problem by problem (each with its code and
    params, worded by the page in the reader's language); its message when it named none."""
    found = located_problems(refusal.detail, "")
    return found or [YamlProblem(None, None, None, refusal.message)]


@router.get("/w/{workspace_id}/playbooks", summary="The playbooks.")
async def playbook_list(
    signed_in: SignedInDep, workspace_id: WorkspaceDep, context: ContextDep
) -> Response:
    """Each playbook with its trigger, whether it is on, its sends, suppressions and uplift."""
    listed, reports = await asyncio.gather(
        context.notify.playbooks(workspace_id), context.notify.reports(workspace_id)
    )
    by_playbook = {report["playbook_id"]: report for report in reports}
    locale = signed_in.viewer.locale
    rows = [
        {
            **playbook,
            "name": playbooks.name_in(playbook, locale),
            "report": report,
            "suppressed_total": sum(report["suppressed"].values()),
            "uplift": playbooks.uplift_chart(report),
        }
        for playbook in listed
        # A playbook created between the two reads waits for the next look.
        if (report := by_playbook.get(playbook["id"])) is not None
    ]
    rows.sort(key=lambda row: (not row["enabled"], row["name"].casefold()))
    values = {"workspace_id": workspace_id, "playbooks": rows}
    return page(context, signed_in, "playbooks.html", values)


async def _playbook_values(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    playbook_id: str,
    step: str | None,
) -> dict[str, Any]:
    playbook, report = await asyncio.gather(
        context.notify.playbook(workspace_id, playbook_id),
        context.notify.report(workspace_id, playbook_id),
    )
    steps = playbooks.steps_of(playbook["definition"], locale=signed_in.viewer.locale)
    chosen = playbooks.choose_step(step, steps)
    preview = None
    preview_problems: list[YamlProblem] = []
    if chosen.index is not None:
        try:
            preview = await context.notify.preview(
                workspace_id, playbook_id, step=chosen.index, locales=playbooks.PREVIEW_LOCALES
            )
        except (InvalidInput, Unprocessable) as exc:
            # A template that does not render (or a step gone meanwhile): said in the preview's
            # place, the rest of the page shown.
            preview_problems = service_problems(exc)
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
    return {
        "workspace_id": workspace_id,
        "playbook": playbook,
        "playbook_name": playbooks.name_in(playbook, signed_in.viewer.locale),
        "playbook_description": playbooks.description_in(playbook, signed_in.viewer.locale),
        "definition": playbook["definition"],
        "steps": steps,
        "chosen": chosen,
        "preview": preview,
        "preview_problems": preview_problems,
        "test_problems": [],
        "report": report,
        "suppressions": playbooks.suppressions(report),
        "uplift": uplift,
        "chart_json": chart_json,
        "locales": playbooks.PREVIEW_LOCALES,
        "test_form": {"to": signed_in.viewer.email, "locale": signed_in.viewer.locale},
        "problems": {},
        "sent": False,
        "editing": None,
    }


@router.get("/w/{workspace_id}/playbooks/{playbook_id}", summary="A playbook.")
async def playbook_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    playbook_id: str,
    context: ContextDep,
    step: Annotated[str | None, Query(max_length=10)] = None,
    sent: Annotated[str | None, Query(max_length=4)] = None,
    done: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """Its steps, a send step previewed in Japanese and English, its report and uplift chart;
    for an administrator, its YAML to edit, its versions and the switch."""
    values = await _playbook_values(context, signed_in, workspace_id, playbook_id, step)
    values["sent"] = sent == "yes"
    values["editing"] = await editing_values(
        context, signed_in, workspace_id, values["playbook"], done=done
    )
    status = 400 if values["chosen"].problem else 200
    return page(context, signed_in, "playbook.html", values, status_code=status)


@router.post("/w/{workspace_id}/playbooks/{playbook_id}/test-send", summary="Send a test.")
async def send_test(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    playbook_id: str,
    context: ContextDep,
    step: Annotated[str, Form(max_length=10)] = "",
    to: Annotated[str, Form(max_length=1000)] = "",
    locale: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Send the previewed step once to an address, marked as a test (editors and admins)."""
    signed_in.require("edit", "only editors and administrators send test messages")
    values = await _playbook_values(context, signed_in, workspace_id, playbook_id, step)
    chosen = values["chosen"]
    problems: dict[str, str] = dict(playbooks.check_test_send(to, locale))
    if chosen.problem or chosen.index is None:
        problems["step"] = "not_a_send_step"
    if not problems:
        try:
            await context.notify.send_test(
                workspace_id, playbook_id, step=chosen.index, email=to.strip(), locale=locale
            )
        except ServiceUnavailable as exc:
            if not isinstance(exc.detail, dict) or exc.detail.get("status") != 502:
                raise
            problems["to"] = "not_delivered"
        except (InvalidInput, Unprocessable) as exc:
            # The playbook changed since the page was shown: notify's problems, worded.
            values["test_problems"] = service_problems(exc)
            problems["step"] = "refused"
        else:
            query = urlencode({"step": chosen.index, "sent": "yes"})
            target = f"/w/{workspace_id}/playbooks/{quote(playbook_id, safe='')}?{query}"
            return RedirectResponse(target, status_code=303)
    values["test_form"] = {"to": to, "locale": locale}
    values["problems"] = problems
    return page(context, signed_in, "playbook.html", values, status_code=422)
