"""The compiled pass's Kafka record batches against aiokafka's own builder, byte for byte.

The producer sends what `RecordBatch._build` returns instead of what aiokafka's `BatchBuilder`
would have built from the same records; the broker (and every consumer) must see exactly the same
bytes: the records, the batch header, the idempotent producer's state, the CRC-32C, and where a
full batch ends. And each record must go to the partition aiokafka's default partitioner picks.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.compiled_core import require_compiled_core
from tests.ingest.record_batches import (
    TimedRecord,
    aiokafka_partition,
    compiled_batches,
    reference_batches,
)


def _core() -> ModuleType:
    try:
        core = importlib.import_module("banso_ingest_core")
    except ImportError:
        require_compiled_core(False)
        raise
    return core


_maybe_bytes = st.one_of(st.none(), st.binary(max_size=40), st.text(max_size=20).map(str.encode))
_headers = st.lists(st.tuples(st.text(max_size=12), _maybe_bytes), max_size=6)
_record = st.tuples(
    _maybe_bytes,
    st.one_of(_maybe_bytes, st.binary(min_size=200, max_size=3_000)),
    _headers,
)
# One request's records for one partition and the time it was encoded at (earlier, equal or
# later than the batch's first record: timestamp deltas may be negative).
_section = st.tuples(
    st.lists(_record, min_size=1, max_size=40),
    st.integers(min_value=1_700_000_000_000, max_value=1_700_000_000_000 + 70_000),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    sections=st.lists(_section, min_size=1, max_size=8),
    batch_size=st.sampled_from([1, 200, 1_000, 16_384, 262_144]),
)
def test_batches_equal_aiokafkas_for_the_same_records(
    sections: list[
        tuple[list[tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]]]], int]
    ],
    batch_size: int,
) -> None:
    core = _core()
    timed: list[TimedRecord] = [
        (key, value, headers, at) for records, at in sections for key, value, headers in records
    ]
    ours = compiled_batches(
        core,
        [core.Section(records, timestamp_ms=at) for records, at in sections],
        batch_size=batch_size,
    )
    assert ours == reference_batches(timed, batch_size=batch_size)


def test_a_large_batch_splits_where_aiokafkas_does() -> None:
    core = _core()
    records = [
        (f"acct-{i % 17}".encode(), ("é" * (i % 300) + "x" * 290).encode(), [("ce_id", b"1")])
        for i in range(5_000)
    ]
    sections = [
        core.Section(records[i : i + 100], timestamp_ms=1_733_000_000_000 + i)
        for i in range(0, len(records), 100)
    ]
    timed = [(*record, 1_733_000_000_000 + i // 100 * 100) for i, record in enumerate(records)]
    ours = compiled_batches(core, sections, batch_size=262_144)
    assert len(ours) > 5
    assert ours == reference_batches(timed, batch_size=262_144)


def test_a_built_batch_is_sent_again_unchanged_and_takes_no_more_records() -> None:
    core = _core()
    batch = core.RecordBatch(16_384)
    section = core.Section([(b"k", b"v", [])], timestamp_ms=5)
    assert batch.extend(section) == 1
    batch._set_producer_state(7, 1, 42)
    first = batch._build()
    assert batch._build() is first
    assert batch.size() == len(first)
    assert batch.record_count() == 1
    assert batch.closed()
    assert batch.extend(section) == 0
    assert batch.append(timestamp=None, key=b"k", value=b"v", headers=[]) is None


@given(key=st.binary(max_size=64), count=st.integers(min_value=1, max_value=200))
def test_partitions_equal_aiokafkas_default_partitioner(key: bytes, count: int) -> None:
    assert _core().partition_of(key, count) == aiokafka_partition(key, count)
