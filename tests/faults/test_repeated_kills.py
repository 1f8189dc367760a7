"""Effectively once under repeated faults, counted exactly: a few seeded rounds of live traffic,
each with services SIGKILLed (or the broker restarted) at random moments. Every event ingest
acknowledged is applied by scoring exactly once, account by account; no nudge goes out twice;
every acknowledged feedback item lands in exactly one theme; and scoring's aggregates equal a clean
replay's byte for byte. `bench/soak.py` runs the same rounds for as long as asked."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.faults.broker import private_broker
from tests.faults.rounds import RoundPlan, compare_with_replay, play_round, services

pytestmark = [pytest.mark.slow, pytest.mark.kafka, pytest.mark.timeout(1500)]

SEEDS = (101, 102, 103)
EVENTS = 4_000


async def test_repeated_kills_lose_nothing_and_apply_nothing_twice(tmp_path: Path) -> None:
    with private_broker(tmp_path / "kafka") as broker:
        prefix = f"kills.{uuid.uuid4().hex[:8]}."
        async with services(
            tmp_path / "services", broker.bootstrap, prefix, restart_broker=broker.restart
        ) as run:
            results = []
            for seed in SEEDS:
                plan = RoundPlan.drawn(seed, events=EVENTS, faults=3, broker=True)
                result = await play_round(run, plan)
                print(result.line())
                results.append(result)
            assert all(len(r.faults) == 3 for r in results)
            # Each round is hit while its events are still being sent (whether the sender had to
            # retry depends on how fast the broker and services come back: not asserted).
            assert all(any(at < EVENTS for _, at in r.faults) for r in results), [
                r.faults for r in results
            ]
            assert sum(r.nudges_sent for r in results), "the rounds sent nudges"
            assert [r.line() for r in results if not r.clean] == []
            assert await compare_with_replay(run) == []
