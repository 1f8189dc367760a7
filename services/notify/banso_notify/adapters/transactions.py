"""Hooks on a session's transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlmodel.ext.asyncio.session import AsyncSession


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call `callback` once the session's transaction has committed (not if it rolls back)."""
    event.listen(session.sync_session, "after_commit", lambda _: callback(), once=True)
