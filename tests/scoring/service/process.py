"""The scoring consumer as its own process, so a test can SIGKILL it.

python -m tests.scoring.service.process CLOCK   (settings from SCORING_* / BANSO_* variables)
"""

from __future__ import annotations

import asyncio
import sys

from prometheus_client import CollectorRegistry

from banso_kit.runtime import Runtime
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.models import KIT


async def main(clock: float) -> None:
    settings = ScoringSettings()
    registry = CollectorRegistry()
    async with Runtime(settings, tables=KIT, registry=registry) as runtime:
        consumer = ScoringConsumer(settings, runtime, ScoringMetrics(registry), clock=lambda: clock)
        await consumer.run()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1])))
