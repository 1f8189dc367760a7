"""Microbenchmark of a live round's account write: CPU µs per touched account of
``save_accounts`` and the commit (SQLite, the service's engine and pragmas), over generated
accounts of 50 users with 30 days of usage, each stored with its published health.

Each measured round touches ``--touched`` of the accounts: one usage event (the header and
today's bucket written) and an evaluation (score, band, evaluated_at); ``--published`` of those
publish (the published health and scores written). The same seed gives the same rounds, so
two versions of the code can be compared on exactly the same work, unlike the warm benchmark,
whose publications move with where the live day's slots fall.

    .venv/bin/python bench/scoring_writes.py [--accounts 20000] [--rounds 4]

Prints one JSON object: µs of process CPU time (every thread: SQLite runs in aiosqlite's) per
touched account, per round and their median, and the machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_evaluation import NAMES, NOW, _accounts

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade
from banso_scoring.adapters.accounts import save_accounts
from banso_scoring.domain.aggregates import ApplyPolicy
from banso_scoring.domain.evaluation import evaluate
from banso_scoring.domain.facts import Usage
from banso_scoring.domain.published import Published
from banso_scoring.domain.scorecard_yaml import default_scorecard
from banso_scoring.domain.state import AccountEntry

MIGRATIONS = Path(__file__).resolve().parents[1] / "services/scoring/banso_scoring/migrations"


async def _run(options: argparse.Namespace, url: str) -> list[float]:
    card = default_scorecard()
    policy = ApplyPolicy.from_scorecard(card)
    now = NOW.timestamp()
    entries = []
    for aggregate in _accounts(options.accounts):
        health = evaluate(aggregate, card, now=NOW, published=None).health
        entry = AccountEntry(aggregate=aggregate, partition=0)
        entry.score, entry.band, entry.evaluated_at = health.score, health.band, now
        entry.published = Published.of(health)
        entry.remember_score(now, health.score)
        entries.append(entry)
    engine = create_engine(url)
    rng = random.Random(18)
    spent = []
    try:
        async with AsyncSession(engine) as session:
            keys = {entry.key for entry in entries}
            await save_accounts(
                session, entries=entries, aggregates=keys, evaluated=keys, published=keys
            )
            await session.commit()
            for number in range(1, options.rounds + 1):
                at = now + number * 5.0
                touched = rng.sample(entries, int(len(entries) * options.touched))
                published = {e.key for e in touched if rng.random() < options.published}
                for entry in touched:
                    entry.aggregate.apply_usage(
                        Usage(
                            name=rng.choice(NAMES),
                            at=at,
                            received_at=at,
                            user_id=f"user-{rng.randrange(50)}",
                            properties={"rows": 7},
                        ),
                        policy,
                    )
                    entry.score = round((entry.score or 50.0) + rng.uniform(-1, 1), 1)
                    entry.evaluated_at = at
                    if entry.key in published:
                        entry.remember_score(at, entry.score)
                keys = {entry.key for entry in touched}
                touched.sort(key=lambda entry: entry.key)
                started = time.process_time()
                await save_accounts(
                    session, entries=touched, aggregates=keys, evaluated=keys, published=published
                )
                await session.commit()
                spent.append((time.process_time() - started) / len(touched) * 1e6)
    finally:
        await engine.dispose()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--touched", type=float, default=0.85)
    parser.add_argument("--published", type=float, default=0.15)
    options = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="banso-bench-writes-") as directory:
        url = f"sqlite:///{directory}/scoring.db"
        upgrade(url, MIGRATIONS)
        spent = asyncio.run(_run(options, url))
    result = {
        "accounts": options.accounts,
        "touched": options.touched,
        "published": options.published,
        "us_per_touched_account": [round(value, 1) for value in spent],
        "median_us": round(statistics.median(spent), 1),
        "load_average": [load_before, os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
