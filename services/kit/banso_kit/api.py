"""FastAPI dependencies every service uses: the bearer principal, a database session, the runtime.

Every dependency is ``async def``, even those that never await: FastAPI runs a plain ``def`` in
its thread pool, a hop to a thread and back per dependency and request (four for a scoring
read), each waiting for the event loop's turn while the consumer works."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.auth import Principal, check_admin, parse_bearer, verify_token
from banso_kit.errors import Unauthorized
from banso_kit.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the route returns and BEFORE the response is
    sent (scope="function"), so a 2xx always means the change is durable; rolled back on error."""
    async with runtime.db.session() as session:
        yield session
    runtime.relay.wake()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_read_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """A read-only session for GET routes: never waits for (or holds up) a writer on SQLite."""
    async with runtime.db.read_session() as session:
        yield session


ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]


# Security schemes, so the OpenAPI names them and `/docs` offers "Authorize". They do not refuse by
# themselves (auto_error=False): the kit's own checks answer 401 with its error body.
bearer_token = HTTPBearer(
    scheme_name="BearerToken",
    description="A workspace API token (`banso token issue`), with its scopes.",
    auto_error=False,
)
admin_token = HTTPBearer(
    scheme_name="AdminToken",
    description="The operator's admin token (`BANSO_ADMIN_TOKEN`).",
    auto_error=False,
)
# The schemes only document; the header itself is read so a wrong scheme is named as such.
Credentials = HTTPAuthorizationCredentials | None


async def get_principal(
    request: Request,
    runtime: RuntimeDep,
    _: Annotated[Credentials, Security(bearer_token)],
) -> Principal:
    authorization = request.headers.get("authorization")
    principal = verify_token(runtime.settings.secret, parse_bearer(authorization))
    if runtime.revoked_tokens.is_revoked(principal.token_id):
        raise Unauthorized("the bearer token has been revoked")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def _reader(principal: PrincipalDep) -> Principal:
    principal.require("read")
    return principal


async def _writer(principal: PrincipalDep) -> Principal:
    principal.require("write")
    return principal


async def _admin(principal: PrincipalDep) -> Principal:
    principal.require("admin")
    return principal


ReaderDep = Annotated[Principal, Depends(_reader)]
WriterDep = Annotated[Principal, Depends(_writer)]
AdminDep = Annotated[Principal, Depends(_admin)]


async def require_admin_token(
    request: Request, runtime: RuntimeDep, _: Annotated[Credentials, Security(admin_token)]
) -> None:
    """Operator endpoints: `Authorization: Bearer $BANSO_ADMIN_TOKEN`."""
    check_admin(runtime.settings.admin_token, request.headers.get("authorization"))


AdminTokenDep = Annotated[None, Depends(require_admin_token)]
