"""One batch of records: decoding, applying with poison isolation, dead letters, and counting.

A message that cannot be decoded, or whose handling fails for a reason that is not temporary, is
written to the dead-letter topic through the outbox in the batch's transaction, and the partition
moves on. Temporary failures (`Retryable`, database connection errors) are raised: the caller rolls
the batch back and retries it after a backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from aiokafka import TopicPartition
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import decode
from banso_contracts.envelope import Envelope
from banso_contracts.errors import ContractError
from banso_contracts.events import Event
from banso_kit.errors import Retryable
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.metrics import ConsumerMetrics

logger = logging.getLogger(__name__)

TEMPORARY_ERRORS: tuple[type[BaseException], ...] = (
    Retryable,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)


@dataclass(frozen=True)
class Inbound:
    """A decoded message with its origin."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    envelope: Envelope
    event: Event
    #: the latest event time its partition had seen once it arrived (its arrival in stream
    #: time: its own time unless it came late); set by the consumer
    stream_arrival: datetime | None = None


Handler = Callable[[AsyncSession, Sequence[Inbound]], Awaitable[None]]


@dataclass
class Raw:
    """A message as fetched."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


def decode_all(raw: list[Raw]) -> tuple[list[Inbound], list[tuple[Raw, BaseException]]]:
    """The messages that decode, and the ones that do not with why."""
    decoded: list[Inbound] = []
    poison: list[tuple[Raw, BaseException]] = []
    for message in raw:
        try:
            envelope, event = decode(message.headers, message.value or b"")
        except ContractError as exc:
            poison.append((message, exc))
            continue
        decoded.append(
            Inbound(
                message.topic,
                message.partition,
                message.offset,
                message.key,
                message.headers,
                envelope,
                event,
            )
        )
    return decoded, poison


async def handle_isolating(
    handler: Handler, session: AsyncSession, messages: list[Inbound]
) -> list[tuple[Inbound, BaseException]]:
    """Apply the whole batch; if it fails, apply message by message to isolate the poison."""
    if not messages:
        return []
    try:
        async with session.begin_nested():
            await handler(session, messages)
        return []
    except TEMPORARY_ERRORS:
        raise
    except Exception as batch_error:  # noqa: BLE001 - any failure is isolated below
        logger.info("consumer_batch_isolating", extra={"error": repr(batch_error)})
    failed: list[tuple[Inbound, BaseException]] = []
    for message in messages:
        try:
            async with session.begin_nested():
                await handler(session, [message])
        except TEMPORARY_ERRORS:
            raise
        except Exception as exc:  # noqa: BLE001 - poison goes to the dead-letter topic
            logger.warning(
                "message_dead_lettered",
                extra={
                    "topic": message.topic,
                    "partition": message.partition,
                    "offset": message.offset,
                    "error": repr(exc),
                },
            )
            failed.append((message, exc))
    return failed


async def write_dead_letters(
    session: AsyncSession,
    dead_letters: DeadLetterWriter,
    raw: list[Raw],
    poison: list[tuple[Raw, BaseException]],
    failed: list[tuple[Inbound, BaseException]],
) -> None:
    for message, error in poison:
        await dead_letters.write(
            session,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            headers=message.headers,
            value=message.value or b"",
            error=error,
        )
    for inbound, failure in failed:
        await dead_letters.write(
            session,
            topic=inbound.topic,
            partition=inbound.partition,
            offset=inbound.offset,
            key=inbound.key,
            headers=inbound.headers,
            value=_value_of(raw, inbound),
            error=failure,
        )


def count(
    metrics: ConsumerMetrics,
    labels: dict[str, str],
    raw: list[Raw],
    poison: list[tuple[Raw, BaseException]],
    failed: list[tuple[Inbound, BaseException]],
    repeats: int,
) -> None:
    per_topic: dict[str, int] = {}
    for message in raw:
        per_topic[message.topic] = per_topic.get(message.topic, 0) + 1
    bad: dict[str, int] = {}
    for message, _ in poison:
        bad[message.topic] = bad.get(message.topic, 0) + 1
    for inbound, _ in failed:
        bad[inbound.topic] = bad.get(inbound.topic, 0) + 1
    for topic, total in per_topic.items():
        label = labels.get(topic, topic)
        dead = bad.get(topic, 0)
        metrics.processed.labels(topic=label, result="applied").inc(total - dead)
        if dead:
            metrics.processed.labels(topic=label, result="dead_lettered").inc(dead)
            metrics.dead_lettered.labels(topic=label).inc(dead)
    if repeats:
        metrics.duplicates.inc(repeats)


def next_positions(raw: list[Raw]) -> dict[TopicPartition, int]:
    """The offset after the last message of each partition."""
    highest: dict[TopicPartition, int] = {}
    for message in raw:
        tp = TopicPartition(message.topic, message.partition)
        highest[tp] = max(highest.get(tp, -1), message.offset)
    return {tp: last + 1 for tp, last in highest.items()}


def _value_of(raw: list[Raw], inbound: Inbound) -> bytes:
    for message in raw:
        if (message.topic, message.partition, message.offset) == (
            inbound.topic,
            inbound.partition,
            inbound.offset,
        ):
            return message.value or b""
    return b""
