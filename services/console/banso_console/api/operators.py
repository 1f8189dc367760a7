"""Sources and keys, for administrators: a workspace's sources with their write keys (create,
rotate, revoke) and its API tokens (issue, revoke), through ingest's admin API. A new secret is
shown once, on the answer to the form that made it, and never stored by the console."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from banso_console.adapters.ingest import source_names, token_names
from banso_console.api.deps import (
    CheckedFormDep,
    ConsoleContext,
    ContextDep,
    SignedIn,
    SignedInDep,
    WorkspaceDep,
    page,
)
from banso_console.domain import operators
from banso_kit.errors import NotFound, Unprocessable

router = APIRouter(tags=["operators"])
REFUSAL = "only administrators manage sources and keys"
DONE = ("source_revoked", "token_revoked")
NO_STORE = {"Cache-Control": "no-store"}


async def _sources_page(
    context: ConsoleContext,
    signed_in: SignedIn,
    workspace_id: str,
    *,
    secret: dict[str, str] | None = None,
    done: str | None = None,
    forms: dict[str, dict[str, str]] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    actor = signed_in.viewer.email
    known = True
    try:
        sources, tokens = await asyncio.gather(
            context.ingest.sources(workspace_id, actor=actor),
            context.ingest.tokens(workspace_id, actor=actor),
        )
    except NotFound:
        known, sources, tokens = False, [], []
    else:
        # the live events page names a source created or renamed here at once (and a
        # playbook's versions a token issued here)
        context.source_names.remember(source_names(sources), scope=workspace_id)
        context.token_names.remember(token_names(tokens), scope=workspace_id)
    values: dict[str, Any] = {
        "workspace_id": workspace_id,
        "known": known,
        "sources": sources,
        "tokens": tokens,
        "secret": secret,
        "done": done,
        "grace_choices": operators.GRACE_CHOICES,
        "scopes": operators.TOKEN_SCOPES,
        "forms": {
            "source": {"name": ""},
            "token": {"name": "", "scope": "read", "days": "90"},
            **(forms or {}),
        },
        "problems": problems or {},
    }
    response = page(context, signed_in, "sources.html", values, status_code=status_code)
    if secret is not None:
        response.headers.update(NO_STORE)
    return response


@router.get("/w/{workspace_id}/sources", summary="Sources and keys.")
async def sources_page(
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The workspace's sources and write keys, and its API tokens."""
    signed_in.require("administer", REFUSAL)
    return await _sources_page(
        context, signed_in, workspace_id, done=done if done in DONE else None
    )


def _ingest_problem(exc: Unprocessable, fields: tuple[str, ...]) -> str | None:
    """The field ingest named in its 422 answer, when it is one of the form's."""
    detail = exc.detail.get("detail") if isinstance(exc.detail, dict) else None
    for problem in detail if isinstance(detail, list) else []:
        named = str(problem.get("field", "")) if isinstance(problem, dict) else ""
        for field in fields:
            if named.endswith(field):
                return field
    return None


@router.post("/w/{workspace_id}/sources", summary="Create a source.")
async def create_source(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    name: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """A new source and its write key, shown once."""
    signed_in.require("administer", REFUSAL)
    problem: str | None = operators.check_name(name)
    if problem is None:
        try:
            created = await context.ingest.create_source(
                workspace_id, name.strip(), actor=signed_in.viewer.email
            )
        except Unprocessable as exc:
            if _ingest_problem(exc, ("name",)) is None:
                raise
            problem = "refused"
        else:
            secret = {"kind": "write_key", "for": created["name"], "value": created["write_key"]}
            return await _sources_page(
                context, signed_in, workspace_id, secret=secret, status_code=201
            )
    return await _sources_page(
        context,
        signed_in,
        workspace_id,
        forms={"source": {"name": name}},
        problems={"source_name": problem or "refused"},
        status_code=422,
    )


@router.post("/w/{workspace_id}/sources/{source_id}/rotate", summary="Rotate a write key.")
async def rotate_source(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    source_id: str,
    context: ContextDep,
    grace: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """A new write key, shown once; the previous one works for the grace period chosen."""
    signed_in.require("administer", REFUSAL)
    grace_s = operators.check_grace(grace)
    if grace_s is None:
        return await _sources_page(
            context,
            signed_in,
            workspace_id,
            problems={f"grace-{source_id}": "unknown_grace"},
            status_code=422,
        )
    rotated = await context.ingest.rotate_source(
        workspace_id, source_id, grace_s=grace_s, actor=signed_in.viewer.email
    )
    secret = {"kind": "write_key", "for": rotated["name"], "value": rotated["write_key"]}
    return await _sources_page(context, signed_in, workspace_id, secret=secret)


@router.post("/w/{workspace_id}/sources/{source_id}/revoke", summary="Revoke a source.")
async def revoke_source(
    signed_in: CheckedFormDep, workspace_id: WorkspaceDep, source_id: str, context: ContextDep
) -> Response:
    """Revoke the source: ingest refuses its keys from now on."""
    signed_in.require("administer", REFUSAL)
    await context.ingest.revoke_source(workspace_id, source_id, actor=signed_in.viewer.email)
    return RedirectResponse(
        f"/w/{quote(workspace_id, safe='')}/sources?done=source_revoked", status_code=303
    )


@router.post("/w/{workspace_id}/tokens", summary="Issue an API token.")
async def issue_token(
    signed_in: CheckedFormDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    name: Annotated[str, Form(max_length=4000)] = "",
    scope: Annotated[str, Form(max_length=16)] = "",
    days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """A bearer token for the workspace's API, shown once."""
    signed_in.require("administer", REFUSAL)
    checked = operators.check_token(name, scope, days)
    problems: dict[str, str] = {f"token_{k}": v for k, v in checked.problems.items()}
    if not problems:
        issued = await context.ingest.issue_token(
            workspace_id,
            name=name.strip(),
            scope=scope,
            days=checked.days,
            actor=signed_in.viewer.email,
        )
        secret = {"kind": "api_token", "for": issued["name"], "value": issued["token"]}
        return await _sources_page(context, signed_in, workspace_id, secret=secret, status_code=201)
    return await _sources_page(
        context,
        signed_in,
        workspace_id,
        forms={"token": {"name": name, "scope": scope, "days": days}},
        problems=problems,
        status_code=422,
    )


@router.post("/w/{workspace_id}/tokens/{token_id}/revoke", summary="Revoke an API token.")
async def revoke_token(
    signed_in: CheckedFormDep, workspace_id: WorkspaceDep, token_id: str, context: ContextDep
) -> Response:
    """Revoke the token: every service refuses it once it has read the revocation."""
    signed_in.require("administer", REFUSAL)
    await context.ingest.revoke_token(workspace_id, token_id, actor=signed_in.viewer.email)
    return RedirectResponse(
        f"/w/{quote(workspace_id, safe='')}/sources?done=token_revoked", status_code=303
    )


EVENTS_SHOWN = 50


@router.get("/w/{workspace_id}/events", summary="The live event debugger.")
async def events_page(
    request: Request,
    signed_in: SignedInDep,
    workspace_id: WorkspaceDep,
    context: ContextDep,
    source: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The latest events of the workspace's sources as ingest receives them, rejected ones with
    the reason; htmx asks for the table again every few seconds."""
    signed_in.require("administer", REFUSAL)
    actor = signed_in.viewer.email
    source_id = source or None
    values: dict[str, Any] = {"workspace_id": workspace_id, "source": source_id or ""}
    partial = bool(request.headers.get("hx-request"))
    if partial:
        # Every 2 s while the page is open: the events, and their sources' names as kept (read
        # again once a minute, or 10 s after an event of a source not among them).
        events = await context.ingest.recent_events(
            workspace_id, source_id=source_id, limit=EVENTS_SHOWN, actor=actor
        )
        names = await context.source_names.of(
            {event["source_id"] for event in events}, actor=actor, scope=workspace_id
        )
        values.update(known=True, events=events, source_names=names)
        return page(context, signed_in, "_events_table.html", values)
    # The page itself lists the sources (the filter) and keeps their names for the refreshes.
    try:
        sources, events = await asyncio.gather(
            context.ingest.sources(workspace_id, actor=actor),
            context.ingest.recent_events(
                workspace_id, source_id=source_id, limit=EVENTS_SHOWN, actor=actor
            ),
        )
    except NotFound:
        values.update(known=False, sources=[], events=[], source_names={})
    else:
        names = source_names(sources)
        context.source_names.remember(names, scope=workspace_id)
        values.update(known=True, sources=sources, events=events, source_names=names)
    return page(context, signed_in, "events.html", values)
