"""`banso`: the operator's command line — workspaces, sources (write keys), tokens, topics."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from banso_cli import consumers
from banso_contracts.topics import ALL_TOPICS
from banso_ingest.__main__ import MIGRATIONS as INGEST_MIGRATIONS
from banso_ingest.adapters import workspaces
from banso_ingest.config import IngestSettings
from banso_kit.auth import SCOPES, issue_token
from banso_kit.db import Database
from banso_kit.errors import BansoError
from banso_kit.kafka.admin import ensure_topics
from banso_kit.migrations import upgrade


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="banso",
        description="Administer Bansō: workspaces, sources and their write keys, API tokens, topics.",
    )
    groups = parser.add_subparsers(dest="group", required=True)

    workspace = groups.add_parser("workspace", help="tenants").add_subparsers(
        dest="action", required=True
    )
    ws_create = workspace.add_parser("create", help="create a workspace")
    ws_create.add_argument("name")
    ws_create.add_argument("--json", action="store_true", help="print JSON")

    source = groups.add_parser("source", help="product systems sending events").add_subparsers(
        dest="action", required=True
    )
    src_create = source.add_parser("create", help="create a source and print its write key once")
    src_create.add_argument("workspace_id")
    src_create.add_argument("name")
    src_create.add_argument("--json", action="store_true", help="print JSON")

    token = groups.add_parser("token", help="API bearer tokens").add_subparsers(
        dest="action", required=True
    )
    tok_issue = token.add_parser("issue", help="issue a bearer token for a workspace")
    tok_issue.add_argument("workspace_id")
    tok_issue.add_argument("--scope", choices=SCOPES, action="append", required=True)
    tok_issue.add_argument("--days", type=int, default=365, help="validity in days")
    tok_issue.add_argument("--json", action="store_true", help="print JSON")

    topics = groups.add_parser("topics", help="Kafka topics from the registry").add_subparsers(
        dest="action", required=True
    )
    topics_create = topics.add_parser("create", help="create missing topics (idempotent)")
    topics_create.add_argument(
        "--replication-factor",
        type=int,
        default=None,
        help="replicas per partition (default BANSO_TOPIC_REPLICATION_FACTOR, 1)",
    )
    topics.add_parser("list", help="list the registry's topics")
    consumers.add_parser(groups)
    return parser


def _emit(payload: dict[str, Any], as_json: bool, text: str) -> None:
    sys.stdout.write((json.dumps(payload) if as_json else text) + "\n")


async def _with_ingest_db(settings: IngestSettings) -> Database:
    await asyncio.to_thread(upgrade, settings.database_url, INGEST_MIGRATIONS)
    return Database(settings.database_url)


async def _run(args: argparse.Namespace) -> None:
    settings = IngestSettings()
    if args.group == "consumers":
        await asyncio.to_thread(consumers.run, args, settings.admin_token)
    elif args.group == "workspace":
        db = await _with_ingest_db(settings)
        try:
            async with db.session() as session:
                workspace = await workspaces.create_workspace(session, name=args.name)
        finally:
            await db.dispose()
        _emit(
            {"workspace_id": workspace.id, "name": workspace.name},
            args.json,
            f"workspace {workspace.id} ({workspace.name}) created",
        )
    elif args.group == "source":
        db = await _with_ingest_db(settings)
        try:
            async with db.session() as session:
                created = await workspaces.create_source(
                    session, workspace_id=args.workspace_id, name=args.name
                )
        finally:
            await db.dispose()
        _emit(
            {
                "source_id": created.source.id,
                "workspace_id": created.source.workspace_id,
                "write_key": created.write_key,
            },
            args.json,
            f"source {created.source.id} created; write key (shown once): {created.write_key}",
        )
    elif args.group == "token":
        token = issue_token(
            settings.secret, args.workspace_id, tuple(args.scope), ttl=dt.timedelta(days=args.days)
        )
        _emit({"token": token, "workspace_id": args.workspace_id}, args.json, token)
    elif args.group == "topics":
        if args.action == "list":
            for topic in ALL_TOPICS:
                sys.stdout.write(
                    f"{topic.physical_name(settings.topic_prefix)}\t{topic.partitions} partitions"
                    f"\t{topic.cleanup_policy}\tkey {topic.key}\n"
                )
            return
        created_topics = await ensure_topics(
            settings.kafka_bootstrap_servers,
            prefix=settings.topic_prefix,
            replication_factor=args.replication_factor or settings.topic_replication_factor,
            client_options=settings.kafka_client_options(),
        )
        sys.stdout.write(
            ("created " + ", ".join(created_topics)) if created_topics else "all topics exist"
        )
        sys.stdout.write("\n")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        IngestSettings()
    except ValidationError as exc:
        problems = "; ".join(
            str(error["msg"]).removeprefix("Value error, ") for error in exc.errors()
        )
        sys.stderr.write(f"banso: invalid configuration: {problems}\n")
        raise SystemExit(2) from exc
    try:
        asyncio.run(_run(args))
    except BansoError as exc:
        sys.stderr.write(f"banso: {exc.message}\n")
        raise SystemExit(2) from exc
    except ValueError as exc:
        sys.stderr.write(f"banso: {exc}\n")
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
