"""Paging cursors of the history API: where the previous page ended, opaque to clients."""

from __future__ import annotations

import base64
import binascii
import math

from banso_kit.errors import InvalidInput

# Days since the epoch a cursor may name (beyond year 9999 is not a day anyone recorded).
MAX_DAY = 3_000_000
_BAD = "cursor: not one this API returned (pass `next_cursor` unchanged)"


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidInput(_BAD) from error


def entry_cursor(at: float, row_id: int) -> str:
    return _encode(f"e:{at!r}:{row_id}")


def entry_position(cursor: str) -> tuple[float, int]:
    """The (event time, id) the next page starts before."""
    kind, _, rest = _decode(cursor).partition(":")
    at, _, row_id = rest.rpartition(":")
    try:
        moment, number = float(at), int(row_id)
        if kind != "e" or not math.isfinite(moment) or not 0 <= number < 2**63:
            raise ValueError(kind)
        return moment, number
    except ValueError as error:
        raise InvalidInput(_BAD) from error


def day_cursor(day: int) -> str:
    return _encode(f"d:{day}")


def day_position(cursor: str) -> int:
    """The event-time day (days since the epoch) the next page ends before."""
    kind, _, day = _decode(cursor).partition(":")
    try:
        number = int(day)
        if kind != "d" or not -MAX_DAY <= number <= MAX_DAY:
            raise ValueError(kind)
        return number
    except ValueError as error:
        raise InvalidInput(_BAD) from error
