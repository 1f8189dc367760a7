"""Cutting the message stream into `/v1/batch` requests that respect ingest's limits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson

from banso_sim.stream.messages import SimMessage

MAX_BATCH_EVENTS = 2_500
MAX_REQUEST_BYTES = 500 * 1024
# Room for the envelope around the events (`{"sentAt": "...", "batch": [...]}`).
_ENVELOPE_BYTES = 128


@dataclass(frozen=True, slots=True)
class Batch:
    """Messages to send in one request, each already encoded as JSON."""

    number: int
    messages: tuple[SimMessage, ...]
    encoded: tuple[bytes, ...]

    @property
    def size(self) -> int:
        return sum(len(item) for item in self.encoded) + len(self.encoded) + _ENVELOPE_BYTES

    def body(self, sent_at: str) -> bytes:
        """The request body, with `sentAt` (the sender's clock at this attempt)."""
        head = b'{"sentAt":"' + sent_at.encode() + b'","batch":['
        return head + b",".join(self.encoded) + b"]}"


def batches(
    messages: Iterable[SimMessage],
    *,
    max_events: int = 500,
    max_bytes: int = 450 * 1024,
) -> Iterator[Batch]:
    """Consecutive messages grouped into batches of at most `max_events` and `max_bytes`."""
    if not 1 <= max_events <= MAX_BATCH_EVENTS:
        raise ValueError(f"max_events must be 1..{MAX_BATCH_EVENTS}")
    if not 1024 <= max_bytes <= MAX_REQUEST_BYTES:
        raise ValueError(f"max_bytes must be 1024..{MAX_REQUEST_BYTES}")
    number = 0
    current: list[SimMessage] = []
    encoded: list[bytes] = []
    size = _ENVELOPE_BYTES
    for message in messages:
        item = orjson.dumps(message.payload)
        if current and (len(current) >= max_events or size + len(item) + 1 > max_bytes):
            yield Batch(number, tuple(current), tuple(encoded))
            number += 1
            current, encoded, size = [], [], _ENVELOPE_BYTES
        current.append(message)
        encoded.append(item)
        size += len(item) + 1
    if current:
        yield Batch(number, tuple(current), tuple(encoded))
