"""Reading single fields of an incoming JSON object, with the reason to give when one is wrong.

Kept deliberately plain (no model classes per event): ingest reads every field of every event on
its hot path, and these checks are all the validation the tracking API needs.
"""

from __future__ import annotations

from typing import Any

from banso_ingest.domain.rejections import EventRejected, Reason

JsonObject = dict[str, Any]


def identifier(raw: JsonObject, field: str, *, max_chars: int) -> str | None:
    """An id such as userId: strings as given, integers as their decimal text; empty is absent.

    Segment accepts numeric ids (its libraries stringify them), so ingest does too.
    """
    return coerce_identifier(raw.get(field), field, max_chars=max_chars)


def coerce_identifier(value: object, field: str, *, max_chars: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) > max_chars:
            raise EventRejected(
                Reason.INVALID_FIELD, f"`{field}` is longer than {max_chars} characters"
            )
        return text
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise EventRejected(
        Reason.INVALID_FIELD,
        f"`{field}` must be a string or an integer, got {type(value).__name__}",
    )


def text(raw: JsonObject, field: str, *, max_chars: int) -> str | None:
    """A free-text field such as `event` or `name`; empty or blank is absent."""
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EventRejected(
            Reason.INVALID_FIELD, f"`{field}` must be a string, got {type(value).__name__}"
        )
    if len(value) > max_chars:
        raise EventRejected(
            Reason.INVALID_FIELD, f"`{field}` is longer than {max_chars} characters"
        )
    return value if value.strip() else None


def json_object(raw: JsonObject, field: str) -> JsonObject | None:
    """A nested object such as `properties`; null is absent, anything but an object is refused."""
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EventRejected(
            Reason.INVALID_FIELD, f"`{field}` must be an object, got {type(value).__name__}"
        )
    return value


def merged(defaults: JsonObject | None, own: JsonObject | None) -> JsonObject:
    """A batch's top-level object merged under an event's own (the event's keys win).

    Without defaults the event's own object is returned as it is, not copied: nothing downstream
    mutates these objects, and copying one per event would be pure cost.
    """
    if not defaults:
        return own if own is not None else {}
    if not own:
        return dict(defaults)
    return {**defaults, **own}
