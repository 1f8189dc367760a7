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
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    event_id: str | None
    facts: AccountFacts | None
    error: Exception | None = None
    duplicate: bool = False

    @property
    def stream_time(self) -> float:
        return NO_TIME if self.facts is None else self.facts.received_at


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
    record = Record(topic, partition, offset, key, value, frozen, event_id, None)
    if event_type == USAGE_TYPE and value is not None:
        recognised, facts = _usage_fast(value, workspace, subject)
        if recognised:
            record.facts = facts
            return record
    try:
        _, event = decode(frozen, value)
    except ContractError as error:
        record.error = error
        return record
    record.facts = account_facts(event)
    return record


_UNRECOGNISED: tuple[bool, None] = (False, None)


def _instant(text: Any) -> float | None:
    moment = datetime.fromisoformat(text)
    return None if moment.tzinfo is None else moment.timestamp()


def _usage_fast(
    value: bytes, workspace: str | None, subject: str | None
) -> tuple[bool, AccountFacts | None]:
    """(True, facts) for a well-formed usage record (facts None: it has no account);
    (False, None) when the codec must look at it."""
    try:
        payload = orjson.loads(value)
        ws = payload["workspace_id"]
        account = payload.get("account_id")
        user = payload.get("user_id")
        name = payload["event"]
        at = _instant(payload["timestamp"])
        received = _instant(payload["received_at"])
        properties = payload.get("properties")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return _UNRECOGNISED
    if at is None or received is None:
        return _UNRECOGNISED
    if not (isinstance(ws, str) and ws and ws == workspace and isinstance(name, str) and name):
        return _UNRECOGNISED
    if user is not None and not isinstance(user, str):
        return _UNRECOGNISED
    if properties is not None and not isinstance(properties, dict):
        return _UNRECOGNISED
    if account is None:
        return (True, None) if user is not None or payload.get("anonymous_id") else _UNRECOGNISED
    if not isinstance(account, str) or not account or account != subject:
        return _UNRECOGNISED
    usage = Usage(name, at, received, user, properties or None)
    return True, AccountFacts(ws, account, (usage,), received)
