"""`banso consumers list|resume SERVICE`: where a service's consumers stand, and resuming the
partitions whose stored offsets lie beyond the log's end (the broker's log was reset, a topic
recreated, another cluster) — through that service's admin routes, never its database."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any

from banso_cli.client import AdminClient

PORTS = {"ingest": 8001, "scoring": 8002, "bridge": 8003, "notify": 8004}


def service_url(service: str, given: str | None, env: Mapping[str, str] = os.environ) -> str:
    """`--url`, else `BANSO_<SERVICE>_URL`, else the service's port on this machine."""
    upper = service.upper()
    port = env.get(f"{upper}_PORT") or PORTS[service]
    return (given or env.get(f"BANSO_{upper}_URL") or f"http://127.0.0.1:{port}").rstrip("/")


def run(args: argparse.Namespace) -> tuple[Any, str]:
    """The answer (for --json) and its text."""
    client = AdminClient.from_env(
        url=service_url(args.service, args.url), admin_token=args.admin_token
    )
    listed = client.call("GET", "/v1/admin/consumers")
    if args.action == "list":
        return listed, _groups_text(listed)
    groups = [args.consumer_group] if args.consumer_group else [
        g["group_id"] for g in listed["groups"]
        if any(p["kind"] == "beyond_log_end" for p in g["problems"])
    ]  # fmt: skip
    resumed = [
        client.call("POST", f"/v1/admin/consumers/{group}/resume", body={"from": args.resume_from})
        for group in groups
    ]
    lines = [
        f"{r['group_id']}: {m['topic']}[{m['partition']}] resumes at offset {m['offset']}"
        for r in resumed
        for m in r["moved"]
    ]
    return {"resumed": resumed}, "\n".join(lines) or "no partition lies beyond its log end"


def _groups_text(listed: Mapping[str, Any]) -> str:
    lines = []
    for group in listed["groups"]:
        problems = group["problems"]
        state = f"{len(problems)} partitions not progressing" if problems else "progressing"
        lines.append(f"{group['group_id']}: lag {sum(group['lag'].values())}, {state}")
        lines.extend(f"  {problem['detail']}" for problem in problems)
    return "\n".join(lines) or "no consumers"
