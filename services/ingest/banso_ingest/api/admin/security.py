"""Who may call the admin API: the operator holding `BANSO_ADMIN_TOKEN`, as an HTTP Bearer scheme
(so `/docs` offers "Authorize"). The audit log records the actor; a client may name the person
acting with `X-Banso-Actor` (e.g. the CLI sends the login name), recorded beside the token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from banso_ingest.api.deps import IngestDep
from banso_kit.errors import Unauthorized

admin_bearer = HTTPBearer(
    scheme_name="AdminToken",
    description="The operator's admin token (`BANSO_ADMIN_TOKEN`).",
    auto_error=False,
)


def _actor(
    ingest: IngestDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(admin_bearer)],
    x_banso_actor: Annotated[
        str | None,
        Header(
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f]*$",
            description="Who is acting (recorded in the audit log as declared by the client).",
        ),
    ] = None,
) -> str:
    if credentials is None:
        raise Unauthorized(
            "missing Authorization header: send `Authorization: Bearer <admin token>`"
        )
    expected = ingest.settings.admin_token.encode()
    if not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise Unauthorized("the admin token is wrong")
    name = (x_banso_actor or "").strip()
    return f"admin-token ({name})" if name else "admin-token"


ActorDep = Annotated[str, Depends(_actor)]
"""The operator calling: every admin route depends on it; its value goes to the audit log."""
