"""Server-side sessions: the cookie holds a random token, the table its hash and CSRF token."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Table, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_console.models import ConsoleSession

TABLE: Table = ConsoleSession.__table__  # type: ignore[attr-defined]
# How long a sign-in form stays usable (seconds).
ANONYMOUS_TTL_S = 3600


@dataclass(frozen=True, slots=True)
class Opened:
    cookie: str
    record: ConsoleSession


def _id(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


async def open_session(
    session: AsyncSession, *, user_id: int | None, ttl_s: int, now: float | None = None
) -> Opened:
    moment = time.time() if now is None else now
    cookie = secrets.token_urlsafe(32)
    record = ConsoleSession(
        id=_id(cookie),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=moment,
        expires_at=moment + ttl_s,
    )
    session.add(record)
    await session.flush()
    return Opened(cookie, record)


async def find_session(
    session: AsyncSession, *, cookie: str | None, now: float | None = None
) -> ConsoleSession | None:
    if not cookie or len(cookie) > 100:
        return None
    record = await session.get(ConsoleSession, _id(cookie))
    if record is None or record.expires_at <= (time.time() if now is None else now):
        return None
    return record


async def touch(session: AsyncSession, *, record: ConsoleSession, ttl_s: int) -> None:
    """Push a signed-in session's expiry forward while it is used (at most once a minute)."""
    expires = time.time() + ttl_s
    if expires - record.expires_at > 60:
        record.expires_at = expires
        session.add(record)
        await session.flush()


async def close_session(session: AsyncSession, *, cookie: str | None) -> None:
    if cookie:
        connection = await session.connection()
        await connection.execute(delete(TABLE).where(TABLE.c.id == _id(cookie)))


async def forget_expired(session: AsyncSession, *, now: float | None = None) -> None:
    moment = time.time() if now is None else now
    connection = await session.connection()
    await connection.execute(delete(TABLE).where(TABLE.c.expires_at <= moment))


def csrf_matches(expected: str, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(expected, submitted or "")
