"""Coalescing records of concurrent requests into one produce batch per partition.

aiokafka's `send()` creates and later resolves one future per record, which at tens of thousands
of records a second costs more CPU than everything else ingest does. Its batch API
(`create_batch()` / `send_batch()`) has one future per batch but, used per request, sends many
small batches, and an idempotent producer has a single produce request in flight per broker.

So every partition has an open batch that all requests append to (in arrival order, which keeps
each key's order); while the partition's previous batch is on its way, the open one fills up, and
when that batch is acknowledged the open one is sent. Each request waits only for the futures of
the few batches its records went into. Nothing waits for a timer: an idle partition sends at once,
a busy one batches by itself.

The compiled pass hands over a request's records of one partition already encoded (a `Section`,
see `services/ingest_core/src/kafka.rs`); they go into an open batch of its own kind (its
`RecordBatch`, which aiokafka sends as it sends its own builders), taken whole in one call, and a
section that fills a batch goes on in the next. Records appended one by one (the pure path) go
into aiokafka's builder: when a partition's open batch is of the other kind, it is sealed first,
so the order of the partition's records is kept.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer


@dataclass
class _OpenBatch:
    builder: Any
    delivered: asyncio.Future[None]
    records: int = 0
    sections: bool = False  # a `RecordBatch` of the compiled pass, not aiokafka's builder


@dataclass
class _Partition:
    topic: str
    partition: int
    ready: deque[_OpenBatch] = field(default_factory=deque)
    open: _OpenBatch | None = None
    sending: bool = False


class PartitionBatcher:
    def __init__(
        self, client: AIOKafkaProducer, *, section_batch: Callable[[], Any] | None = None
    ) -> None:
        self._client = client
        self._section_batch = section_batch
        self._partitions: dict[tuple[str, int], _Partition] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def add(
        self,
        topic: str,
        partition: int,
        key: bytes,
        value: bytes,
        headers: list[tuple[str, bytes]],
    ) -> asyncio.Future[None]:
        """Append a record; returns the future of the batch it is in (set once acknowledged)."""
        state = self._state(topic, partition)
        batch = state.open
        if batch is None or batch.sections:
            if batch is not None:
                state.ready.append(batch)
            batch = state.open = self._new_batch()
        if batch.builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
            # Full: it goes out next, and a fresh batch takes this record.
            state.ready.append(batch)
            batch = state.open = self._new_batch()
            if batch.builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
                raise ValueError("a record larger than the producer's max batch size")
        batch.records += 1
        self._start_sending(state)
        return batch.delivered

    @property
    def takes_sections(self) -> bool:
        return self._section_batch is not None

    def add_section(self, topic: str, partition: int, section: Any) -> list[asyncio.Future[None]]:
        """Append a section of the compiled pass; returns the futures of the batches it is in."""
        make = self._section_batch
        if make is None:
            raise RuntimeError("this batcher was not given the compiled pass's batches")
        state = self._state(topic, partition)
        futures = []
        start, end = 0, len(section)
        while start < end:
            batch = state.open
            if batch is None or not batch.sections:
                if batch is not None:
                    state.ready.append(batch)
                batch = state.open = self._new_batch(make())
            taken: int = batch.builder.extend(section, start)
            if taken > start:
                batch.records += taken - start
                futures.append(batch.delivered)
            if taken < end:
                # Full: it goes out next, and a fresh batch takes the rest (a first record always
                # goes in, however large, as in aiokafka).
                state.ready.append(batch)
                state.open = None
            start = taken
        self._start_sending(state)
        return futures

    def _state(self, topic: str, partition: int) -> _Partition:
        state = self._partitions.get((topic, partition))
        if state is None:
            state = self._partitions[(topic, partition)] = _Partition(topic, partition)
        return state

    def _start_sending(self, state: _Partition) -> None:
        if not state.sending:
            state.sending = True
            name = f"produce-{state.topic}-{state.partition}"
            task = asyncio.create_task(self._send(state), name=name)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _new_batch(self, builder: Any = None) -> _OpenBatch:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if builder is None:
            return _OpenBatch(self._client.create_batch(), future)
        return _OpenBatch(builder, future, sections=True)

    async def _send(self, state: _Partition) -> None:
        """Send the partition's batches one after another until none is left."""
        try:
            while True:
                # Let the other requests of this loop iteration append before sealing the batch.
                await asyncio.sleep(0)
                if state.ready:
                    batch = state.ready.popleft()
                elif state.open is not None and state.open.records:
                    batch, state.open = state.open, None
                else:
                    return
                await self._deliver(state, batch)
        finally:
            # Nothing awaits between finding no batch and here, so no record can be left behind.
            state.sending = False

    async def _deliver(self, state: _Partition, batch: _OpenBatch) -> None:
        batch.builder.close()  # sealed: aiokafka sends it without lingering
        try:
            acknowledged = await self._client.send_batch(
                batch.builder, state.topic, partition=state.partition
            )
            await acknowledged
        except asyncio.CancelledError:
            _fail(batch, ConnectionError("ingest is shutting down"))
            raise
        except Exception as error:  # noqa: BLE001 - handed to every request waiting on it
            _fail(batch, error)
            return
        if not batch.delivered.done():
            batch.delivered.set_result(None)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for state in self._partitions.values():
            for batch in [*state.ready, *([state.open] if state.open else [])]:
                _fail(batch, ConnectionError("ingest is shutting down"))


def _fail(batch: _OpenBatch, error: BaseException) -> None:
    if not batch.delivered.done():
        batch.delivered.set_exception(error)
        # Requests that gave up (deadline) no longer await it; don't warn about that.
        batch.delivered.exception()
