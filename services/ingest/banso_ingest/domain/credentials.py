"""Rules for write keys and API tokens: rotation grace, validity, what may be shown of a key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

# A rotation's grace period: long enough to redeploy every sender, short enough that a leaked key
# does not live on for weeks.
MAX_GRACE = dt.timedelta(days=30)
DEFAULT_GRACE = dt.timedelta(hours=24)
# How much of a key is shown in lists: the `wk_` marker and 6 of its 43 random characters.
KEY_PREFIX_LENGTH = 9
# API tokens always expire, at most this long after they are issued.
MAX_TOKEN_TTL = dt.timedelta(days=3 * 365)


def key_prefix(write_key: str) -> str:
    """The part of a write key that identifies it in lists without letting anyone use it."""
    return write_key[:KEY_PREFIX_LENGTH]


@dataclass(frozen=True, slots=True)
class Rotation:
    """What a rotation leaves behind: the old key's hash works until `previous_expires_at`."""

    previous_key_hash: str | None
    previous_expires_at: dt.datetime | None


def rotate(current_hash: str, *, now: dt.datetime, grace: dt.timedelta) -> Rotation:
    """The old key keeps working for `grace`; with no grace it stops at once. A key rotated out
    by an earlier rotation whose grace still runs stops now: only the last two keys ever work."""
    if grace <= dt.timedelta(0):
        return Rotation(None, None)
    return Rotation(current_hash, now + grace)


TokenState = Literal["active", "expired", "revoked"]


def token_state(
    *, revoked_at: dt.datetime | None, expires_at: dt.datetime | None, now: dt.datetime
) -> TokenState:
    """`active`, `expired` or `revoked`, as lists show it."""
    if revoked_at is not None:
        return "revoked"
    if expires_at is not None and expires_at <= now:
        return "expired"
    return "active"


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored instant as an aware UTC datetime (SQLite hands them back naive, in UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
