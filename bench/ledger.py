"""The dedupe ledger alone: CPU per messageId for a request's claim and confirm, on SQLite.

    .venv/bin/python bench/ledger.py [--rounds 5] [--ids serial|random]

What every accepted event costs in the ledger, through the same objects the service uses
(`SqlDedupeLedger` on a `GroupCommitWriter`, the ledger's own thread and its hand-offs): a file
migrated to the head revision in a temporary directory, 200,000 ids already known, then rounds of
requests of 100 ids each, five at a time (so the writer groups them as under load), each a claim
and, once claimed, a confirm. Prints the process's CPU time (every thread) per messageId, the
median and best of the rounds. `serial` ids are the HTTP benchmark's (a run prefix and a serial
number); `random` are UUIDs, as the Segment libraries send.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from banso_ingest.__main__ import MIGRATIONS
from banso_ingest.adapters.group_commit import GroupCommitWriter
from banso_ingest.adapters.ledger import SqlDedupeLedger
from banso_kit.db import Database
from banso_kit.migrations import upgrade

IDS_PER_REQUEST = 100
CONCURRENT = 5
KNOWN = 200_000
MEASURED = 60_000
START = datetime(2026, 12, 7, tzinfo=UTC)


def id_maker(kind: str) -> Callable[[int], list[str]]:
    run = uuid.uuid4().hex[:8]
    counter = 0

    def serial(n: int) -> list[str]:
        nonlocal counter
        counter += n
        return [f"bench-{run}-{i:09d}" for i in range(counter - n, counter)]

    def random(n: int) -> list[str]:
        return [str(uuid.uuid4()) for _ in range(n)]

    return serial if kind == "serial" else random


async def requests(ledger: SqlDedupeLedger, ids: Callable[[int], list[str]], count: int) -> None:
    now = START

    async def one(message_ids: list[str]) -> None:
        claim = await ledger.claim(
            workspace_id="ws", source_id="bench-source", message_ids=message_ids, now=now
        )
        await ledger.confirm(source_id="bench-source", token=claim.token, now=now)

    for _ in range(count // (IDS_PER_REQUEST * CONCURRENT)):
        now += timedelta(milliseconds=5)
        await asyncio.gather(*(one(ids(IDS_PER_REQUEST)) for _ in range(CONCURRENT)))


async def one_round(kind: str) -> float:
    with tempfile.TemporaryDirectory(prefix="banso-ledger-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'ingest.db'}"
        await asyncio.to_thread(upgrade, url, MIGRATIONS)
        db = Database(url)
        writer = GroupCommitWriter(db)
        writer.start()
        try:
            ledger = SqlDedupeLedger(writer, window=timedelta(hours=24), lease=timedelta(minutes=1))
            ids = id_maker(kind)
            await requests(ledger, ids, KNOWN)
            started = time.process_time()
            await requests(ledger, ids, MEASURED)
            return (time.process_time() - started) / MEASURED * 1e6
        finally:
            await writer.stop()
            await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ids", choices=("serial", "random"), default="serial")
    args = parser.parse_args()
    figures = [asyncio.run(one_round(args.ids)) for _ in range(args.rounds)]
    print(
        f"ledger claim+confirm, {args.ids} ids: CPU µs per messageId "
        f"median {statistics.median(figures):.2f}, best {min(figures):.2f} "
        f"({', '.join(f'{f:.2f}' for f in figures)})"
    )


if __name__ == "__main__":
    main()
