"""Failed sign-ins per account and client address, kept in the console's database (so every
worker of the console counts the same failures)."""

from __future__ import annotations

import hashlib

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_console.domain.forms import normalise_email
from banso_console.domain.throttle import Failures
from banso_console.models import SignInFailures


def key_of(email: str, address: str) -> str:
    """Neither the address nor the email is stored as such."""
    return hashlib.sha256(f"{normalise_email(email)}\n{address}".encode()).hexdigest()


async def find(session: AsyncSession, *, key: str) -> Failures | None:
    row = await session.get(SignInFailures, key)
    return None if row is None else Failures(row.failures, row.window_started_at)


async def save(session: AsyncSession, *, key: str, failures: Failures) -> None:
    row = await session.get(SignInFailures, key)
    if row is None:
        row = SignInFailures(key=key, failures=0, window_started_at=0.0)
    row.failures = failures.count
    row.window_started_at = failures.window_started_at
    session.add(row)
    await session.flush()


async def clear(session: AsyncSession, *, key: str) -> None:
    row = await session.get(SignInFailures, key)
    if row is not None:
        await session.delete(row)
        await session.flush()
