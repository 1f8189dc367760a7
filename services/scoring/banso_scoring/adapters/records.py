"""Kafka records to scoring facts, with a fast path for the high-volume usage topic.

Usage records are read straight from their JSON into a typed struct with msgspec (the pydantic
model costs more than all the scoring work per event, and a general JSON parser builds every
nested object only to throw most away); anything the fast path does not recognise is decoded
through the contracts codec, which either succeeds or says precisely why the record is poison.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Annotated, Any

import msgspec
from aiokafka.structs import ConsumerRecord

from banso_contracts.codec import decode
from banso_contracts.envelope import Envelope
from banso_contracts.errors import ContractError
from banso_contracts.events import UsageRecorded
from banso_scoring.adapters.translate import AccountFacts, account_facts
from banso_scoring.domain.facts import Usage

USAGE_TYPE = UsageRecorded.EVENT_TYPE.encode()
# Records that change nothing are merged first: they cannot move stream time.
NO_TIME = -math.inf

# As the Kafka client hands them over (a list from aiokafka); never changed.
Headers = Sequence[tuple[str, bytes]]
_READ_HEADERS = ("ce_type", "ce_id", "ce_workspace", "ce_subject")
_NAME = itemgetter(0)


class Record(msgspec.Struct, gc=False):
    """A decoded record: a usage event (``usage``, the hot path), other facts (``facts``),
    nothing for scoring (both None), or poison (``error``, kept without its traceback).

    A struct the garbage collector does not track: a round buffers tens of thousands, and every
    collection would walk them all again. Nothing it holds can refer back to it. Only poison
    keeps its key, value and headers (the dead letter carries them): a buffered record of a
    well-formed event holds what scoring reads and lets the raw bytes go (a kilobyte each)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    event_id: str | None
    stream_time: float = NO_TIME
    account: tuple[str, str] | None = None
    usage: Usage | None = None
    facts: AccountFacts | None = None
    error: Exception | None = None


NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
# An instant without a zone is never guessed: the codec names it as poison.
Instant = Annotated[datetime, msgspec.Meta(tz=True)]


class _UsagePayload(msgspec.Struct, gc=False):
    """The fields of a UsageRecorded payload that health reads; the rest is skipped unread."""

    workspace_id: NonEmpty
    event: NonEmpty
    timestamp: Instant
    received_at: Instant
    account_id: str | None = None
    user_id: str | None = None
    anonymous_id: str | None = None
    properties: dict[str, Any] | None = None


class RecordDecoder:
    """Decodes Kafka records for the scoring consumer (one per consumer: it holds the parser)."""

    def __init__(self) -> None:
        self._usage = msgspec.json.Decoder(_UsagePayload)
        # The header names of the last record whose headers the codec accepted (every envelope
        # header present, none repeated) and where the four read here sit among them: a
        # producer writes them in the same order every time, and comparing the names costs a
        # third of building a dict of the headers. Headers of another shape are checked by the
        # codec's rules first, so the fast path never takes what the codec would refuse.
        self._layout: tuple[tuple[str, ...], int, int, int, int] | None = None

    def _read_headers(self, headers: Headers) -> tuple[bool, tuple[bytes | None, ...]]:
        """Whether the headers form a valid envelope, and ce_type, ce_id, ce_workspace and
        ce_subject (None when absent)."""
        layout = self._layout
        if layout is not None:
            names, t, i, w, s = layout
            if tuple(map(_NAME, headers)) == names:
                return True, (headers[t][1], headers[i][1], headers[w][1], headers[s][1])
        positions = {name: index for index, (name, _) in enumerate(headers)}
        found = [positions.get(name) for name in _READ_HEADERS]
        values = tuple(None if index is None else headers[index][1] for index in found)
        if not _valid_envelope(headers):
            return False, values
        at_type, at_id, at_workspace, at_subject = found
        if (
            at_type is not None
            and at_id is not None
            and at_workspace is not None
            and at_subject is not None
        ):
            names = tuple(map(_NAME, headers))
            self._layout = (names, at_type, at_id, at_workspace, at_subject)
        return True, values

    def decode_many(
        self, messages: Iterable[ConsumerRecord[bytes, bytes]], start: int
    ) -> tuple[list[Record], int]:
        """Records at or after offset ``start`` (a fetch in flight across a seek can deliver
        some twice), decoded, with the offset after the last."""
        decoded = []
        one = self.decode
        for m in messages:
            offset = m.offset
            if offset >= start:
                decoded.append(one(m.topic, m.partition, offset, m.key, m.value, m.headers))
                start = offset + 1
        return decoded, start

    def decode(
        self,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None,
    ) -> Record:
        frozen: Headers = headers or ()
        valid, (event_type, raw_id, workspace, subject) = self._read_headers(frozen)
        event_id = None if raw_id is None else raw_id.decode("utf-8", "replace")
        if valid and event_type == USAGE_TYPE and value is not None:
            record = self._usage_fast(topic, partition, offset, value, event_id, workspace, subject)
            if record is not None:
                return record
        record = Record(topic, partition, offset, key, value, frozen, event_id)
        try:
            _, event = decode(frozen, value)
        except ContractError as error:
            record.error = _detached(error)
            return record
        record.key, record.value, record.headers = None, None, ()
        facts = account_facts(event)
        if facts is not None:
            record.facts = facts
            record.account = (facts.workspace_id, facts.account_id)
            record.stream_time = facts.received_at
        return record

    def _usage_fast(
        self,
        topic: str,
        partition: int,
        offset: int,
        value: bytes,
        event_id: str | None,
        raw_workspace: bytes | None,
        raw_subject: bytes | None,
    ) -> Record | None:
        """A well-formed usage record (no account: no facts), or None when the codec must
        look at it."""
        try:
            payload = self._usage.decode(value)
        except msgspec.DecodeError:
            return None
        workspace = payload.workspace_id
        if raw_workspace is None or raw_workspace.decode("utf-8", "replace") != workspace:
            return None
        account = payload.account_id
        if account is None:
            if payload.user_id is None and not payload.anonymous_id:
                return None
            return Record(topic, partition, offset, None, None, (), event_id)
        if not account or raw_subject is None or raw_subject.decode("utf-8", "replace") != account:
            return None
        received = payload.received_at.timestamp()
        usage = Usage(
            payload.event,
            payload.timestamp.timestamp(),
            received,
            payload.user_id,
            payload.properties or None,
        )
        return Record(
            topic,
            partition,
            offset,
            None,
            None,
            (),
            event_id,
            received,
            (workspace, account),
            usage,
        )


def _valid_envelope(headers: Headers) -> bool:
    try:
        Envelope.from_headers(headers)
    except ContractError:
        return False
    return True


def _detached(error: ContractError) -> ContractError:
    """The error without its traceback or chained causes: their frames lead back to the record
    that keeps the error, a cycle the garbage collector would never see (records are not
    tracked). Dead letters keep the error's type and message, which name what is wrong."""
    error.__traceback__ = None
    error.__cause__ = None
    error.__context__ = None
    return error
