"""`banso consumers list|resume SERVICE`: where a service's consumers stand, and resuming the
partitions whose stored offsets lie beyond the log's end (the broker's log was reset, a topic
recreated, another cluster) — through the service's admin routes, never its database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import httpx

from banso_kit.errors import BansoError

PORTS = {"ingest": 8001, "scoring": 8002, "bridge": 8003, "notify": 8004}


class ServiceRefused(BansoError):
    """The service answered with an error (its message is passed on)."""


def add_parser(groups: Any) -> None:
    consumers = groups.add_parser(
        "consumers", help="consumer progress; resume partitions beyond the log end"
    ).add_subparsers(dest="action", required=True)
    for action, text in (
        ("list", "lag and partitions not progressing, per consumer group"),
        ("resume", "store the log's start (or end) for partitions beyond the log end"),
    ):
        command = consumers.add_parser(action, help=text)
        command.add_argument("service", choices=sorted(PORTS))
        command.add_argument(
            "--url", help="the service's base URL (default: $BANSO_<SERVICE>_URL or 127.0.0.1)"
        )
        command.add_argument("--json", action="store_true", help="print JSON")
        if action == "resume":
            command.add_argument(
                "--from",
                dest="resume_from",
                choices=("start", "end"),
                required=True,
                help="start: the log's oldest record (nothing of a new log is lost); end: skip it",
            )
            command.add_argument("--group", help="one group (default: every group with a problem)")


def service_url(service: str, given: str | None) -> str:
    default = f"http://127.0.0.1:{os.environ.get(f'{service.upper()}_PORT', PORTS[service])}"
    return (given or os.environ.get(f"BANSO_{service.upper()}_URL") or default).rstrip("/")


def run(args: argparse.Namespace, admin_token: str) -> None:
    base = service_url(args.service, args.url)
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30.0) as client:
        listed = _answer(client.get("/v1/admin/consumers"))
        if args.action == "list":
            _print_groups(listed, args.json)
            return
        groups = [args.group] if args.group else [
            g["group_id"] for g in listed["groups"]
            if any(p["kind"] == "beyond_log_end" for p in g["problems"])
        ]  # fmt: skip
        results = [
            _answer(client.post(f"/v1/admin/consumers/{group}/resume", json={"from": args.resume_from}))
            for group in groups
        ]  # fmt: skip
    if args.json:
        sys.stdout.write(json.dumps({"resumed": results}) + "\n")
        return
    if not results:
        sys.stdout.write("no partition lies beyond its log end\n")
    for result in results:
        for moved in result["moved"]:
            sys.stdout.write(
                f"{result['group_id']}: {moved['topic']}[{moved['partition']}] resumes at offset "
                f"{moved['offset']}\n"
            )


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail") or response.text
        except ValueError:
            detail = response.text
        raise ServiceRefused(f"{response.request.url}: {response.status_code} {detail}")
    return response.json()


def _print_groups(listed: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(listed) + "\n")
        return
    for group in listed["groups"]:
        lag = sum(group["lag"].values())
        state = (
            "progressing"
            if not group["problems"]
            else f"{len(group['problems'])} partitions not progressing"
        )
        sys.stdout.write(f"{group['group_id']}: lag {lag}, {state}\n")
        for problem in group["problems"]:
            sys.stdout.write(f"  {problem['detail']}\n")
