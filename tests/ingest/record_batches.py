"""aiokafka's own record batches, the reference the compiled pass's batches must equal byte for byte.

`reference_batches` appends records one by one to aiokafka's `BatchBuilder` (what `producer.
create_batch()` returns), each with its timestamp, starting a new builder whenever one is full, and
returns each batch's bytes as the producer would send them (producer id, epoch, base sequence set
as the idempotent producer sets them). `compiled_batches` does the same with the pass's
`RecordBatch` taking `Section`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

# (key, value, headers, timestamp in ms)
TimedRecord = tuple[bytes | None, bytes | None, Sequence[tuple[str, bytes | None]], int]
PRODUCER_STATE = (4711, 3, 1_000)  # producer id, epoch, base sequence of the first batch


def reference_batches(records: Sequence[TimedRecord], *, batch_size: int) -> list[bytes]:
    batches: list[bytes] = []
    builder: BatchBuilder | None = None
    for key, value, headers, timestamp in records:
        if builder is None:
            builder = BatchBuilder(batch_size, 0)
        if builder.append(timestamp=timestamp, key=key, value=value, headers=headers) is None:
            batches.append(_built(builder, len(batches)))
            builder = BatchBuilder(batch_size, 0)
            assert builder.append(timestamp=timestamp, key=key, value=value, headers=headers)
    if builder is not None:
        batches.append(_built(builder, len(batches)))
    return batches


def compiled_batches(core: Any, sections: Sequence[Any], *, batch_size: int) -> list[bytes]:
    batches: list[bytes] = []
    batch = None
    for section in sections:
        start = 0
        while start < len(section):
            if batch is None:
                batch = core.RecordBatch(batch_size)
            start = batch.extend(section, start)
            if start < len(section):
                assert batch.closed()
                batches.append(_built(batch, len(batches)))
                batch = None
    if batch is not None:
        batches.append(_built(batch, len(batches)))
    return batches


def _built(builder: Any, index: int) -> bytes:
    producer_id, epoch, sequence = PRODUCER_STATE
    builder.close()
    builder._set_producer_state(producer_id, epoch, sequence + 1_000 * index)
    return bytes(builder._build())


def aiokafka_partition(key: bytes, count: int) -> int:
    partition: int = DefaultPartitioner()(key, list(range(count)), list(range(count)))
    return partition
