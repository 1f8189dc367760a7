"""Dependencies of the console's pages: the context, a database session, the signed-in viewer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Form, Query, Request
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.responses import HTMLResponse, RedirectResponse

from banso_console.adapters import sessions, users
from banso_console.adapters.bridge import BridgeClient
from banso_console.adapters.ingest import IngestAdmin
from banso_console.adapters.kept_names import KeptNames
from banso_console.adapters.notify import NotifyClient
from banso_console.adapters.scoring import ScoringClient
from banso_console.adapters.touches import TouchesClient
from banso_console.api.rendering import Renderer
from banso_console.config import ConsoleSettings
from banso_console.domain.language import choose
from banso_console.domain.roles import Permission, Viewer
from banso_kit.db import Database
from banso_kit.errors import BansoError, Forbidden

SESSION_COOKIE = "banso_console_session"


class NotSignedIn(BansoError):
    status_code = 401
    error = "not_signed_in"


class CsrfRefused(BansoError):
    status_code = 403
    error = "csrf_refused"


@dataclass
class ConsoleContext:
    settings: ConsoleSettings
    db: Database
    renderer: Renderer
    scoring: ScoringClient
    bridge: BridgeClient
    notify: NotifyClient
    ingest: IngestAdmin
    touches: TouchesClient
    # every workspace's names (one scope); each workspace's sources' and API tokens' (a scope
    # per workspace)
    workspace_names: KeptNames
    source_names: KeptNames
    token_names: KeptNames


def get_context(request: Request) -> ConsoleContext:
    context: ConsoleContext = request.state.console
    return context


ContextDep = Annotated[ConsoleContext, Depends(get_context)]


async def get_session(context: ContextDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent."""
    async with context.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class SignedIn:
    viewer: Viewer
    # The session's CSRF token (a copy: error pages render after the transaction rolled back).
    csrf_token: str
    # The page asked for (path and query), to come back to after a form such as the language's.
    path: str
    # The names of the viewer's workspaces that ingest knows (the header shows the id of others).
    workspace_names: Mapping[str, str] = field(default_factory=dict)

    def require(self, permission: Permission, refusal: str) -> None:
        """Go on only if the signed-in user's role grants ``permission``; else 403 with
        ``refusal`` (what they may not do)."""
        if not self.viewer.can(permission):
            raise Forbidden(refusal)


async def get_signed_in(request: Request, context: ContextDep, db: SessionDep) -> SignedIn:
    record = await sessions.find_session(db, cookie=request.cookies.get(SESSION_COOKIE))
    user = None
    if record is not None and record.user_id is not None:
        user = await users.get_user(db, user_id=record.user_id)
    if record is None or user is None:
        raise NotSignedIn("sign in to see this page")
    await sessions.touch(db, record=record, ttl_s=context.settings.session_idle_s)
    locale = choose(user.locale, request.headers.get("accept-language"))
    request.state.locale = locale
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    viewer = users.viewer_of(user, locale)
    names = await context.workspace_names.of(viewer.workspaces, actor=viewer.email)
    signed_in = SignedIn(viewer, record.csrf_token, path, names)
    # Error pages keep the header (language switch, sign out) of the signed-in user.
    request.state.signed_in = signed_in
    return signed_in


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


def checked_form(signed_in: SignedInDep, csrf_token: Annotated[str, Form()] = "") -> SignedIn:
    """A form post of a signed-in user: refused unless it carries the session's CSRF token."""
    if not sessions.csrf_matches(signed_in.csrf_token, csrf_token):
        raise CsrfRefused("the form's security token is missing or stale: reload the page")
    return signed_in


CheckedFormDep = Annotated[SignedIn, Depends(checked_form)]


def workspace_of(signed_in: SignedInDep, workspace_id: str) -> str:
    if not signed_in.viewer.may_see(workspace_id):
        raise Forbidden("this workspace is not one of yours")
    return workspace_id


WorkspaceDep = Annotated[str, Depends(workspace_of)]


def just_saved(saved: Annotated[str | None, Query(max_length=4)] = None) -> bool:
    """A settings page reached right after its form was saved (``?saved=yes``, see
    :func:`back_saved`): it then says so."""
    return saved == "yes"


SavedDep = Annotated[bool, Depends(just_saved)]


def back_saved(path: str) -> RedirectResponse:
    """After a settings form is saved: back to its page (303), which says it is saved."""
    return RedirectResponse(f"{path}?saved=yes", status_code=303)


def page(
    context: ConsoleContext,
    signed_in: SignedIn,
    template: str,
    values: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a signed-in page in the viewer's language."""
    return context.renderer.render(
        signed_in.viewer.locale,
        template,
        {**page_base(signed_in), **values},
        status_code=status_code,
    )


def page_base(signed_in: SignedIn | None) -> dict[str, Any]:
    """What the layout needs: who is signed in, the CSRF token of their forms, where they are."""
    if signed_in is None:
        return {"viewer": None}
    return {
        "viewer": signed_in.viewer,
        "csrf_token": signed_in.csrf_token,
        "request_path": signed_in.path,
        "workspace_names": signed_in.workspace_names,
    }
