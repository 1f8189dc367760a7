"""`banso-sim`: generate the simulated SaaS's events, send them to ingest, or run the whole demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import orjson

from banso_sim.run import default_now, simulate
from banso_sim.send.sender import SendFailed, SendOptions
from banso_sim.stream.generate import generate
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2025-06-30T00:00:00Z")
    return moment


def _world_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the simulated world")
    group.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    group.add_argument("--accounts", type=int, default=200, help="customer accounts (200)")
    group.add_argument("--users", type=int, default=3000, help="people across them (3000)")
    group.add_argument("--days", type=int, default=90, help="days of event time (90)")
    group.add_argument(
        "--now", type=_instant, default=None, help="end of the window (default: this hour, UTC)"
    )
    group.add_argument(
        "--activity", type=float, default=1.0, help="scale usage volume (1.0 = ~250k events)"
    )


def _send_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sending")
    group.add_argument("--concurrency", type=int, default=8, help="requests in flight (8)")
    group.add_argument("--batch", type=int, default=500, help="events per request (500)")


def _config(args: argparse.Namespace) -> WorldConfig:
    return WorldConfig(
        now=args.now or default_now(),
        seed=args.seed,
        accounts=args.accounts,
        users=args.users,
        days=args.days,
        activity=args.activity,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="banso-sim",
        description="A seeded simulation of a B2B SaaS and its customers, sent through Bansō.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write the Segment messages as JSON lines")
    _world_options(gen)
    gen.add_argument("--summary", action="store_true", help="print counts instead of messages")
    send = commands.add_parser("send", help="send the messages to ingest's /v1/batch")
    _world_options(send)
    _send_options(send)
    send.add_argument("--ingest-url", default="http://127.0.0.1:8001")
    send.add_argument("--write-key", required=True, help="the source's write key")
    demo = commands.add_parser("demo", help="the whole journey with a report (`make demo`)")
    _world_options(demo)
    _send_options(demo)
    demo.add_argument(
        "--keep-running",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="leave the services and the console running afterwards (`make demo` does)",
    )
    demo.add_argument(
        "--wait", type=float, default=900.0, help="seconds to wait for the services to catch up"
    )
    return parser


def _generate(args: argparse.Namespace) -> None:
    world = build_world(_config(args))
    out = sys.stdout.buffer
    if not args.summary:
        for message in generate(world):
            out.write(orjson.dumps({"topic": message.topic, **message.payload}) + b"\n")
        return
    topics: Counter[str] = Counter()
    for message in generate(world):
        topics[message.topic] += 1
    summary = {
        "accounts": len(world.accounts),
        "users": len(world.users),
        "messages": sum(topics.values()),
        "by_topic": dict(topics),
    }
    out.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command == "generate":
        _generate(args)
        return
    options = SendOptions(concurrency=args.concurrency, batch_events=args.batch)
    try:
        if args.command == "send":
            report = asyncio.run(
                simulate(
                    _config(args),
                    ingest_url=args.ingest_url,
                    write_key=args.write_key,
                    options=options,
                )
            )
            sys.stdout.write(
                orjson.dumps(
                    {
                        "acknowledged": report.acknowledged,
                        "duplicates": report.duplicates,
                        "rejected": len(report.rejected),
                        "by_topic": dict(report.by_topic),
                        "retries": dict(report.retries),
                        "seconds": round(report.elapsed_s, 1),
                    }
                ).decode()
                + "\n"
            )
            return
        from banso_sim.demo.run import run_demo

        raise SystemExit(asyncio.run(run_demo(args, _config(args), options)))
    except SendFailed as exc:
        sys.stderr.write(f"banso-sim: {exc}\n")
        raise SystemExit(1) from exc
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
