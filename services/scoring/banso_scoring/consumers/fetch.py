"""The fetch side of the scoring consumer: fetching, buffering into each partition's merge
buffers, flow control between co-partitions, and whether each partition is caught up.

Decoding skips what a partition already buffered (``fetch_offsets``): a fetch that was in flight
when the partition was (re)taken and sought back can deliver records that the fetch after the
seek delivers again.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import IllegalStateError

from banso_scoring.adapters.records import RecordDecoder
from banso_scoring.config import ScoringSettings
from banso_scoring.service.rounds import CaughtUp, Rounds


class Fetcher:
    def __init__(self, settings: ScoringSettings, rounds: Rounds) -> None:
        self.settings = settings
        self.rounds = rounds
        self.decoder = RecordDecoder()
        # Partitions whose stored offset lies beyond the log's end: paused, never sought back.
        self.held: set[TopicPartition] = set()

    async def fetch(self, consumer: AIOKafkaConsumer) -> int:
        """Fetch until a round is full, a second has passed, or nothing more is waiting: when
        catching up, rounds are large (one write per account and round); when live, a round
        is whatever arrived, committed at once."""
        deadline = time.monotonic() + 1.0
        total = 0
        timeout_ms = 100
        while total < self.settings.max_round_records and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=10_000)
            total += self._buffer(batches)
            if not await self._behind(consumer):
                break
            timeout_ms = 50
        self._flow_control(consumer)
        return total

    async def while_writing(self, consumer: AIOKafkaConsumer, writing: asyncio.Task[None]) -> None:
        """Take what arrives while the previous round is written, every ``drain_s``.

        aiokafka fetches a partition again only once what it fetched is taken: left in its
        buffer until the write is committed, records that arrived meanwhile would wait for the
        round after next. Taken as they come, the next round applies them as soon as the write
        is committed. A round already full waits."""
        drain_s = self.settings.drain_ms / 1000
        while not writing.done():
            await asyncio.wait([writing], timeout=drain_s)
            if writing.done() or self._buffered() >= self.settings.max_round_records:
                break
            batches = await consumer.getmany(timeout_ms=0, max_records=10_000)
            if batches:
                self._buffer(batches)
                self._flow_control(consumer)

    def _buffered(self) -> int:
        return sum(
            len(buffer)
            for group in self.rounds.groups.values()
            for buffer in group.buffers.values()
        )

    async def _behind(self, consumer: AIOKafkaConsumer) -> bool:
        """Catching up: a backlog worth a bigger round. Live traffic (a few records behind at
        any moment) is committed at once instead."""
        paused = consumer.paused()
        backlog = 0
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if tp in paused or highwater is None:
                continue
            try:
                backlog += max(0, highwater - await consumer.position(tp))
            except IllegalStateError:
                continue  # revoked meanwhile
        return backlog > self.settings.catch_up_backlog

    def _buffer(self, batches: dict[TopicPartition, list[Any]]) -> int:
        total = 0
        decode_many = self.decoder.decode_many
        groups = self.rounds.groups
        accounts, arriving = self.rounds.accounts, self.rounds.arriving
        for tp, messages in batches.items():
            group = groups.get(tp.partition)
            if group is None:
                continue
            decoded, group.fetch_offsets[tp.topic] = decode_many(
                messages, group.fetch_offsets[tp.topic]
            )
            group.buffers[tp.topic].extend(decoded)
            total += len(decoded)
            for record in decoded:
                if record.account is not None and record.account not in accounts:
                    arriving.setdefault(record.account, record)
        return total

    def _flow_control(self, consumer: AIOKafkaConsumer) -> None:
        """Pause partitions far ahead of their co-partitions; resume them once drained."""
        limit = self.settings.max_buffered_records
        paused = consumer.paused()
        for group in self.rounds.groups.values():
            for topic, buffer in group.buffers.items():
                tp = TopicPartition(topic, group.partition)
                if tp in self.held:
                    continue
                if len(buffer) > limit and tp not in paused:
                    consumer.pause(tp)
                elif len(buffer) <= limit // 2 and tp in paused:
                    consumer.resume(tp)

    async def caught_up(self, consumer: AIOKafkaConsumer) -> CaughtUp:
        caught: CaughtUp = {}
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            try:
                position = await consumer.position(tp)
            except IllegalStateError:
                continue  # revoked meanwhile: its records wait (its group goes after this round)
            caught[(tp.topic, tp.partition)] = highwater is not None and position >= highwater
        return caught
