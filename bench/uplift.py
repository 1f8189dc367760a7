"""Uplift benchmark (issue 12, item 5): does notify's holdout report recover the planted effect?

For each of BENCH_SEEDS (5) seeds, a simulated SaaS (BENCH_ACCOUNTS accounts, BENCH_USERS people,
BENCH_DAYS days, smaller than the demo's world) is replayed through ingest into notify in a few
minutes of wall time, as `make demo` does. The workspace runs the built-in playbooks, with the
onboarding playbook's key action set to the simulated product's core action and its holdout
raised to BENCH_HOLDOUT (50 %) so one run holds enough accounts in each arm. Then the simulated
customers react (sim/banso_sim/demo/reaction.py): each enrolled account draws whether a nudge
makes it act; a nudged one that does acts inside its goal window, in event time. The planted
effect is the share of enrolled accounts that convert only if nudged, on accounts, the unit the
holdout assigns. notify's report (`GET /v1/playbooks/{id}/report`) gives the measured
difference and its 95 % interval (Newcombe).

Passes when, for the onboarding playbook, the planted effect lies inside the reported interval
in at least 4 of the 5 seeds and the mean point estimate is within 5 points of the mean planted
effect. The re-engagement playbook (goal: any event) is recorded beside it.

Only ingest and notify run (on ports 18101 and 18104, a private data directory and topic
prefix), with the Jira, Slack and SMTP stand-ins of the demo in this process, in the demo's
environment: BANSO_CLOCK=stream, so 60 simulated days behave as 60 days. The machine is shared: the load average at the start and
the end is recorded. Writes bench/results/uplift.json.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson

from banso_sim.demo import reaction
from banso_sim.demo.configure import ONBOARDING_PLAYBOOK, put_onboarding_playbook, put_policy
from banso_sim.demo.environment import running_sinks, service_env
from banso_sim.demo.run import react
from banso_sim.platform.api import ServiceApi
from banso_sim.platform.metrics import wait_caught_up
from banso_sim.platform.provision import provision
from banso_sim.run import simulate
from banso_sim.send.sender import SendOptions
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "uplift.json"
SEEDS = [int(s) for s in os.environ.get("BENCH_SEEDS", "1,2,3,4,5").split(",")]
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "300"))
USERS = int(os.environ.get("BENCH_USERS", "1800"))
DAYS = int(os.environ.get("BENCH_DAYS", "60"))
HOLDOUT = float(os.environ.get("BENCH_HOLDOUT", "50"))
PORTS = {"ingest": 18101, "notify": 18104}
REENGAGEMENT = "re-engagement-14d"
PLAYBOOKS = (ONBOARDING_PLAYBOOK, REENGAGEMENT)


def _log(message: str) -> None:
    sys.stderr.write(f"[uplift {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}\n")
    sys.stderr.flush()


def _start(name: str, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("ab")
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / f"banso-{name}"), "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def _ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 180.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{url} exited with {process.returncode}")
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout_s:.0f} s")


async def _raise_holdout(notify: ServiceApi, playbook_id: str) -> None:
    current = await notify.get(f"/v1/playbooks/{playbook_id}")
    source = str(current["source"])
    lines = [
        f"holdout_percent: {HOLDOUT:g}" if line.startswith("holdout_percent:") else line
        for line in source.splitlines()
    ]
    response = await notify.send(
        "PUT",
        f"/v1/playbooks/{playbook_id}",
        content="\n".join(lines) + "\n",
        content_type="application/yaml",
    )
    response.raise_for_status()


async def one_seed(
    seed: int, env: dict[str, str], urls: dict[str, str], slack_url: str, now: dt.datetime
) -> dict[str, Any]:
    started = time.monotonic()
    tenant = await asyncio.to_thread(provision, f"Uplift bench seed {seed}", env=env)
    config = WorldConfig(now=now, seed=seed, accounts=ACCOUNTS, users=USERS, days=DAYS)
    async with httpx.AsyncClient(timeout=60.0) as client:
        notify = ServiceApi("notify", urls["notify"], tenant.token, client)
        await put_policy(notify, slack_url)
        await put_onboarding_playbook(notify)
        for playbook_id in PLAYBOOKS:
            await _raise_holdout(notify, playbook_id)
        sent = await simulate(
            config, ingest_url=urls["ingest"], write_key=tenant.write_key, options=SendOptions()
        )
        _log(f"seed {seed}: {sent.acknowledged:,} events sent in {sent.elapsed_s:.0f} s")
        await wait_caught_up({"notify": urls["notify"]}, quiet_s=8.0, timeout_s=1800.0)
        planted, reactions = await react(
            notify, build_world(config), urls["ingest"], tenant.write_key, SendOptions()
        )
        _log(f"seed {seed}: {reactions:,} planted goal events sent")
        await wait_caught_up({"notify": urls["notify"]}, quiet_s=8.0, timeout_s=900.0)
        playbooks: dict[str, Any] = {}
        for playbook_id in PLAYBOOKS:
            report = await notify.get(f"/v1/playbooks/{playbook_id}/report")
            uplift = report.get("uplift") or {}
            ci = uplift.get("ci95") or {}
            tally = planted.get(playbook_id)
            effect = tally.effect if tally is not None else None
            low, high = ci.get("low"), ci.get("high")
            playbooks[playbook_id] = {
                "unit": report.get("unit"),
                "planted": reaction.as_json({playbook_id: tally}).get(playbook_id)
                if tally
                else None,
                "planted_effect": effect,
                "measured": uplift.get("difference"),
                "ci95": [low, high] if ci else None,
                "planted_inside_ci": (
                    effect is not None
                    and low is not None
                    and high is not None
                    and low <= effect <= high
                ),
                "treatment": report.get("treatment"),
                "holdout": report.get("holdout"),
            }
    return {
        "seed": seed,
        "workspace_id": tenant.workspace_id,
        "events_sent": sent.acknowledged,
        "planted_goal_events": reactions,
        "seconds": round(time.monotonic() - started, 1),
        "playbooks": playbooks,
    }


def verdict(runs: list[dict[str, Any]], playbook_id: str) -> dict[str, Any]:
    rows = [run["playbooks"][playbook_id] for run in runs]
    inside = sum(1 for row in rows if row["planted_inside_ci"])
    measured = [row["measured"] for row in rows if row["measured"] is not None]
    planted = [row["planted_effect"] for row in rows if row["planted_effect"] is not None]
    mean_measured = sum(measured) / len(measured) if measured else None
    mean_planted = sum(planted) / len(planted) if planted else None
    gap = (
        None
        if mean_measured is None or mean_planted is None
        else round(abs(mean_measured - mean_planted) * 100, 2)
    )
    return {
        "planted_inside_ci": f"{inside} of {len(rows)}",
        "mean_measured_pts": None if mean_measured is None else round(mean_measured * 100, 2),
        "mean_planted_pts": None if mean_planted is None else round(mean_planted * 100, 2),
        "mean_gap_pts": gap,
        "met": len(rows) >= 5 and inside >= 4 and gap is not None and gap <= 5.0,
    }


async def main() -> int:
    load_before = os.getloadavg()
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    runs: list[dict[str, Any]] = []
    clock = "system"
    with tempfile.TemporaryDirectory(prefix="banso-uplift-") as data:
        logs = Path(data) / "logs"
        logs.mkdir()
        async with running_sinks() as sinks:
            env = service_env(sinks)
            env.update(
                {
                    "BANSO_DATA_DIR": data,
                    "BANSO_TOPIC_PREFIX": f"bench-uplift-{uuid.uuid4().hex[:8]}.",
                    "INGEST_PORT": str(PORTS["ingest"]),
                    "NOTIFY_PORT": str(PORTS["notify"]),
                    "INGEST_DATABASE_URL": f"sqlite:///{data}/ingest.db",
                    "NOTIFY_DATABASE_URL": f"sqlite:///{data}/notify.db",
                    "BANSO_INGEST_URL": f"http://127.0.0.1:{PORTS['ingest']}",
                }
            )
            clock = env.get("BANSO_CLOCK", "system")
            urls = {name: f"http://127.0.0.1:{port}" for name, port in PORTS.items()}
            processes = {name: _start(name, env, logs) for name in PORTS}
            try:
                for name, process in processes.items():
                    await _ready(urls[name], process)
                for seed in SEEDS:
                    runs.append(await one_seed(seed, env, urls, sinks.slack_url, now))
                    row = runs[-1]["playbooks"][ONBOARDING_PLAYBOOK]
                    _log(f"seed {seed}: onboarding {row}")
            finally:
                for process in processes.values():
                    process.terminate()
                for process in processes.values():
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
    verdicts = {playbook_id: verdict(runs, playbook_id) for playbook_id in PLAYBOOKS}
    result = {
        "benchmark": "uplift",
        "issue": 12,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1m_before": round(load_before[0], 2),
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        },
        "world": {"accounts": ACCOUNTS, "users": USERS, "days": DAYS, "now": now.isoformat()},
        "holdout_percent": HOLDOUT,
        "lift": reaction.LIFT,
        "clock": clock,
        "unit": "account",
        "target": "planted inside the 95 % CI in >= 4 of 5 seeds; mean estimate within 5 pts",
        "verdict": verdicts,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    _log(f"verdict: {orjson.dumps(verdicts).decode()}")
    return 0 if verdicts[ONBOARDING_PLAYBOOK]["met"] else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
