"""The repeated-kill soak: N rounds of live traffic through ingest, each with services SIGKILLed
and the broker restarted at seeded random moments, counted exactly (tests/faults/rounds.py).

    .venv/bin/python bench/soak.py [--rounds 20] [--events 6000] [--faults 3] [--seed 1]

Runs on a private broker (its own ports and data, restarted as one of the faults) and prints one
line per round: the faults and when they hit, events acknowledged and applied, lost, applied
twice, nudges and nudge keys sent twice, feedback items in no theme or in several. At the end a
second scoring replays every topic into an empty database and every account's aggregates are
compared byte for byte. Writes bench/results/soak.json; exits 1 if anything was lost or doubled.
Not part of `make bench` (it measures correctness, not speed, and takes 20-40 minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults.broker import private_broker  # noqa: E402
from tests.faults.rounds import RoundPlan, compare_with_replay, play_round, services  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "soak.json"


async def soak(rounds: int, events: int, faults: int, first_seed: int) -> dict[str, object]:
    started = time.monotonic()
    load_at_start = list(os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="banso-soak-") as scratch:
        directory = Path(scratch)
        with private_broker(directory / "kafka") as broker:
            prefix = f"soak.{uuid.uuid4().hex[:8]}."
            async with services(
                directory / "services", broker.bootstrap, prefix, restart_broker=broker.restart
            ) as run:
                lines = []
                results = []
                for seed in range(first_seed, first_seed + rounds):
                    plan = RoundPlan.drawn(seed, events=events, faults=faults, broker=True)
                    result = await play_round(run, plan)
                    print(result.line(), flush=True)
                    lines.append(result.line())
                    results.append(result)
                differing = await compare_with_replay(run)
    summary = {
        "rounds": rounds,
        "events_per_round": events,
        "faults_per_round": faults,
        "first_seed": first_seed,
        "faults": sorted({what for r in results for what, _ in r.faults}),
        "events_acknowledged": sum(r.acknowledged for r in results),
        "events_applied": sum(r.applied for r in results),
        "events_lost": sum(sum(r.lost.values()) for r in results),
        "events_applied_twice": sum(sum(r.doubled.values()) for r in results),
        "nudges_sent": sum(r.nudges_sent for r in results),
        "nudge_keys_sent_twice": sum(r.nudge_keys_sent_twice for r in results),
        "feedback_acknowledged": sum(r.feedback_acknowledged for r in results),
        "feedback_in_no_theme": sum(r.feedback_unthemed for r in results),
        "feedback_in_several_themes": sum(r.feedback_in_several_themes for r in results),
        "accounts_differing_from_replay": differing,
        "rounds_clean": sum(1 for r in results if r.clean),
        "lines": lines,
        "seconds": round(time.monotonic() - started),
        "load_average_at_start": load_at_start,
        "load_average_at_end": list(os.getloadavg()),
        "cpus": os.cpu_count(),
    }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--events", type=int, default=6_000)
    parser.add_argument("--faults", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    summary = asyncio.run(soak(args.rounds, args.events, args.faults, args.seed))
    RESULTS.write_text(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
    clean = summary["rounds_clean"] == args.rounds and not summary["accounts_differing_from_replay"]
    print(
        f"{summary['rounds_clean']} of {args.rounds} rounds clean; "
        f"{summary['events_acknowledged']} events acknowledged, {summary['events_applied']} applied, "
        f"{summary['events_lost']} lost, {summary['events_applied_twice']} applied twice; "
        f"{summary['nudges_sent']} nudges, {summary['nudge_keys_sent_twice']} keys sent twice; "
        f"accounts differing from a clean replay: {len(summary['accounts_differing_from_replay'])}"  # type: ignore[arg-type]
    )
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
