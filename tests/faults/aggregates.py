"""Scoring's stored aggregates against a clean replay of the same topics into an empty database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from banso_scoring.adapters.tables import ACCOUNTS, DAYS
from banso_sim.platform.metrics import wait_caught_up
from tests.e2e.cluster import Cluster, ServiceProcess
from tests.support.http import free_port

# Bookkeeping of *when* scoring got to things (how far history is recorded, the lateness
# reference, which is a grace period of arrival time behind): a replay that reads everything at
# once rightly reaches them at other moments. What the events made of the account is the rest.
_PROCESSING = ("late_before", "late_candidate", "late_since", "closed_through", "reopened_from")


def _state(header: bytes) -> dict[str, Any]:
    document: dict[str, Any] = orjson.loads(header)
    for name in _PROCESSING:
        document.pop(name, None)
    return document


def _rows(
    database: Path, workspaces: list[str]
) -> dict[tuple[str, str], tuple[dict[str, Any], tuple[tuple[int, bytes], ...]]]:
    marks = ",".join("?" * len(workspaces))
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        headers = connection.execute(
            f"SELECT workspace_id, account_id, aggregate FROM {ACCOUNTS.name} "
            f"WHERE workspace_id IN ({marks})",
            workspaces,
        ).fetchall()
        days = connection.execute(
            f"SELECT workspace_id, account_id, day, bucket FROM {DAYS.name} "
            f"WHERE workspace_id IN ({marks}) ORDER BY workspace_id, account_id, day",
            workspaces,
        ).fetchall()
    buckets: dict[tuple[str, str], list[tuple[int, bytes]]] = {}
    for workspace, account, day, bucket in days:
        buckets.setdefault((workspace, account), []).append((int(day), bytes(bucket)))
    return {
        (workspace, account): (_state(bytes(header)), tuple(buckets.get((workspace, account), ())))
        for workspace, account, header in headers
    }


async def replay_differences(cluster: Cluster, directory: Path, workspaces: list[str]) -> list[str]:
    """The accounts (workspace/account) whose aggregate or day buckets differ from a replay's;
    raises if either scoring does not catch up."""
    live = cluster.services["scoring"]
    await wait_caught_up({"scoring": live.url}, quiet_s=5.0, timeout_s=300.0)
    replay_db = directory / "scoring-replay.db"
    port = free_port()
    env = dict(cluster.env)
    env.update(
        {
            "SCORING_DATABASE_URL": f"sqlite:///{replay_db}",
            "SCORING_PORT": str(port),
            "SCORING_GROUP_ID": "scoring-replay",
        }
    )
    replay = ServiceProcess("scoring", port, env, directory / "scoring-replay.log")
    replay.start()
    try:
        await replay.wait_ready()
        await wait_caught_up({"scoring": replay.url}, quiet_s=5.0, timeout_s=300.0)
    finally:
        replay.stop()
    live_rows = _rows(directory / "scoring.db", workspaces)
    replayed = _rows(replay_db, workspaces)
    assert replayed, "the replay applied nothing"
    differing = {
        key for key in live_rows.keys() | replayed.keys() if live_rows.get(key) != replayed.get(key)
    }
    return sorted(f"{workspace}/{account}" for workspace, account in differing)
