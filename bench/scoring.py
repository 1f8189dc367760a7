"""Scoring benchmark (issue 4, item 7): throughput against Kafka's ConsumerPerformance, and freshness.

1. Pre-fill a usage topic with BENCH_EVENTS (1,000,000) events of 1,000 accounts x 50 users, as
   ingest writes them (same key, headers and JSON): 30 days of history in time order (each
   account's events within the lateness allowance of each other, as a product's events are),
   received at 20,000 events/s, ingest's pace, which sets how many evaluation slots there are.
2. Kafka's `org.apache.kafka.tools.ConsumerPerformance` reads the topic (`kafka.sh perf-consumer`).
3. The scoring service (`banso-scoring serve`, SQLite) starts on an empty database; the wall time
   from its readiness until it has committed every record (consumer lag 0) gives events/s
   applied, compared with ConsumerPerformance's nMsg.sec (also from its start, with its group
   join); the figure from process start (imports, migrations) is reported beside it.
4. Freshness: a steady 2,000 events/s produced with ingest's producer settings (idempotent,
   acks=all); probe events (5 a second) are timed from Kafka's acknowledgement until the API shows
   them applied (`GET /v1/accounts/{id}/health`: `applied.last_event_at` reaches the probe's
   time; every event carries its send time, so nothing later can be mistaken for the probe).

5. Scaling out (run before step 3, whose freshness phase adds records to the topic): the same
   with two processes (`SCORING_WORKERS=2`, one consumer each, the partitions split between
   them) on a fresh database — what a second core or replica adds.

Writes bench/results/scoring.json. Environment: BENCH_EVENTS, BENCH_FRESHNESS_S.

Scaling (issue 18, item 3): ``--accounts N`` runs the same workload with N accounts (50 users
each); every run is also recorded under ``scaling`` by its account count (CPU per event, peak
memory, ratio, load), and a run with other than the default 1,000 accounts leaves the main
figures as they were. ``--one-process-only`` skips the two-process run and freshness (what a
scaling point needs); ``--py-spy FILE`` records the one-process run from readiness to lag 0
with py-spy (collapsed stacks). ``--history-days D`` spreads the events over D days of event
time instead of 30 (recorded as ``N/Dd``): with 1, each account has one day to close, as a live
day has, where 30 replays a backfill whose closes (one per account and day) grow with accounts.

``--warm`` measures the steady state a live service runs in rather than a backfill from an empty
database (recorded as ``N/warm``, or ``N/Dd/warm``): the service first applies
``--warm-history-events`` events (default: as many as ``--events``) of the history days, not
measured (every account stored and published); it is then stopped (SIGSTOP) while ``--events``
more are produced, the next ``--warm-days`` (1) days of event time of the same accounts,
received after the history; CPU, wall time and the py-spy profile count from when it continues
until they are all committed (lag 0). So the history's first evaluations and closes are not
counted, and the live day's one close per account is. ConsumerPerformance reads the history;
peak RSS is the process's whole life (the history's is recorded beside it). ``--pace R``
(recorded as ``.../Rper_s``) sets the events' receipt rate (20,000/s): how many events a 5 s
evaluation slot holds, and so how many accounts each slot evaluates.

``scaling_targets`` in scoring.json reads item 3's targets from the points recorded so far: the
warm CPU per event at 1,000 and 50,000 accounts (flat within 20 %) and the peak RSS per account
added from 10,000 to 50,000 (at most 30 KB).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import orjson
from aiokafka import AIOKafkaProducer

from banso_contracts.codec import decode
from banso_contracts.topics import USAGE
from banso_kit.auth import issue_token
from banso_kit.kafka.admin import ensure_topics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import machine, tree_cpu_seconds, tree_peak_rss_mb
from topics import delete_topics

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scoring.json"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
FRESHNESS_S = float(os.environ.get("BENCH_FRESHNESS_S", "60"))
DEFAULT_ACCOUNTS = 1_000
ACCOUNTS = DEFAULT_ACCOUNTS  # set from --accounts
USERS = 50
WORKSPACE = "ws_bench"
NAMES = [
    "Report Created", "Dashboard Viewed", "Report Exported", "Alert Configured", "User Invited",
    "Integration Connected", "Comment Added", "Search Performed", "Filter Saved", "Page Viewed",
]  # fmt: skip
DEFAULT_HISTORY_DAYS = 30
HISTORY_DAYS = DEFAULT_HISTORY_DAYS  # set from --history-days
WARM_HISTORY_EVENTS = 0  # set from --warm: events applied before measuring (0: a cold run)
WARM_DAYS = 1  # set from --warm-days: days of event time of the measured events in a warm run
DEFAULT_PACE = 20_000.0
INGEST_PACE = DEFAULT_PACE  # receipt times of the pre-filled events, events/s (--pace)
RATE = 2_000.0
PROBES_PER_S = 5.0
POLL_S = 0.02
SECRET = "bench-secret-bench-secret-bench-secret"
# Issue 18: a quarter of ConsumerPerformance in one process, 0.45 with two; p99 within 0.25 s.
TARGET_RATIO = 0.25
TARGET_RATIO_TWO = 0.45
TARGET_FRESHNESS_S = 0.25
# Issue 18, item 3: CPU per event flat within 20 % from 1,000 to 50,000 accounts (warm, a live
# day), memory per added account at most 30 KB.
SCALING_ACCOUNTS = (1_000, 10_000, 50_000)
TARGET_CPU_GROWTH = 1.2
TARGET_KB_PER_ACCOUNT = 30.0


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def record(
    account: int, user: int, name: str, at: float, received: float
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """One usage record exactly as ingest writes it (contract JSON and CloudEvents headers)."""
    account_id = f"account-{account:05d}"
    event_id = uuid.uuid4().hex
    payload = {
        "workspace_id": WORKSPACE,
        "source_id": "src_bench",
        "account_id": account_id,
        "user_id": f"user-{account}-{user}",
        "anonymous_id": None,
        "kind": "track",
        "event": name,
        "properties": {"rows": user * 7, "format": "csv"},
        "context": {"library": {"name": "analytics-python", "version": "2.4.0"}},
        "message_id": event_id,
        "timestamp": _iso(at),
        "original_timestamp": None,
        "sent_at": None,
        "received_at": _iso(received),
    }
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", event_id.encode()),
        ("ce_source", b"/banso/ingest"),
        ("ce_type", b"banso.usage.recorded.v1"),
        ("ce_time", _iso(at).encode()),
        ("ce_subject", account_id.encode()),
        ("ce_workspace", WORKSPACE.encode()),
        ("content-type", b"application/json"),
    ]
    return f"{WORKSPACE}:{account_id}".encode(), orjson.dumps(payload), headers


def _producer() -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=BOOTSTRAP,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_batch_size=256 * 1024,
    )


class Segment(NamedTuple):
    """Pre-filled events: ``size`` of them from ``start`` on (their receipt times follow one
    another at INGEST_PACE), their event times spread from ``first`` to ``last``."""

    start: int
    size: int
    first: float
    last: float


def segments(now: float) -> list[Segment]:
    """The pre-filled events in order: the history, then, in a warm run, the next live days of
    the same accounts (produced once the history is applied)."""
    if not WARM_HISTORY_EVENTS:
        return [Segment(0, EVENTS, now - HISTORY_DAYS * 86_400, now)]
    live_from = now - WARM_DAYS * 86_400
    return [
        Segment(0, WARM_HISTORY_EVENTS, live_from - HISTORY_DAYS * 86_400, live_from),
        Segment(WARM_HISTORY_EVENTS, EVENTS, live_from, now),
    ]


async def prefill(topic: str, now: float, segment: Segment) -> dict[str, Any]:
    rng = random.Random(4 + segment.start)
    total = WARM_HISTORY_EVENTS + EVENTS
    received0 = now - total / INGEST_PACE - 60
    sample = record(1, 1, NAMES[0], now, now)
    decode(sample[2], sample[1])  # the bench's records are valid contract records
    producer = _producer()
    await producer.start()
    started = time.perf_counter()
    first, span, count = segment.first, segment.last - segment.first, segment.size
    try:
        pending = []
        for i in range(count):
            received = received0 + (segment.start + i) / INGEST_PACE
            at = first + i * span / count - rng.random() * 600
            key, value, headers = record(
                rng.randrange(ACCOUNTS), rng.randrange(USERS), rng.choice(NAMES), at, received
            )
            pending.append(await producer.send(topic, value=value, key=key, headers=headers))
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return {"events": count, "seconds": round(time.perf_counter() - started, 1)}


def consumer_performance(topic: str) -> dict[str, Any]:
    command = [
        str(ROOT / "deploy/kafka/kafka.sh"), "perf-consumer", "--bootstrap-server", BOOTSTRAP,
        "--topic", topic, "--messages", str(WARM_HISTORY_EVENTS or EVENTS), "--group", f"perf-{uuid.uuid4().hex[:8]}",
        "--timeout", "120000",
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    lines = [line for line in output.splitlines() if line.strip()]
    header = [h.strip() for h in lines[-2].split(",")]
    values = [v.strip() for v in lines[-1].split(",")]
    stats = dict(zip(header, values, strict=True))
    return {
        "messages": int(float(stats["data.consumed.in.nMsg"])),
        "messages_per_s": float(stats["nMsg.sec"]),
        "fetch_messages_per_s": float(stats["fetch.nMsg.sec"]),
        "raw": stats,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def applied_in_aggregates(database: Path) -> dict[str, int]:
    """What the stored aggregates say they hold: every event applied, none dropped as late."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
        documents = [orjson.loads(row[0]) for row in conn.execute(
            "SELECT aggregate FROM scoring_accounts"
        )]  # fmt: skip
    return {
        "accounts": len(documents),
        "events_applied": sum(d["events_applied"] for d in documents),
        "dropped_late": sum(d["dropped_late"] for d in documents),
    }


def recorded_work(database: Path) -> dict[str, int]:
    """History rows so far by what recorded them: publications (``published:<change>``) and
    days' closes (``day``): in a warm run, the per-account work the measured events brought."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        rows = conn.execute(
            "SELECT cause, change, COUNT(*) FROM scoring_health_history GROUP BY cause, change"
        ).fetchall()
    return {
        (cause if change is None else f"published:{change}"): count for cause, change, count in rows
    }


def committed(database: Path, topic: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(
                "SELECT COALESCE(SUM(next_offset), 0) FROM consumer_offsets WHERE topic = ?",
                (topic,),
            ).fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


async def wait_ready(port: int, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        while True:
            if process.returncode is not None:
                raise RuntimeError("the scoring service exited during startup")
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)


async def freshness(topic: str, port: int) -> dict[str, Any]:
    """A steady RATE events/s; probes timed from acknowledgement to visibility in the API."""
    rng = random.Random(7)
    token = issue_token(SECRET, WORKSPACE, ["read"])
    producer = _producer()
    await producer.start()
    latencies: list[float] = []
    sent = 0
    tasks: set[asyncio.Task[None]] = set()
    # Few requests in flight: the probes must not become the load they measure.
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    ) as client:

        async def probe(account: int, at: float, delivery: asyncio.Future[Any]) -> None:
            await delivery
            acknowledged = time.time()
            target = _iso(at)
            while True:
                async with gate:
                    response = await client.get(f"/v1/accounts/account-{account:05d}/health")
                seen = (
                    response.json()["applied"]["last_event_at"]
                    if response.status_code == 200
                    else None
                )
                if seen is not None and seen >= target:
                    latencies.append(time.time() - acknowledged)
                    return
                await asyncio.sleep(POLL_S)

        start = time.monotonic()
        next_probe = start
        try:
            while (elapsed := time.monotonic() - start) < FRESHNESS_S:
                due = int(elapsed * RATE)
                while sent < due:
                    at = time.time()
                    account = rng.randrange(ACCOUNTS)
                    key, value, headers = record(
                        account, rng.randrange(USERS), rng.choice(NAMES), at, at
                    )
                    delivery = await producer.send(topic, value=value, key=key, headers=headers)
                    sent += 1
                    if time.monotonic() >= next_probe:
                        next_probe += 1 / PROBES_PER_S
                        task = asyncio.create_task(probe(account, at, delivery))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                await asyncio.sleep(0.005)
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
        finally:
            await producer.stop()
    latencies.sort()
    return {
        "rate_events_per_s": RATE,
        "seconds": FRESHNESS_S,
        "events": sent,
        "probes": len(latencies),
        "p50_s": round(statistics.median(latencies), 4),
        "p99_s": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 4),
        "max_s": round(latencies[-1], 4),
        "poll_interval_s": POLL_S,
    }


async def _py_spy(pid: int, output: Path) -> asyncio.subprocess.Process:
    """py-spy sampling the service's process (and its workers) until interrupted."""
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid),
        "--subprocesses", "--rate", "50", "--format", "raw", "--output", str(output),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def apply_all(
    prefix: str,
    topic: str,
    *,
    workers: int,
    measure_freshness: bool,
    py_spy: Path | None = None,
    live: Callable[[], Awaitable[dict[str, Any]]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Start `banso-scoring serve` with `workers` processes on an empty database; time it from
    readiness until every record is committed (lag 0); then, optionally, measure freshness.

    A warm run (``live``: produces the measured events): the history in the topic is applied
    first, not measured; then the service is stopped (SIGSTOP) while ``live`` adds the next
    days' events, and measured from when it continues until they are all committed."""
    workdir = Path(tempfile.mkdtemp(prefix="banso-bench-scoring-"))
    database = workdir / "scoring.db"
    port = _free_port()
    env = {
        **os.environ,
        "BANSO_ENV": "development",
        "BANSO_SECRET": SECRET,
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_DATA_DIR": str(workdir),
        "KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
        "SCORING_DATABASE_URL": f"sqlite:///{database}",
        "SCORING_PORT": str(port),
        "SCORING_WORKERS": str(workers),
        "BANSO_LOG_LEVEL": "WARNING",
    }
    if live is not None:
        # The bench replays days of event time in seconds of receipt time: stream time must not
        # follow the clock while the service waits for the measured events (it would move past
        # them, and they would be late).
        env["SCORING_IDLE_GRACE_S"] = str(10 * 86_400)
    fresh = None
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "banso-scoring"), "serve", env=env, cwd=workdir
    )
    try:
        await wait_ready(port, process)
        history: dict[str, Any] | None = None
        paused = 0.0
        work_before: dict[str, int] = {}
        if live is not None:
            # Every account stored and published: the steady state a live service runs in.
            history_from = time.monotonic()
            await _until_committed(database, topic, WARM_HISTORY_EVENTS, process)
            history = {
                "events": WARM_HISTORY_EVENTS,
                "wall_s_from_ready": round(time.monotonic() - history_from, 2),
                "cpu_s_from_process_start": round(tree_cpu_seconds(process.pid), 2),
                "peak_rss_mb": tree_peak_rss_mb(process.pid),
            }
            os.kill(process.pid, signal.SIGSTOP)
            work_before = recorded_work(database)
            stopped = time.monotonic()
            try:
                history["live_prefill"] = await live()
            finally:
                os.kill(process.pid, signal.SIGCONT)
            paused = time.monotonic() - stopped
        ready = time.monotonic()
        cpu_at_ready = tree_cpu_seconds(process.pid)
        profiler = None if py_spy is None else await _py_spy(process.pid, py_spy)
        await _until_committed(database, topic, WARM_HISTORY_EVENTS + EVENTS, process)
        finished = time.monotonic()
        cpu = tree_cpu_seconds(process.pid) - cpu_at_ready
        peak_rss_mb = tree_peak_rss_mb(process.pid)
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            await asyncio.wait_for(profiler.wait(), timeout=60)
        print(
            f"scoring ({workers} process{'es' if workers > 1 else ''}) applied {EVENTS} events "
            f"in {finished - started:.1f} s",
            flush=True,
        )
        stored = applied_in_aggregates(database)
        if history is not None:
            work = recorded_work(database)
            history["measured_work"] = {
                key: count - work_before.get(key, 0)
                for key, count in sorted(work.items())
                if count != work_before.get(key, 0)
            }
        if measure_freshness:
            fresh = await freshness(topic, port)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    wall = finished - started - paused
    applied = {
        "workers": workers,
        "events": EVENTS,
        "wall_s_from_process_start": round(wall, 2),
        "wall_s_from_ready": round(finished - ready, 2),
        "events_per_s": round(EVENTS / wall, 1),
        "events_per_s_from_ready": round(EVENTS / (finished - ready), 1),
        # CPU of the service's processes from readiness to lag 0: what the code costs per
        # event, less disturbed by the machine's other work than the wall time.
        "cpu_s_from_ready": round(cpu, 2),
        "cpu_us_per_event": round(cpu / EVENTS * 1e6, 1),
        "peak_rss_mb": peak_rss_mb,
        "database": "sqlite",
        "aggregates": stored,
    }
    if history is not None:
        applied["warm_history"] = history
    if stored["events_applied"] != WARM_HISTORY_EVENTS + EVENTS:
        raise RuntimeError(f"the stored aggregates hold {stored}, not every event once")
    return applied, fresh


async def _until_committed(
    database: Path, topic: str, count: int, process: asyncio.subprocess.Process
) -> None:
    while committed(database, topic) < count:
        if process.returncode is not None:
            raise RuntimeError("the scoring service exited")
        await asyncio.sleep(0.05)


async def main(options: argparse.Namespace) -> dict[str, Any]:
    prefix = f"bench.scoring.{uuid.uuid4().hex[:8]}."
    try:
        return await measure(prefix, options)
    finally:
        await delete_topics(BOOTSTRAP, prefix)


async def measure(prefix: str, options: argparse.Namespace) -> dict[str, Any]:
    load_at_start = list(os.getloadavg())
    await ensure_topics(BOOTSTRAP, prefix=prefix)
    topic = USAGE.physical_name(prefix)
    print(
        f"pre-filling {topic} with {WARM_HISTORY_EVENTS + EVENTS} events of {ACCOUNTS} accounts",
        flush=True,
    )
    now = time.time()
    history, *rest = segments(now)
    filled = await prefill(topic, now, history)
    print(f"pre-filled in {filled['seconds']} s; ConsumerPerformance", flush=True)
    reference = consumer_performance(topic)
    print(f"ConsumerPerformance: {reference['fetch_messages_per_s']:.0f} msg/s", flush=True)

    # Scaling out on the same machine first (the freshness run adds records to the topic): two
    # processes, one consumer each, the partitions split between them, on a fresh database.
    two = None
    if not options.one_process_only:
        two, _ = await apply_all(prefix, topic, workers=2, measure_freshness=False)
    applied, fresh = await apply_all(
        prefix,
        topic,
        workers=1,
        measure_freshness=not options.one_process_only,
        py_spy=options.py_spy,
        live=(lambda: prefill(topic, now, rest[0])) if rest else None,
    )
    # Like for like: both rates count from when the consumer is up (the service has migrated
    # and answers /readyz; the JVM has started) and include joining the group.
    reference_rate = reference["messages_per_s"]
    ratio = round(applied["events_per_s_from_ready"] / reference_rate, 3)
    ratio_two = None if two is None else round(two["events_per_s_from_ready"] / reference_rate, 3)
    return {
        "benchmark": "scoring",
        "when": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(load_at_start),
        "workload": {
            "accounts": ACCOUNTS,
            "users_per_account": USERS,
            "event_names": len(NAMES),
            "history_days": HISTORY_DAYS,
            "warm_history_events": WARM_HISTORY_EVENTS,
            "warm_days": WARM_DAYS if WARM_HISTORY_EVENTS else None,
            "receipt_pace_events_per_s": INGEST_PACE,
        },
        "prefill": filled,
        "consumer_performance": reference,
        "scoring": applied,
        "ratio_to_consumer_performance": ratio,
        "ratio_including_process_start": round(applied["events_per_s"] / reference_rate, 3),
        "scoring_two_processes": two,
        "ratio_two_processes": ratio_two,
        "target_ratio": TARGET_RATIO,
        "target_ratio_two_processes": TARGET_RATIO_TWO,
        "freshness": fresh,
        "target_freshness_p99_s": TARGET_FRESHNESS_S,
        "targets_met": {
            "throughput_one_process": ratio >= TARGET_RATIO,
            # The machine's two cores, as a deployment would use them (a worker per core).
            "throughput_two_processes": ratio_two is not None and ratio_two >= TARGET_RATIO_TWO,
            "freshness": fresh is not None and fresh["p99_s"] <= TARGET_FRESHNESS_S,
        },
    }


def scaling_point(result: dict[str, Any]) -> dict[str, Any]:
    """One run's figures, recorded by account count beside the others."""
    applied = result["scoring"]
    return {
        "when": result["when"],
        "events": applied["events"],
        "load_average_at_start": result["machine"]["load_average_at_start"],
        "load_average_at_end": result["machine"]["load_average_at_end"],
        "consumer_performance_messages_per_s": result["consumer_performance"]["messages_per_s"],
        "events_per_s_from_ready": applied["events_per_s_from_ready"],
        "ratio_to_consumer_performance": result["ratio_to_consumer_performance"],
        "cpu_us_per_event": applied["cpu_us_per_event"],
        "peak_rss_mb": applied["peak_rss_mb"],
        "aggregates": applied["aggregates"],
        **({"warm_history": applied["warm_history"]} if "warm_history" in applied else {}),
    }


def scaling_name() -> str:
    """A scaling point's name: its account count, then ``/warm`` for a warm run, or its days
    of history when not 30."""
    name = str(ACCOUNTS) if HISTORY_DAYS == DEFAULT_HISTORY_DAYS else f"{ACCOUNTS}/{HISTORY_DAYS}d"
    if INGEST_PACE != DEFAULT_PACE:
        name += f"/{INGEST_PACE:.0f}per_s"
    return f"{name}/warm" if WARM_HISTORY_EVENTS else name


def _scaling_order(name: str) -> tuple[bool, bool, int, float, int]:
    accounts, *kinds = name.split("/")
    days = [kind for kind in kinds if kind.endswith("d")]
    history = int(days[0].rstrip("d")) if days else DEFAULT_HISTORY_DAYS
    paces = [float(kind.removesuffix("per_s")) for kind in kinds if kind.endswith("per_s")]
    pace = paces[0] if paces else DEFAULT_PACE
    return "warm" in kinds, history != DEFAULT_HISTORY_DAYS, history, -pace, int(accounts)


def scaling_targets(scaling: dict[str, Any]) -> dict[str, Any]:
    """Item 3's two targets read from the recorded scaling points: the warm runs' CPU per event
    from the fewest to the most accounts, and the peak RSS each account added from 10,000 to
    50,000 (a target is ``None`` until its points have been measured)."""
    low, middle, high = SCALING_ACCOUNTS
    warm = {n: scaling.get(f"{n}/warm") for n in SCALING_ACCOUNTS}
    cpu = {str(n): point["cpu_us_per_event"] for n, point in warm.items() if point}
    growth = (
        round(cpu[str(high)] / cpu[str(low)], 2) if str(low) in cpu and str(high) in cpu else None
    )
    memory = [warm[middle], warm[high]]
    kb_per_account = (
        round((memory[1]["peak_rss_mb"] - memory[0]["peak_rss_mb"]) * 1024 / (high - middle), 1)
        if memory[0] and memory[1]
        else None
    )
    return {
        "warm_cpu_us_per_event": cpu,
        "cpu_growth": growth,
        "target_cpu_growth_at_most": TARGET_CPU_GROWTH,
        "kb_per_added_account": kb_per_account,
        "target_kb_per_account_at_most": TARGET_KB_PER_ACCOUNT,
        "targets_met": {
            "cpu_flat": None if growth is None else growth <= TARGET_CPU_GROWTH,
            "memory_per_account": (
                None if kb_per_account is None else kb_per_account <= TARGET_KB_PER_ACCOUNT
            ),
        },
    }


def record_result(result: dict[str, Any]) -> None:
    """Write the run into scoring.json: the main figures for a full run of the default
    workload, and, in every case, its scaling point by account count (with the figures of the
    point it replaces under ``previous``)."""
    previous: dict[str, Any] = orjson.loads(RESULTS.read_bytes()) if RESULTS.exists() else {}
    scaling = dict(previous.get("scaling") or {})
    point = scaling_point(result)
    name = scaling_name()
    replaced = scaling.get(name)
    if replaced:
        # The run this one replaces, for a before/after at a glance.
        point["previous"] = {
            key: replaced[key]
            for key in ("when", "events", "cpu_us_per_event", "peak_rss_mb")
            if key in replaced
        }
    scaling[name] = point
    full = (
        ACCOUNTS == DEFAULT_ACCOUNTS
        and HISTORY_DAYS == DEFAULT_HISTORY_DAYS
        and not WARM_HISTORY_EVENTS
        and result["scoring_two_processes"] is not None
    )
    document = dict(result if full or "scoring" not in previous else previous)
    document["scaling"] = dict(sorted(scaling.items(), key=lambda item: _scaling_order(item[0])))
    document["scaling_targets"] = scaling_targets(scaling)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=DEFAULT_ACCOUNTS)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument(
        "--history-days",
        type=int,
        default=DEFAULT_HISTORY_DAYS,
        help="days of event time the events span (1: a live day rather than a backfill)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="measure the steady state: the history applied first, then --events more (a live day)",
    )
    parser.add_argument(
        "--warm-history-events",
        type=int,
        default=None,
        help="events of history applied before measuring in a warm run (default: --events)",
    )
    parser.add_argument(
        "--warm-days",
        type=int,
        default=1,
        help="days of event time of a warm run's measured events",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=DEFAULT_PACE,
        help="receipt times of the events, events/s: how many a 5 s evaluation slot holds",
    )
    parser.add_argument("--one-process-only", action="store_true")
    parser.add_argument("--py-spy", type=Path, default=None)
    options = parser.parse_args()
    if options.warm and not options.one_process_only:
        parser.error("--warm measures one process: add --one-process-only")
    return options


if __name__ == "__main__":
    options = parse_options()
    ACCOUNTS, EVENTS, HISTORY_DAYS = options.accounts, options.events, options.history_days
    INGEST_PACE = options.pace
    if options.warm:
        WARM_HISTORY_EVENTS = options.warm_history_events or EVENTS
        WARM_DAYS = options.warm_days
    result = asyncio.run(main(options))
    record_result(result)
    print(
        orjson.dumps(
            {
                k: result[k]
                for k in (
                    "scoring",
                    "ratio_to_consumer_performance",
                    "ratio_two_processes",
                    "freshness",
                )
            },
            option=orjson.OPT_INDENT_2,
        ).decode()
    )
