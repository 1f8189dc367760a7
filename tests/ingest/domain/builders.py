"""Small helpers to build requests the way Segment's libraries send them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from banso_ingest.domain.limits import IngestLimits
from banso_ingest.domain.requests import ParsedRequest, parse_batch

RECEIVED_AT = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
LIMITS = IngestLimits()


def counter_ids() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"generated-{next(numbers)}"


def track(**fields: Any) -> dict[str, Any]:
    return {"type": "track", "userId": "u1", "event": "Report Exported", **fields}


def batch(*messages: Any, **envelope: Any) -> dict[str, Any]:
    return {"batch": list(messages), **envelope}


def read_batch(body: dict[str, Any], *, received_at: datetime = RECEIVED_AT) -> ParsedRequest:
    return parse_batch(
        body,
        received_at=received_at,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )
