"""Unsubscribe: the link in every customer e-mail, and the one-click POST (RFC 8058).

GET shows a page with a button rather than unsubscribing at once, because mail scanners open
links; the one-click POST that mail clients send from the ``List-Unsubscribe-Post`` header and the
page's button both unsubscribe. The token is signed and names its workspace and person.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from banso_kit.api import SessionDep
from banso_kit.errors import Forbidden
from banso_kit.openapi import errors
from banso_notify.adapters import directory
from banso_notify.api.deps import NotifyDep
from banso_notify.domain.errors import InvalidToken
from banso_notify.domain.unsubscribe import UnsubscribeClaim, read_unsubscribe_token

router = APIRouter(prefix="/v1/unsubscribe", tags=["unsubscribe"])

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Unsubscribe / 配信停止</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">{body}</body></html>"""


@router.get("", response_class=HTMLResponse, responses=errors(403, 422))
async def confirm_page(token: str, notify: NotifyDep) -> HTMLResponse:
    """A page with a button that unsubscribes (links opened by scanners change nothing)."""
    _claim(token, notify.settings.secret)
    body = (
        "<p>Stop all messages from us? / 今後のご案内の配信を停止しますか？</p>"
        f'<form method="post" action="?token={escape(token)}">'
        '<button type="submit">Unsubscribe / 配信停止</button></form>'
    )
    return HTMLResponse(_PAGE.format(body=body))


@router.post("", response_class=HTMLResponse, responses=errors(403, 422))
async def unsubscribe(token: str, session: SessionDep, notify: NotifyDep) -> HTMLResponse:
    """Unsubscribe the person the token was made for, on every channel."""
    claim = _claim(token, notify.settings.secret)
    await directory.suppress(
        session,
        workspace_id=claim.workspace_id,
        subject=directory.user_subject(claim.user_id) or "",
        unsubscribed=True,
        reason="unsubscribed",
        now=notify.clock.now(),
    )
    body = "<p>You are unsubscribed. / 配信を停止しました。</p>"
    return HTMLResponse(_PAGE.format(body=body))


def _claim(token: str, secret: str) -> UnsubscribeClaim:
    try:
        return read_unsubscribe_token(token, secret=secret)
    except InvalidToken as exc:
        raise Forbidden("this unsubscribe link is not valid") from exc
