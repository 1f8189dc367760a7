"""Unsubscribe tokens: signed (HMAC-SHA256) so a link can only unsubscribe the person it was for.

The link must keep working for as long as old e-mails sit in inboxes, so the token does not
expire; it names its workspace, so it can never act in another one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import jwt

from banso_notify.domain.errors import InvalidToken

_PURPOSE = "notify.unsubscribe"


@dataclass(frozen=True, slots=True)
class UnsubscribeClaim:
    workspace_id: str
    user_id: str


def _key(secret: str) -> bytes:
    # a key of its own, so an unsubscribe token can never pass as a bearer token and vice versa
    return hmac.new(secret.encode(), _PURPOSE.encode(), hashlib.sha256).digest()


def make_unsubscribe_token(*, secret: str, workspace_id: str, user_id: str) -> str:
    payload = {"pur": _PURPOSE, "ws": workspace_id, "sub": user_id}
    return jwt.encode(payload, _key(secret), algorithm="HS256")


def read_unsubscribe_token(token: str, *, secret: str) -> UnsubscribeClaim:
    try:
        payload = jwt.decode(token, _key(secret), algorithms=["HS256"])
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid unsubscribe token: {exc}") from None
    workspace, user = payload.get("ws"), payload.get("sub")
    if payload.get("pur") != _PURPOSE or not (isinstance(workspace, str) and isinstance(user, str)):
        raise InvalidToken("invalid unsubscribe token: not an unsubscribe token")
    return UnsubscribeClaim(workspace_id=workspace, user_id=user)
