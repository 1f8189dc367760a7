"""The scoring consumer as its own process, so a test can SIGKILL it.

python -m tests.scoring.service.process CLOCK   (settings from SCORING_* / BANSO_* variables;
TEST_ASSIGNMENTS_FILE: append "pid [partitions]" whenever partitions are taken over)
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from typing import Any

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from banso_kit.clock import FixedClock
from banso_kit.runtime import Runtime
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.models import KIT


async def main(clock: float) -> None:
    settings = ScoringSettings()
    registry = CollectorRegistry()
    async with Runtime(settings, tables=KIT, registry=registry) as runtime:
        consumer = ScoringConsumer(
            settings, runtime, ScoringMetrics(registry), clock=FixedClock(clock)
        )
        record = os.environ.get("TEST_ASSIGNMENTS_FILE")
        if record:
            load = consumer.load

            async def load_and_record(consumer: Any, assigned: Sequence[TopicPartition]) -> None:
                await load(consumer, assigned)
                with open(record, "a") as out:  # noqa: ASYNC230 - a test helper's one line
                    out.write(f"{os.getpid()} {sorted({tp.partition for tp in assigned})}\n")

            consumer.load = load_and_record  # type: ignore[method-assign]
        await consumer.run()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1])))
