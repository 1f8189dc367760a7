"""`banso`: the operator's command line, a client of ingest's admin API (workspaces, sources and
write keys, API tokens, the audit log), of each service's operator routes (consumers, dead
letters), plus the Kafka topics of the registry."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from banso_cli import consumers, dlq
from banso_cli.client import AdminClient, CommandFailed
from banso_cli.commands import COMMANDS
from banso_cli.parser import build_parser


def _emit(answer: Any, as_json: bool, text: str) -> None:
    sys.stdout.write((json.dumps(answer, ensure_ascii=False) if as_json else text) + "\n")


def _topics(args: argparse.Namespace) -> None:
    # Kafka and the settings are imported here only: the admin commands start faster without.
    from pydantic import ValidationError

    from banso_contracts.topics import ALL_TOPICS
    from banso_kit.kafka.admin import ensure_topics
    from banso_kit.settings import ServiceSettings

    try:
        settings = ServiceSettings()
    except ValidationError as exc:
        problems = "; ".join(
            str(error["msg"]).removeprefix("Value error, ") for error in exc.errors()
        )
        raise CommandFailed(f"invalid configuration: {problems}") from exc
    if args.action == "list":
        listed = [
            {
                "topic": topic.physical_name(settings.topic_prefix),
                "partitions": topic.partitions,
                "cleanup_policy": topic.cleanup_policy,
                "key": topic.key,
            }
            for topic in ALL_TOPICS
        ]
        text = "\n".join(
            f"{t['topic']}\t{t['partitions']} partitions\t{t['cleanup_policy']}\tkey {t['key']}"
            for t in listed
        )
        _emit(listed, args.json, text)
        return
    created = asyncio.run(
        ensure_topics(
            settings.kafka_bootstrap_servers,
            prefix=settings.topic_prefix,
            replication_factor=args.replication_factor or settings.topic_replication_factor,
            client_options=settings.kafka_client_options(),
        )
    )
    text = ("created " + ", ".join(created)) if created else "all topics exist"
    _emit({"created": created}, args.json, text)


def _admin(args: argparse.Namespace) -> None:
    build, render = COMMANDS[(args.group, args.action)]
    call = build(args)
    client = AdminClient.from_env(url=args.url, admin_token=args.admin_token)
    answer = client.call(call.method, call.path, body=call.body, params=call.params)
    _emit(answer, args.json, render(answer))


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        if args.group == "topics":
            _topics(args)
        elif args.group == "consumers":
            answer, text = consumers.run(args)
            _emit(answer, args.json, text)
        elif args.group == "dlq":
            answer, text = dlq.run(args)
            _emit(answer, args.json, text)
        else:
            _admin(args)
    except CommandFailed as exc:
        sys.stderr.write(f"banso: {exc}\n")
        raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
