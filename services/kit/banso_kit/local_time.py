"""Types whose JSON Schema pydantic gets wrong for an OpenAPI client, spelt right (no web
framework imported: domain models use them)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema


def _naive(moment: dt.time) -> dt.time:
    if moment.tzinfo is not None:
        raise ValueError("a local time of day, without an offset (e.g. 09:00)")
    return moment


# A wall-clock time of day without an offset (JSON Schema's `format: time` requires one).
LocalTime = Annotated[
    dt.time,
    AfterValidator(_naive),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "description": "A local time of day, `HH:MM` or `HH:MM:SS`, without an offset.",
            "examples": ["09:00:00"],
        }
    ),
]
