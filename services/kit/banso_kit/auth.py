"""Tenancy and auth building blocks: workspace bearer tokens, the admin token, write keys.

Bearer tokens are JWTs (HS256, signed with BANSO_SECRET) naming one workspace and its scopes, so
every service can check them without a shared database. Write keys are random and stored hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

from banso_kit.errors import Forbidden, Unauthorized

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
# A scope implies the scopes below it: admin can write and read, write can read.
_IMPLIES: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "write": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "admin"}),
}
ISSUER = "banso"
AUDIENCE = "banso-api"


@dataclass(frozen=True)
class Principal:
    workspace_id: str
    scopes: frozenset[str]
    token_id: str

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise Forbidden(f"this token lacks the {scope!r} scope")

    def require_workspace(self, workspace_id: str) -> None:
        if workspace_id != self.workspace_id:
            # Same answer as for a missing resource: do not reveal other tenants exist.
            raise Forbidden("this token belongs to another workspace")


def issue_token(
    secret: str,
    workspace_id: str,
    scopes: list[Scope] | tuple[Scope, ...],
    *,
    ttl: dt.timedelta | None = dt.timedelta(days=365),
    now: dt.datetime | None = None,
    token_id: str | None = None,
) -> str:
    """A signed token; `token_id` (the `jti` claim, random unless given) is what revocation names."""
    if not workspace_id:
        raise ValueError("workspace_id is required")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}; got {list(scopes)!r}")
    issued = now or dt.datetime.now(dt.UTC)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": workspace_id,
        "ws": workspace_id,
        "scopes": sorted(set(scopes)),
        "iat": int(issued.timestamp()),
        "jti": token_id or uuid.uuid4().hex,
    }
    if ttl is not None:
        claims["exp"] = int((issued + ttl).timestamp())
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["sub", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the bearer token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the bearer token is invalid: {exc}") from exc
    workspace = claims.get("ws")
    scopes = claims.get("scopes")
    if not isinstance(workspace, str) or not isinstance(scopes, list):
        raise Unauthorized("the bearer token names no workspace or scopes")
    granted: set[str] = set()
    for scope in scopes:
        granted |= _IMPLIES.get(str(scope), frozenset())
    return Principal(workspace, frozenset(granted), str(claims.get("jti", "")))


def parse_bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization header: send `Authorization: Bearer <token>`")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be `Bearer <token>`")
    return token.strip()


def check_admin(expected: str, authorization: str | None) -> None:
    token = parse_bearer(authorization)
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("the admin token is wrong")


WRITE_KEY_PREFIX = "wk_"


def generate_write_key() -> str:
    """A new write key: 32 random bytes, URL-safe. Shown once; only its hash is stored."""
    return WRITE_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_write_key(write_key: str) -> str:
    """SHA-256 of the key. Write keys carry 256 bits of randomness, so a fast hash is enough
    (no dictionary to attack) and lets ingest look a key up in one indexed query."""
    return hashlib.sha256(write_key.encode()).hexdigest()
