"""Ingest's per-event work in one process, pure path against the compiled pass, same run.

    .venv/bin/python bench/ingest_core.py [--rounds 7]

Reads the benchmark's `/v1/batch` bodies (`ingest_load.BatchFactory`: 100 track events of ~300
bytes) and takes each through what the service does between the body and the producer: the pure
path (`orjson.loads`, `parse_batch`, `classify`, `split_repeats`, `identities_to_look_up`,
`assign`, `RecordWriter`) and the compiled pass (`banso-ingest-core`: read, the same steps, the
records). Both must give the same records, byte for byte. Prints CPU µs per event (best and
median of the rounds); no I/O, so the figure is what a compiled pass can save per event at most.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_load import BatchFactory

from banso_ingest.adapters.compiled_core import compiled_reader
from banso_ingest.adapters.records import (
    ENCODED_EVENT_TYPES,
    TOPICS,
    Record,
    RecordWriter,
    shared_headers,
)
from banso_ingest.domain.compiled import ROUTES, CompiledBatch, CompiledReader, Encoded, Section
from banso_ingest.domain.limits import IngestLimits
from banso_ingest.domain.plan import (
    EVENT_ID_NAMESPACE,
    assign,
    identities_to_look_up,
    split_repeats,
)
from banso_ingest.domain.requests import parse_batch
from banso_ingest.domain.routing import classify

LIMITS = IngestLimits()
RECEIVED_AT = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
WORKSPACE, SOURCE = "ws_0123456789abcdef", "src_0123456789abcdef"
TOPIC_OF = tuple(TOPICS[route] for route in ROUTES)
HEADERS = shared_headers(workspace_id=WORKSPACE, correlation_id="c-1", origin=None)


def pure(body: bytes) -> list[Record]:
    parsed = parse_batch(
        orjson.loads(body), received_at=RECEIVED_AT, limits=LIMITS, body_bytes=len(body)
    )
    intents, _ = classify(parsed.messages, feedback_events={})
    unique, _ = split_repeats(intents)
    identities_to_look_up(unique)
    assignment = assign(unique, workspace_id=WORKSPACE, source_id=SOURCE, known_groups={})
    writer = RecordWriter(workspace_id=WORKSPACE, source_id=SOURCE, correlation_id="c-1")
    return [writer.record(outgoing) for outgoing in assignment.records]


def read_compiled(reader: CompiledReader, body: bytes) -> tuple[CompiledBatch, list[int]]:
    """The compiled pass's reading of `body` as the intake does it: the positions of the first
    occurrence of each messageId, their identities looked up."""
    batch = reader.read(body, received_at=RECEIVED_AT)
    assert batch is not None, "the compiled pass declined a benchmark body"
    seen: set[str] = set()
    positions = []
    for position, (_, message_id) in enumerate(batch.message_ids()):
        if message_id not in seen:
            seen.add(message_id)
            positions.append(position)
    batch.identities_to_look_up(positions)
    return batch, positions


def encode_compiled(
    batch: CompiledBatch,
    positions: list[int],
    *,
    partitions: tuple[int, ...] | None = None,
    timestamp_ms: int = 0,
) -> tuple[list[Encoded], list[tuple[int, int, Section]]]:
    """The records of the benchmark's source (and, given `partitions`, their record sections)."""
    encoded, _, sections = batch.encode(
        positions,
        known_groups={},
        workspace_id=WORKSPACE,
        source_id=SOURCE,
        namespace=EVENT_ID_NAMESPACE.bytes,
        shared_headers=HEADERS,
        event_types=ENCODED_EVENT_TYPES,
        topics=TOPIC_OF,
        partitions=partitions,
        timestamp_ms=timestamp_ms,
    )
    return encoded, sections


def compiled(reader: CompiledReader) -> Callable[[bytes], list[Encoded]]:
    def run(body: bytes) -> list[Encoded]:
        batch, positions = read_compiled(reader, body)
        return encode_compiled(batch, positions)[0]

    return run


def per_event_us(run: Callable[[bytes], object], bodies: list[bytes], events: int) -> list[float]:
    started = time.process_time()
    for body in bodies:
        run(body)
    return [(time.process_time() - started) / events * 1e6]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--bodies", type=int, default=200)
    args = parser.parse_args()
    reader = compiled_reader(limits=LIMITS, feedback_events=())
    if reader is None:
        sys.exit("banso-ingest-core is not installed (make setup builds it when cargo exists)")
    factory = BatchFactory("wk_bench")
    bodies = [factory.body() for _ in range(args.bodies)]
    events = 100 * len(bodies)
    run_compiled = compiled(reader)
    for body in bodies:
        if pure(body) != [Record(*record[:4]) for record in run_compiled(body)]:
            sys.exit("the compiled pass wrote different records than the pure path")
    ways: list[tuple[str, Callable[[bytes], object]]] = [
        ("pure", pure),
        ("compiled", run_compiled),
        ("orjson.loads alone", orjson.loads),
    ]
    figures: dict[str, list[float]] = {name: [] for name, _ in ways}
    for _ in range(args.rounds):  # interleaved, so both see the same machine
        for name, run in ways:
            figures[name] += per_event_us(run, bodies, events)
    for name, values in figures.items():
        print(
            f"{name:20s} {min(values):6.2f} µs/event best, "
            f"{statistics.median(values):6.2f} median ({args.rounds} rounds of {events} events)"
        )


if __name__ == "__main__":
    main()
