"""The compiled reader, when the `banso-ingest-core` extension is installed (see the README)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from banso_ingest.domain.compiled import CompiledBatch, CompiledReader
from banso_ingest.domain.limits import IngestLimits

_EPOCH_US = 1_000_000


class ExtensionReader:
    """`CompiledReader` over the extension's `parse`."""

    def __init__(
        self, core: Any, *, limits: IngestLimits, feedback_events: Collection[str]
    ) -> None:
        self._parse = core.parse
        self._limits = limits
        self._feedback_events = set(feedback_events)

    def read(self, body: bytes, *, received_at: datetime) -> CompiledBatch | None:
        limits = self._limits
        # Aware datetimes: exact integer microseconds (a float timestamp would round).
        delta = received_at - _EPOCH
        batch: CompiledBatch | None = self._parse(
            body,
            body_bytes=len(body),
            received_at_us=(delta.days * 86_400 + delta.seconds) * _EPOCH_US + delta.microseconds,
            max_event_bytes=limits.max_event_bytes,
            max_batch_events=limits.max_batch_events,
            max_id_chars=limits.max_id_chars,
            max_name_chars=limits.max_name_chars,
            feedback_events=self._feedback_events,
        )
        return batch


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def compiled_reader(
    *, limits: IngestLimits, feedback_events: Collection[str]
) -> CompiledReader | None:
    """The reader, or None when the extension is not installed."""
    try:
        core = importlib.import_module("banso_ingest_core")
    except ImportError:
        return None
    return ExtensionReader(core, limits=limits, feedback_events=feedback_events)


def record_batches(max_batch_size: int) -> Callable[[], Any] | None:
    """A maker of the extension's Kafka record batches (`RecordBatch`, aiokafka's builder duck
    type) of at most `max_batch_size` bytes, or None when the extension is not installed."""
    try:
        core = importlib.import_module("banso_ingest_core")
    except ImportError:
        return None
    record_batch = core.RecordBatch
    return lambda: record_batch(max_batch_size)
