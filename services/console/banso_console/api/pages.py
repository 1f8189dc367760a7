"""The portfolio and account pages, and the language preference."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from babel.dates import format_datetime
from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from banso_console.adapters import users
from banso_console.api.deps import (
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    SessionDep,
    SignedIn,
    SignedInDep,
    WorkspaceDep,
    page,
)
from banso_console.domain import portfolio
from banso_console.domain.drivers import driver_lines, history_points
from banso_console.domain.forms import (
    OVERRIDE_BANDS,
    TOUCH_KINDS,
    OverrideInput,
    TouchInput,
    check_override,
    check_touch,
    console_user_of,
    touch_kind_of,
)
from banso_console.domain.language import SUPPORTED
from banso_console.domain.playbooks import playbook_names
from banso_kit.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable

router = APIRouter(tags=["pages"])


@router.get("/", summary="The signed-in user's first workspace.")
async def home(signed_in: SignedInDep) -> Response:
    """Go to the portfolio of the user's first workspace."""
    workspace = signed_in.viewer.home_workspace
    if workspace is None:
        raise NotFound("no workspace is open to you")
    return RedirectResponse(f"/w/{workspace}/accounts", status_code=303)


@router.get("/w/{workspace_id}/accounts", summary="The portfolio.")
async def portfolio_page(
    request: Request, signed_in: SignedInDep, workspace_id: WorkspaceDep, context: ContextDep
) -> Response:
    """Accounts of the workspace with band, score, trend, ARR, plan, owner and renewal; what
    moved this week; the renewals of the next 90 days by band."""
    parsed = portfolio.parse_filters(
        {key: request.query_params.getlist(key) for key in request.query_params}
    )
    filters = parsed.filters
    # htmx asks for the table alone when the filters change (and the summary, out of band).
    partial = bool(request.headers.get("hx-request"))
    now = datetime.now(UTC)
    if partial:
        body, renewing = await context.scoring.portfolio(workspace_id, filters.api_params()), None
        moves = None
    else:
        # The renewals ahead and this week's moves are the workspace's whatever the filters,
        # except the CSM's: "my accounts" is a whole book, its renewals and moves too.
        body, renewing, moves = await asyncio.gather(
            context.scoring.portfolio(workspace_id, filters.api_params()),
            context.scoring.renewals(
                workspace_id,
                after=now,
                before=now + timedelta(days=portfolio.RENEWAL_HORIZON_DAYS),
                soonest=portfolio.RENEWALS_SHOWN,
                csm=filters.csm,
            ),
            context.scoring.moves(workspace_id, limit=portfolio.MOVES_SHOWN, csm=filters.csm),
        )
    values: dict[str, Any] = {
        "workspace_id": workspace_id,
        "filters": filters,
        "problems": parsed.problems,
        "accounts": body["accounts"],
        "paging": portfolio.paging(body["total"], filters.page),
        "arr": body["arr"],
        "arr_by_band": body["arr_by_band"],
        "arr_at_risk": portfolio.arr_at_risk(body["arr_by_band"]),
        "bands": portfolio.BANDS,
        "sorts": portfolio.SORTS,
        "trend_direction": portfolio.trend_direction,
        "renewals": None if renewing is None else portfolio.renewals(renewing),
        "renewal_days": portfolio.RENEWAL_HORIZON_DAYS,
        "moves": moves,
        "move_bands": portfolio.MOVE_BANDS,
    }
    values["partial"] = partial
    template = "_portfolio_table.html" if partial else "portfolio.html"
    status = 400 if parsed.problems else 200
    return page(context, signed_in, template, values, status_code=status)


async def _unless_down(call: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]] | None:
    """A section another service fills: None (the page says so) when it does not answer."""
    try:
        return await call
    except (ServiceUnavailable, NotFound):
        return None


async def _named_nudges(
    context: ConsoleContext, workspace_id: str, account_id: str, locale: str
) -> tuple[list[dict[str, Any]] | None, dict[str, str]]:
    """The account's nudges (None when notify does not answer) and their playbooks' names in
    the reader's language. A
    nudge names its playbook by id; the playbooks list (one call whatever the number of nudges,
    made only when there are nudges) gives the names. Without it the page shows the ids."""
    nudges = await _unless_down(context.notify.account_nudges(workspace_id, account_id))
    if not nudges:
        return nudges, {}
    listed = await _unless_down(context.notify.playbooks(workspace_id))
    return nudges, playbook_names(listed, locale)


async def _account_values(
    context: ConsoleContext, signed_in: SignedIn, workspace_id: str, account_id: str
) -> dict[str, Any]:
    current, history, feedback, (nudges, names) = await asyncio.gather(
        context.scoring.health(workspace_id, account_id),
        context.scoring.history(workspace_id, account_id),
        _unless_down(context.bridge.account_feedback(workspace_id, account_id)),
        _named_nudges(context, workspace_id, account_id, signed_in.viewer.locale),
    )
    health = current["health"]
    traits = current["traits"]
    for item in feedback or ():
        item["touch"] = touch_kind_of(item.get("external_id"))
        item["logged_by"] = console_user_of(item.get("author"))
    points = history_points(history)
    wording = context.renderer.wordings[signed_in.viewer.locale]
    utilisation = next(
        (m for m in health["measures"] if m["measure"] == "licence_utilisation"), None
    )
    seats = traits.get("seats")
    active = None
    if utilisation and utilisation.get("value") is not None and seats:
        active = round(float(utilisation["value"]) * seats)
    # x: epoch milliseconds (a time axis, so uneven gaps look uneven); tooltips in the reader's
    # language, formatted here.
    moments = [datetime.fromisoformat(point.at) for point in points]
    chart = {
        "points": [
            {"x": moment.timestamp() * 1000, "y": point.score}
            for moment, point in zip(moments, points, strict=True)
        ],
        "tooltips": [format_datetime(m, "medium", locale=wording.locale) for m in moments],
        "label": wording.gettext("Health score"),
    }
    return {
        "workspace_id": workspace_id,
        "account_id": account_id,
        "health": health,
        "traits": traits,
        "drivers": driver_lines(health),
        "history": list(reversed(points)),
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "seats": seats,
        "active_users": active,
        "trend_direction": portfolio.trend_direction,
        "feedback": feedback,
        "nudges": nudges,
        "playbook_names": names,
        "override_bands": OVERRIDE_BANDS,
        "override_form": {"band": "", "reason": "", "days": "14", "replace": False},
        "override_problems": {},
        "touch_kinds": TOUCH_KINDS,
        "touch_form": {
            "kind": "",
            "date": datetime.now(UTC).date().isoformat(),
            "note": "",
            "touch_id": uuid.uuid4().hex,
        },
        "touch_problems": {},
        "saved": None,
    }


@router.get("/w/{workspace_id}/accounts/{account_id}", summary="An account.")
async def account_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    account_id: str,
    context: ContextDep,
    saved: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Health, band, drivers, the health history chart, seats and active users, the account's
    feedback with its themes and tickets (bridge) and its nudges (notify)."""
    values = await _account_values(context, signed_in, workspace_id, account_id)
    values["saved"] = saved if saved in ("override", "touch") else None
    return page(context, signed_in, "account.html", values)


@router.post("/w/{workspace_id}/accounts/{account_id}/override", summary="Override the band.")
async def set_override(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    account_id: str,
    context: ContextDep,
    band: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    days: Annotated[str, Form(max_length=10)] = "",
    replace: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Set the account's band by hand, with a reason, for some days (editors and admins)."""
    signed_in.require("edit", "only editors and administrators change an account")
    typed = OverrideInput(band=band, reason=reason, days=days, replace=bool(replace))
    checked = check_override(typed)
    problems: dict[str, str] = dict(checked.problems)
    if not problems:
        body = {
            "band": band,
            "reason": reason.strip(),
            "set_by": signed_in.viewer.email,
            "expires_in": f"{checked.days}d",
            "replace": typed.replace,
        }
        try:
            await context.scoring.set_override(workspace_id, account_id, body)
        except Conflict:
            problems["replace"] = "active_override"
        else:
            target = f"/w/{workspace_id}/accounts/{quote(account_id, safe='')}?saved=override"
            return RedirectResponse(target, status_code=303)
    values = await _account_values(context, signed_in, workspace_id, account_id)
    values["override_form"] = {
        "band": band,
        "reason": reason,
        "days": days,
        "replace": typed.replace,
    }
    values["override_problems"] = problems
    return page(context, signed_in, "account.html", values, status_code=422)


TOUCH_ID = re.compile(r"^[0-9a-f]{32}$")


@router.post("/w/{workspace_id}/accounts/{account_id}/touches", summary="Log a CS touch.")
async def log_touch(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    account_id: str,
    context: ContextDep,
    kind: Annotated[str, Form(max_length=16)] = "",
    date: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=8000)] = "",
    touch_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Log a call, meeting, e-mail or QBR with the customer (editors and admins): ingest
    publishes it as a CSM note, which scoring counts as a CS touch and the bridge groups."""
    signed_in.require("edit", "only editors and administrators log CS touches")
    # The form's own id: a second click on the same form is not a second touch.
    touch_id = touch_id if TOUCH_ID.match(touch_id) else uuid.uuid4().hex
    checked = check_touch(TouchInput(kind=kind, date=date, note=note), now=datetime.now(UTC))
    if not checked.problems and checked.occurred_at is not None:
        await context.touches.log_touch(
            workspace_id,
            account_id,
            kind=kind,
            occurred_at=checked.occurred_at,
            note=note.strip(),
            touch_id=touch_id,
            actor=signed_in.viewer.email,
        )
        target = f"/w/{workspace_id}/accounts/{quote(account_id, safe='')}?saved=touch"
        return RedirectResponse(target + "#feedback-title", status_code=303)
    values = await _account_values(context, signed_in, workspace_id, account_id)
    values["touch_form"] = {"kind": kind, "date": date, "note": note, "touch_id": touch_id}
    values["touch_problems"] = dict(checked.problems)
    return page(context, signed_in, "account.html", values, status_code=422)


@router.post("/preferences/language", summary="Choose the console's language.")
async def set_language(
    signed_in: CheckedFormDep,
    db: SessionDep,
    language: Annotated[str, Form(max_length=8)],
    back: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Save the user's language and go back to the page they were on."""
    if language not in SUPPORTED:
        raise InvalidInput(f"language must be one of {', '.join(SUPPORTED)}")
    await users.set_locale(db, user_id=signed_in.viewer.user_id, locale=language)
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)
