"""The bridge (consumer, ticket worker, idle consolidation) as its own process, so a test can
SIGKILL it.

python -m tests.bridge.service.process CLOCK   (settings from BRIDGE_* / BANSO_* variables)
"""

from __future__ import annotations

import asyncio
import sys

from asgi_lifespan import LifespanManager

from banso_bridge.config import BridgeSettings
from banso_bridge.main import create_app
from banso_kit.clock import FixedClock


async def main(clock: float) -> None:
    app = create_app(BridgeSettings(), clock=FixedClock(clock))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1])))
