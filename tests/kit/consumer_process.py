"""Run the test consumer as its own process, so a test can SIGKILL it mid-batch.

python -m tests.kit.consumer_process DATABASE_URL BOOTSTRAP TOPIC GROUP
"""

from __future__ import annotations

import asyncio
import sys

from banso_kit.db import Database
from banso_kit.kafka.consumer import TransactionalConsumer
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.outbox import Outbox
from tests.kit.support import KIT, make_handler


async def main(url: str, bootstrap: str, topic: str, group: str) -> None:
    db = Database(url)
    consumer = TransactionalConsumer(
        db=db,
        tables=KIT,
        bootstrap_servers=bootstrap,
        group_id=group,
        topics=[topic],
        handler=make_handler(delay_s=0.02),
        dead_letters=DeadLetterWriter(Outbox(KIT, source="banso/test"), service="test"),
        max_batch=40,
        dedupe=False,  # prove the offsets alone give exactly-once
    )
    await consumer.run()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
