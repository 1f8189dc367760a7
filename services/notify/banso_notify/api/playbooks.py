"""Playbooks per workspace: PUT a YAML (or JSON) definition, read it back, list its versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.auth import Principal
from banso_kit.errors import InvalidInput, NotFound
from banso_kit.openapi import MAX_ID, errors
from banso_notify.adapters import playbook_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.api.deps import NotifyDep
from banso_notify.api.errors import invalid_playbook
from banso_notify.domain.errors import PlaybookInvalid
from banso_notify.domain.localized_text import FALLBACK_LOCALE, by_locale
from banso_notify.domain.playbook import parse_playbook
from banso_notify.domain.switching import with_enabled

router = APIRouter(prefix="/v1/playbooks", tags=["playbooks"])

MAX_BODY = 512 * 1024
# Who a caller acts for (the console sends its signed-in user), recorded beside its token.
ACTOR_HEADER = "X-Banso-Actor"
MAX_ACTOR = 200


def made_by(request: Request, principal: Principal) -> str:
    """The audit of a change: the token, and the person it says it acts for."""
    actor = " ".join(request.headers.get(ACTOR_HEADER, "").split())[:MAX_ACTOR]
    token = f"token {principal.token_id}"
    return f"{actor} ({token})" if actor else token


class PlaybookPublic(BaseModel):
    id: str
    version: int
    name: str = Field(
        description="The playbook's name: its English one, else the first given (a name given "
        "as one string is that string)."
    )
    names: dict[str, str] = Field(
        description="The name a reader of each supported locale (`en`, `ja`) reads: that "
        "locale's text, else English, else the first given. A name given as one string (its "
        "author's words, any language) is that string in every locale, so a client reads "
        "`names[locale]` and needs no fallback of its own."
    )
    descriptions: dict[str, str] = Field(
        description="The description in each supported locale, as `names` (empty strings when "
        "the playbook has none)."
    )
    enabled: bool
    builtin: bool
    created_at: datetime | None
    created_by: str | None = Field(
        description="Who made this version: the token, and the person it acted for if it said."
    )
    trigger: str
    definition: dict[str, Any]
    source: str


def public(stored: StoredPlaybook) -> PlaybookPublic:
    return PlaybookPublic(
        id=stored.playbook.id,
        version=stored.version,
        name=stored.playbook.name_in(FALLBACK_LOCALE),
        names=by_locale(stored.playbook.name),
        descriptions=by_locale(stored.playbook.description),
        enabled=stored.playbook.enabled,
        builtin=stored.builtin,
        created_at=stored.created_at,
        created_by=stored.created_by,
        trigger=stored.playbook.trigger.type,
        definition=stored.playbook.model_dump(mode="json"),
        source=stored.source,
    )


@router.get("")
async def list_playbooks(principal: ReaderDep, session: ReadSessionDep) -> list[PlaybookPublic]:
    """The workspace's playbooks, each at its current version (built-ins included)."""
    found = await playbook_store.current_playbooks(session, workspace_id=principal.workspace_id)
    return [public(stored) for stored in found]


@router.put(
    "/{playbook_id}",
    status_code=200,
    responses={201: {"model": PlaybookPublic, "description": "A new playbook."}, **errors(400)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The playbook as YAML, or as JSON with `Content-Type: application/json`.",
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
)
async def put_playbook(
    playbook_id: str,
    request: Request,
    response: Response,
    principal: WriterDep,
    session: SessionDep,
    notify: NotifyDep,
) -> PlaybookPublic:
    """Create or change a playbook (YAML or JSON body); a changed definition is a new version."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidInput(f"a playbook is at most {MAX_BODY // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the body must be UTF-8 YAML or JSON") from None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    source: str | dict[str, Any] = text
    if content_type == "application/json":
        try:
            source = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(f"invalid JSON: {exc}") from None
        if isinstance(source, dict):
            source.setdefault("id", playbook_id)
    try:
        playbook = parse_playbook(source)
    except PlaybookInvalid as exc:
        raise invalid_playbook(exc, text) from None
    if playbook.id != playbook_id:
        raise InvalidInput(f"the body's id {playbook.id!r} differs from the path's {playbook_id!r}")
    stored, created = await playbook_store.put_playbook(
        session,
        workspace_id=principal.workspace_id,
        playbook=playbook,
        source=text,
        now=notify.clock.now(),
        by=made_by(request, principal),
    )
    notify.catalog.invalidate(principal.workspace_id)
    response.status_code = 201 if created else 200
    return public(stored)


class Switch(BaseModel):
    enabled: bool = Field(description="True turns the playbook on, false off.")


@router.put("/{playbook_id}/enabled", responses=errors(404))
async def switch_playbook(
    playbook_id: str,
    body: Switch,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    notify: NotifyDep,
) -> PlaybookPublic:
    """Turn a playbook on or off: a new version (who did it recorded) unless it already is."""
    current = await _found(session, principal.workspace_id, playbook_id, None)
    if current.playbook.enabled == body.enabled:
        return public(current)
    source = with_enabled(current.source, current.playbook.model_dump(mode="json"), body.enabled)
    try:
        playbook = parse_playbook(source)
    except PlaybookInvalid as exc:  # a stored playbook that no longer parses (older release)
        raise invalid_playbook(exc, source) from None
    stored, _ = await playbook_store.put_playbook(
        session,
        workspace_id=principal.workspace_id,
        playbook=playbook,
        source=source,
        now=notify.clock.now(),
        by=made_by(request, principal),
    )
    notify.catalog.invalidate(principal.workspace_id)
    return public(stored)


@router.get("/{playbook_id}", responses=errors(404))
async def get_playbook(
    playbook_id: str, principal: ReaderDep, session: ReadSessionDep
) -> PlaybookPublic:
    """A playbook at its current version."""
    return public(await _found(session, principal.workspace_id, playbook_id, None))


@router.get("/{playbook_id}/versions", responses=errors(404))
async def list_versions(
    playbook_id: str, principal: ReaderDep, session: ReadSessionDep
) -> list[PlaybookPublic]:
    """Every version of a playbook, oldest first."""
    versions = await playbook_store.list_versions(
        session, workspace_id=principal.workspace_id, playbook_id=playbook_id
    )
    if not versions:
        raise NotFound(f"no playbook {playbook_id!r} in this workspace")
    return [public(stored) for stored in versions]


@router.get("/{playbook_id}/versions/{version}", responses=errors(404))
async def get_version(
    playbook_id: str,
    version: Annotated[int, Path(ge=1, le=MAX_ID)],
    principal: ReaderDep,
    session: ReadSessionDep,
) -> PlaybookPublic:
    """One version of a playbook."""
    return public(await _found(session, principal.workspace_id, playbook_id, version))


async def _found(
    session: AsyncSession, workspace_id: str, playbook_id: str, version: int | None
) -> StoredPlaybook:
    stored = await playbook_store.get_playbook(
        session, workspace_id=workspace_id, playbook_id=playbook_id, version=version
    )
    if stored is None:
        raise NotFound(f"no playbook {playbook_id!r} in this workspace")
    return stored
