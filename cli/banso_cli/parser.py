"""The `banso` command line: groups, commands and their arguments."""

from __future__ import annotations

import argparse
from importlib.metadata import version

# The API's scopes (banso_kit.auth.SCOPES; the API checks them too), spelt here so the command line
# starts without importing the services' runtime.
SCOPES = ("read", "write", "admin")


def _connection(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--url",
        default=default,
        help="ingest's base URL (default BANSO_INGEST_URL, else INGEST_HOST:INGEST_PORT)",
    )
    parser.add_argument(
        "--admin-token", default=default, help="the admin token (default BANSO_ADMIN_TOKEN)"
    )


def _command(
    group: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_: str
) -> argparse.ArgumentParser:
    command = group.add_parser(name, help=help_, description=help_)
    command.add_argument("--json", action="store_true", help="print the answer as JSON")
    _connection(command, argparse.SUPPRESS)  # also accepted after the command
    return command


def _page(command: argparse.ArgumentParser) -> None:
    command.add_argument("--limit", type=int, default=100, help="entries per page (1-500)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="banso",
        description="Administer Bansō through ingest's admin API: workspaces, sources and their "
        "write keys, API tokens, the audit log; each service's consumers and dead letters; and Kafka "
        "topics.",
    )
    parser.add_argument("--version", action="version", version=f"banso {version('banso-cli')}")
    _connection(parser)
    groups = parser.add_subparsers(dest="group", required=True)

    workspace = groups.add_parser("workspace", help="tenants").add_subparsers(
        dest="action", required=True
    )
    _command(workspace, "create", "create a workspace").add_argument("name")
    ws_list = _command(workspace, "list", "list the workspaces")
    _page(ws_list)
    ws_list.add_argument("--offset", type=int, default=0)
    rename = _command(workspace, "rename", "rename a workspace")
    rename.add_argument("workspace_id")
    rename.add_argument("name")
    delete = _command(
        workspace, "delete", "delete a workspace and what ingest holds for it (revokes its tokens)"
    )
    delete.add_argument("workspace_id")
    delete.add_argument("--yes", action="store_true", required=True, help="confirm the deletion")

    source = groups.add_parser("source", help="product systems sending events").add_subparsers(
        dest="action", required=True
    )
    src_create = _command(source, "create", "create a source and print its write key once")
    src_create.add_argument("workspace_id")
    src_create.add_argument("name")
    _command(source, "list", "list a workspace's sources (key prefix, last seen)").add_argument(
        "workspace_id"
    )
    rotate = _command(source, "rotate", "give a source a new write key (printed once)")
    rotate.add_argument("workspace_id")
    rotate.add_argument("source_id")
    rotate.add_argument(
        "--grace",
        type=int,
        default=86_400,
        help="seconds the previous key keeps working (default 86400; 0 stops it at once)",
    )
    revoke = _command(source, "revoke", "revoke a source: its keys are refused within a second")
    revoke.add_argument("workspace_id")
    revoke.add_argument("source_id")

    token = groups.add_parser("token", help="API bearer tokens").add_subparsers(
        dest="action", required=True
    )
    issue = _command(token, "issue", "issue a bearer token for a workspace (printed once)")
    issue.add_argument("workspace_id")
    issue.add_argument("--scope", choices=SCOPES, action="append", required=True)
    issue.add_argument("--days", type=int, default=365, help="validity in days")
    issue.add_argument("--name", default="api token", help="what the token is for")
    _command(token, "list", "list a workspace's tokens").add_argument("workspace_id")
    tok_revoke = _command(token, "revoke", "revoke a token on every service")
    tok_revoke.add_argument("workspace_id")
    tok_revoke.add_argument("token_id")

    audit = groups.add_parser("audit", help="the audit log").add_subparsers(
        dest="action", required=True
    )
    audit_list = _command(audit, "list", "administrative actions, newest first")
    _page(audit_list)
    audit_list.add_argument("--before", type=int, help="entries older than this id")
    audit_list.add_argument("--workspace", help="only this workspace's entries")
    audit_list.add_argument("--action", dest="kind", help="only this action, e.g. source.revoked")

    consumers = groups.add_parser(
        "consumers", help="consumer progress; resume partitions beyond the log end"
    ).add_subparsers(dest="action", required=True)
    for name, help_ in (
        ("list", "lag against the log end and partitions not progressing, per consumer group"),
        ("resume", "store the log's start (or end) for the partitions beyond the log end"),
    ):
        command = _command(
            consumers, name, help_ + " (--url: the service's, else BANSO_<SERVICE>_URL)"
        )
        command.add_argument("service", choices=("ingest", "scoring", "bridge", "notify"))
        if name == "resume":
            command.add_argument(
                "--from",
                dest="resume_from",
                choices=("start", "end"),
                required=True,
                help="start: the log's oldest record (a reset log is all new events); end: skip it",
            )
            command.add_argument(
                "--consumer-group", help="only this consumer group (default: every held one)"
            )

    dlq = groups.add_parser(
        "dlq",
        help="dead letters: messages a service gave up on; replay or discard them",
        description="Dead letters of one service (--url: the service's, else "
        "BANSO_<SERVICE>_URL): list them with why each was dead-lettered, show one, replay it "
        "(re-published once to its topic, e.g. after the fix is deployed) or discard it "
        "(kept with who, when and why).",
    ).add_subparsers(dest="action", required=True)
    for name, help_ in (
        ("list", "dead letters, newest first, with the reason each was dead-lettered"),
        ("show", "one dead letter: origin, reason, key, headers and payload"),
        ("replay", "re-publish a dead letter to its topic (once; replaying again is a no-op)"),
        ("discard", "discard a dead letter for good, recording why"),
    ):
        command = _command(dlq, name, help_)
        command.add_argument("service", choices=("ingest", "scoring", "bridge", "notify"))
        if name == "list":
            command.add_argument(
                "--status",
                choices=("pending", "replayed", "discarded", "all"),
                default="pending",
                help="which dead letters (default pending)",
            )
            _page(command)
            command.add_argument("--before", type=int, help="dead letters older than this id")
        else:
            command.add_argument("dead_letter_id", type=int, help="the id `banso dlq list` shows")
        if name == "discard":
            command.add_argument("--reason", required=True, help="why (kept with the record)")

    topics = groups.add_parser("topics", help="Kafka topics from the registry").add_subparsers(
        dest="action", required=True
    )
    topics_create = _command(topics, "create", "create missing topics (idempotent)")
    topics_create.add_argument(
        "--replication-factor",
        type=int,
        default=None,
        help="replicas per partition (default BANSO_TOPIC_REPLICATION_FACTOR, 1)",
    )
    _command(topics, "list", "list the registry's topics")
    return parser
