"""Each admin command: the API call it makes and how its answer reads as text."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

Render = Callable[[Any], str]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _p(value: str) -> str:
    return quote(value, safe="")


def _ws(args: argparse.Namespace) -> str:
    return f"/v1/admin/workspaces/{_p(args.workspace_id)}"


def _rows(items: list[dict[str, Any]], columns: list[str], empty: str) -> str:
    if not items:
        return empty
    lines = ["\t".join(columns)]
    lines += ["\t".join("-" if i.get(c) is None else str(i.get(c)) for c in columns) for i in items]
    return "\n".join(lines)


def _source_text(answer: dict[str, Any]) -> str:
    text = f"source {answer['source_id']} ({answer['name']}) {answer['status']}"
    if answer.get("write_key"):
        text += f"; write key (shown once): {answer['write_key']}"
    if answer.get("previous_key_expires_at"):
        text += f"; the previous key works until {answer['previous_key_expires_at']}"
    return text


def _audit_text(answer: dict[str, Any]) -> str:
    text = _rows(
        answer["items"],
        ["id", "at", "actor", "action", "target_type", "target_id", "workspace_id"],
        "no audit entries",
    )
    if answer.get("next_before"):
        text += f"\n(more: --before {answer['next_before']})"
    return text


SOURCE_COLUMNS = ["source_id", "name", "status", "key_prefix", "last_seen_at", "created_at"]
TOKEN_COLUMNS = ["token_id", "name", "scopes", "status", "expires_at", "created_at"]

COMMANDS: dict[tuple[str, str], tuple[Callable[[argparse.Namespace], Call], Render]] = {
    ("workspace", "create"): (
        lambda a: Call("POST", "/v1/admin/workspaces", {"name": a.name}),
        lambda r: f"workspace {r['workspace_id']} ({r['name']}) created",
    ),
    ("workspace", "list"): (
        lambda a: Call(
            "GET", "/v1/admin/workspaces", params={"limit": a.limit, "offset": a.offset}
        ),
        lambda r: (
            _rows(r["items"], ["workspace_id", "name", "created_at"], "no workspaces")
            + f"\n({len(r['items'])} of {r['total']})"
        ),
    ),
    ("workspace", "rename"): (
        lambda a: Call("PATCH", _ws(a), {"name": a.name}),
        lambda r: f"workspace {r['workspace_id']} renamed to {r['name']}",
    ),
    ("workspace", "delete"): (
        lambda a: Call("DELETE", _ws(a)),
        lambda r: (
            f"workspace {r['workspace_id']} deleted ({r['tokens_revoked']} tokens revoked; "
            + ", ".join(f"{n} {k}" for k, n in r["removed"].items())
            + ")"
        ),
    ),
    ("source", "create"): (
        lambda a: Call("POST", f"{_ws(a)}/sources", {"name": a.name}),
        _source_text,
    ),
    ("source", "list"): (
        lambda a: Call("GET", f"{_ws(a)}/sources"),
        lambda r: _rows(r, SOURCE_COLUMNS, "no sources"),
    ),
    ("source", "rotate"): (
        lambda a: Call(
            "POST", f"{_ws(a)}/sources/{_p(a.source_id)}/rotate", {"grace_seconds": a.grace}
        ),
        _source_text,
    ),
    ("source", "revoke"): (
        lambda a: Call("POST", f"{_ws(a)}/sources/{_p(a.source_id)}/revoke"),
        _source_text,
    ),
    ("token", "issue"): (
        lambda a: Call(
            "POST",
            f"{_ws(a)}/tokens",
            {"scopes": a.scope, "expires_in_days": a.days, "name": a.name},
        ),
        lambda r: r["token"],
    ),
    ("token", "list"): (
        lambda a: Call("GET", f"{_ws(a)}/tokens"),
        lambda r: _rows(
            [{**t, "scopes": ",".join(t["scopes"])} for t in r], TOKEN_COLUMNS, "no tokens"
        ),
    ),
    ("token", "revoke"): (
        lambda a: Call("POST", f"{_ws(a)}/tokens/{_p(a.token_id)}/revoke"),
        lambda r: f"token {r['token_id']} {r['status']}",
    ),
    ("audit", "list"): (
        lambda a: Call(
            "GET",
            "/v1/admin/audit",
            params={
                "limit": a.limit,
                "before": a.before,
                "workspace_id": a.workspace,
                "action": a.kind,
            },
        ),
        _audit_text,
    ),
}
