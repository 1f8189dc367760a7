"""Kafka records to scoring facts, with a fast path for the high-volume usage topic.

Usage records are read straight from their JSON with orjson (the pydantic model costs more than
all the scoring work per event); anything the fast path does not recognise is decoded through the
contracts codec, which either succeeds or says precisely why the record is poison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from banso_contracts.codec import decode
from banso_contracts.errors import ContractError
from banso_contracts.events import UsageRecorded
from banso_scoring.adapters.translate import AccountFacts, account_facts
from banso_scoring.domain.facts import Usage

USAGE_TYPE = UsageRecorded.EVENT_TYPE
# Records that change nothing are merged first: they cannot move stream time.
NO_TIME = -math.inf


@dataclass(slots=True)
class Record:
    """A decoded record: a usage event (``usage``, the hot path), other facts (``facts``),
    nothing for scoring (both None), or poison (``error``)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    event_id: str | None
    stream_time: float = NO_TIME
    account: tuple[str, str] | None = None
    usage: Usage | None = None
    facts: AccountFacts | None = None
    error: Exception | None = None
    duplicate: bool = False


def decode_record(
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes]],
) -> Record:
    frozen = tuple(headers)
    event_type = event_id = workspace = subject = None
    for name, raw in frozen:
        if name == "ce_type":
            event_type = raw.decode("utf-8", "replace")
        elif name == "ce_id":
            event_id = raw.decode("utf-8", "replace")
        elif name == "ce_workspace":
            workspace = raw.decode("utf-8", "replace")
        elif name == "ce_subject":
            subject = raw.decode("utf-8", "replace")
    record = Record(topic, partition, offset, key, value, frozen, event_id)
    if event_type == USAGE_TYPE and value is not None and _usage_fast(record, workspace, subject):
        return record
    try:
        _, event = decode(frozen, value)
    except ContractError as error:
        record.error = error
        return record
    facts = account_facts(event)
    if facts is not None:
        record.facts = facts
        record.account = (facts.workspace_id, facts.account_id)
        record.stream_time = facts.received_at
    return record


def _instant(text: Any) -> float | None:
    moment = datetime.fromisoformat(text)
    return None if moment.tzinfo is None else moment.timestamp()


def _usage_fast(record: Record, workspace: str | None, subject: str | None) -> bool:
    """Fill ``record`` from a well-formed usage record (no account: no facts) and say True;
    False when the codec must look at it."""
    assert record.value is not None
    try:
        payload = orjson.loads(record.value)
        ws = payload["workspace_id"]
        account = payload.get("account_id")
        user = payload.get("user_id")
        name = payload["event"]
        at = _instant(payload["timestamp"])
        received = _instant(payload["received_at"])
        properties = payload.get("properties")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return False
    if at is None or received is None:
        return False
    if not (isinstance(ws, str) and ws and ws == workspace and isinstance(name, str) and name):
        return False
    if user is not None and not isinstance(user, str):
        return False
    if properties is not None and not isinstance(properties, dict):
        return False
    if account is None:
        return user is not None or bool(payload.get("anonymous_id"))
    if not isinstance(account, str) or not account or account != subject:
        return False
    record.usage = Usage(name, at, received, user, properties or None)
    record.account = (ws, account)
    record.stream_time = received
    return True
