"""`banso dlq list|show|replay|discard SERVICE`: the messages a service gave up on, with why;
re-publishing one once it can be applied, or discarding it for good with the reason — through
that service's admin routes (`/v1/admin/dead-letters`), never its database or Kafka directly."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from banso_cli.client import AdminClient
from banso_cli.consumers import service_url

BASE = "/v1/admin/dead-letters"


def run(args: argparse.Namespace) -> tuple[Any, str]:
    """The answer (for --json) and its text."""
    client = AdminClient.from_env(
        url=service_url(args.service, args.url), admin_token=args.admin_token
    )
    if args.action == "list":
        params = {"status": args.status, "limit": args.limit, "before": args.before}
        page = client.call("GET", BASE, params=params)
        return page, _page_text(page)
    if args.action == "show":
        letter = client.call("GET", f"{BASE}/{args.dead_letter_id}")
        return letter, _letter_text(letter)
    if args.action == "replay":
        replayed = client.call("POST", f"{BASE}/{args.dead_letter_id}/replay")
        letter = replayed["dead_letter"]
        text = (
            f"dead letter {letter['id']} re-published to {letter['origin_topic']}"
            if replayed["published"]
            else f"dead letter {letter['id']} was replayed before "
            f"({letter['resolved_at']} by {letter['resolved_by']}); nothing re-published"
        )
        return replayed, text
    letter = client.call(
        "POST", f"{BASE}/{args.dead_letter_id}/discard", body={"reason": args.reason}
    )
    return letter, (
        f"dead letter {letter['id']} discarded by {letter['resolved_by']} "
        f"at {letter['resolved_at']}: {letter['resolution_note']}"
    )


def _origin(letter: Mapping[str, Any]) -> str:
    return f"{letter['origin_topic']}[{letter['origin_partition']}]@{letter['origin_offset']}"


def _page_text(page: Mapping[str, Any]) -> str:
    items = page["items"]
    if not items:
        return "no dead letters"
    lines = ["id\tstatus\tfailed_at\torigin\tworkspace_id\treason"]
    lines += [
        "\t".join(
            [
                str(item["id"]),
                item["status"],
                item["failed_at"],
                _origin(item),
                item["workspace_id"] or "-",
                f"{item['error_type']}: {item['error']}".replace("\n", " ")[:200],
            ]
        )
        for item in items
    ]
    if page.get("next_before"):
        lines.append(f"(more: --before {page['next_before']})")
    return "\n".join(lines)


def _letter_text(letter: Mapping[str, Any]) -> str:
    lines = [
        f"dead letter {letter['id']} ({letter['status']})",
        f"origin:     {_origin(letter)}",
        f"workspace:  {letter['workspace_id'] or '-'}",
        f"failed at:  {letter['failed_at']} after {letter['attempts']} attempt(s)",
        f"reason:     {letter['error_type']}: {letter['error']}",
    ]
    if letter["resolved_at"]:
        note = f": {letter['resolution_note']}" if letter["resolution_note"] else ""
        lines.append(
            f"resolved:   {letter['status']} at {letter['resolved_at']} "
            f"by {letter['resolved_by']}{note}"
        )
    lines.append(f"key:        {letter['origin_key'] or '-'}")
    lines += [f"header:     {name}: {value}" for name, value in letter["origin_headers"].items()]
    lines.append(f"payload ({letter['payload_encoding']}):")
    lines.append(letter["payload"])
    return "\n".join(lines)
