"""A slot's end over many accounts lets the rest of the process run: the consumer's heartbeat
is a task on the same event loop, and a consumer that misses it is dropped from the group and
reloads every account. Evaluating in steps changes nothing in what is computed."""

from __future__ import annotations

import asyncio
from typing import Any

from banso_contracts.topics import USAGE
from banso_kit.clock import FixedClock
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer
from banso_scoring.service.writes import RoundWrites

from .support import at, usage
from .test_fencing import PARTITION, WS, records, replica, take_partition

ACCOUNTS = 300


def slot_end_batch(consumer: ScoringConsumer) -> list[Any]:
    """Every account active in one slot, then one event in a later slot: its end is due."""
    events = [
        usage(WS, f"acct{n:03}", "u1", "Report viewed", at(0), at(0)) for n in range(ACCOUNTS)
    ]
    events.append(usage(WS, "acct000", "u1", "Report viewed", at(0, 13), at(0, 13)))
    return records(consumer, events, 0)


async def test_a_slot_end_over_many_accounts_lets_other_tasks_run_and_computes_the_same(
    settings: ScoringSettings,
) -> None:
    clock = FixedClock(at(0, 13))
    async with replica(settings) as stepped, replica(settings) as inline:
        await take_partition(stepped)
        await take_partition(inline)
        stepped.rounds.clock = clock
        usage_topic = stepped.runtime.topic(USAGE)

        evaluated = 0
        evaluate = stepped.engine.evaluate

        def counting(*args: Any, **kwargs: Any) -> None:
            nonlocal evaluated
            evaluated += 1
            evaluate(*args, **kwargs)

        stepped.engine.evaluate = counting  # type: ignore[method-assign]
        seen_during: list[int] = []
        finished = asyncio.Event()

        async def beside() -> None:
            # What a heartbeat does: wake up now and then on the same loop.
            while not finished.is_set():
                seen_during.append(evaluated)
                await asyncio.sleep(0)

        async def caught_up() -> dict[tuple[str, int], bool]:
            return {(topic, PARTITION): True for topic in stepped.topics}

        stepped.groups[PARTITION].buffers[usage_topic].extend(slot_end_batch(stepped))
        other = asyncio.create_task(beside())
        writes = await stepped.rounds.round(caught_up)
        finished.set()
        await other
        assert writes is not None
        assert evaluated >= ACCOUNTS
        assert any(0 < count < ACCOUNTS for count in seen_during), (
            "nothing else ran while the slot's end evaluated its accounts"
        )

        # The same records merged in one go, evaluations inline, then advanced to the same
        # moment as the round did: the same history, the same events.
        group = inline.groups[PARTITION]
        group.buffers[usage_topic].extend(slot_end_batch(inline))
        expected = RoundWrites()
        inline.engine.merge(group, lambda _topic: True, expected, 10_000)
        inline.engine.advance(group, at(0, 13).timestamp(), expected)
        assert writes.applied == expected.applied
        assert writes.evaluations == expected.evaluations
        assert writes.history == expected.history
        assert writes.events == expected.events
