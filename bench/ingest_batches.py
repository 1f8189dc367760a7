"""From a `/v1/batch` body to Kafka record-batch bytes through the compiled pass, two ways, same run.

    .venv/bin/python bench/ingest_batches.py [--rounds 9]

The benchmark's bodies (`ingest_load.BatchFactory`: 100 track events of ~300 bytes), each read and
encoded by the compiled pass, then:

- records: what ingest did before — the publisher's loop over the records (physical topic, the
  key's partition from its per-key cache, murmur2 when a key is new) and `PartitionBatcher.add`
  into aiokafka's builders, one record at a time;
- sections: the pass computes each record's partition and writes the records in Kafka's format
  (`encode(partitions=...)`), and `PartitionBatcher.add_section` hands each partition's section to
  the pass's `RecordBatch`.

After each body every open batch is built (producer state set, header and CRC-32C written) as the
sender would, so both ways pay for the bytes the broker gets. Batches built from the sections are
first checked byte for byte against aiokafka's builder fed the same records with the same
timestamp. Prints CPU µs per event (best and median of interleaved rounds); no I/O.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiokafka.partitioner import murmur2
from aiokafka.producer.message_accumulator import BatchBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest_core import TOPIC_OF, encode_compiled, read_compiled
from ingest_load import BatchFactory

from banso_ingest.adapters.batching import PartitionBatcher
from banso_ingest.adapters.compiled_core import compiled_reader, record_batches
from banso_ingest.domain.compiled import CompiledReader
from banso_ingest.domain.limits import IngestLimits
from tests.ingest.record_batches import aiokafka_partition, compiled_batches, reference_batches

BATCH_SIZE = 262_144  # the kit producer's max_batch_size
PARTITIONS = tuple(topic.partitions for topic in TOPIC_OF)
PHYSICAL = tuple(topic.physical_name("") for topic in TOPIC_OF)


class _Client:
    """What `PartitionBatcher` asks of aiokafka's producer here: new builders."""

    def create_batch(self) -> BatchBuilder:
        return BatchBuilder(BATCH_SIZE, 0)


def _flush(batcher: PartitionBatcher) -> list[bytes]:
    """Build every batch of `batcher` as aiokafka's sender does, and start afresh."""
    built = []
    for state in batcher._partitions.values():
        for batch in [*state.ready, *([state.open] if state.open else [])]:
            batch.builder.close()
            batch.builder._set_producer_state(1, 0, 0)
            built.append(batch.builder._build())
    batcher._partitions.clear()
    return built


def by_records(reader: CompiledReader, batcher: PartitionBatcher) -> Callable[[bytes], object]:
    partition_of: dict[str, dict[bytes, int]] = {}
    physical: dict[str, str] = {}

    def run(body: bytes) -> object:
        batch, positions = read_compiled(reader, body)
        encoded, _ = encode_compiled(batch, positions, timestamp_ms=int(time.time() * 1000))
        topics: set[str] = set()
        for record in encoded:  # the publisher's loop, as it was
            logical, key, value, headers = record[0], record[1], record[2], record[3]
            name = logical.name
            topic = physical.get(name)
            if topic is None:
                topic = physical[name] = logical.physical_name("")
                topics.add(name)
            elif name not in topics:
                topics.add(name)
            partition = partition_of.get(topic, {}).get(key)
            if partition is None:
                partition = (int(murmur2(key)) & 0x7FFFFFFF) % logical.partitions
                partition_of.setdefault(topic, {})[key] = partition
            batcher.add(topic, partition, key, value, headers)
        return _flush(batcher)

    return run


def by_sections(reader: CompiledReader, batcher: PartitionBatcher) -> Callable[[bytes], object]:
    def run(body: bytes) -> object:
        batch, positions = read_compiled(reader, body)
        _, sections = encode_compiled(
            batch, positions, partitions=PARTITIONS, timestamp_ms=int(time.time() * 1000)
        )
        for route, partition, section in sections:
            batcher.add_section(PHYSICAL[route], partition, section)
        return _flush(batcher)

    return run


def check(reader: CompiledReader, bodies: list[bytes]) -> None:
    """The sections' batches are aiokafka's own for the same records and timestamp."""
    core = importlib.import_module("banso_ingest_core")
    at = int(time.time() * 1000)
    for body in bodies:
        batch, positions = read_compiled(reader, body)
        encoded, _ = encode_compiled(batch, positions, timestamp_ms=at)
        _, sections = encode_compiled(batch, positions, partitions=PARTITIONS, timestamp_ms=at)
        expected: dict[tuple[int, int], list[Any]] = {}
        for record in encoded:
            route = TOPIC_OF.index(record[0])
            chosen = aiokafka_partition(record[1], PARTITIONS[route])
            expected.setdefault((route, chosen), []).append((record[1], record[2], record[3], at))
        for route, chosen, section in sections:
            ours = compiled_batches(core, [section], batch_size=BATCH_SIZE)
            theirs = reference_batches(expected[(route, chosen)], batch_size=BATCH_SIZE)
            if ours != theirs:
                sys.exit("the compiled pass's record batches differ from aiokafka's")


def per_event_us(run: Callable[[bytes], object], bodies: list[bytes], events: int) -> float:
    started = time.process_time()
    for body in bodies:
        run(body)
    return (time.process_time() - started) / events * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--bodies", type=int, default=200)
    args = parser.parse_args()
    reader = compiled_reader(limits=IngestLimits(), feedback_events=())
    sections_batch = record_batches(BATCH_SIZE)
    if reader is None or sections_batch is None:
        sys.exit("banso-ingest-core is not installed (make setup builds it when cargo exists)")
    factory = BatchFactory("wk_bench")
    bodies = [factory.body() for _ in range(args.bodies)]
    events = 100 * len(bodies)
    check(reader, bodies)
    client: Any = _Client()
    ways = [
        ("records", by_records(reader, PartitionBatcher(client))),
        ("sections", by_sections(reader, PartitionBatcher(client, section_batch=sections_batch))),
    ]
    figures: dict[str, list[float]] = {name: [] for name, _ in ways}
    for _ in range(args.rounds):  # interleaved, so both see the same machine
        for name, run in ways:
            figures[name].append(per_event_us(run, bodies, events))
    for name, values in figures.items():
        print(
            f"{name:10s} {min(values):6.2f} µs/event best, "
            f"{statistics.median(values):6.2f} median ({args.rounds} rounds of {events} events)"
        )
    for task in asyncio.all_tasks() - {asyncio.current_task()}:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
