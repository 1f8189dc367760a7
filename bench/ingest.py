"""Benchmark: ingest's `/v1/batch` at full speed, beside Kafka's own ProducerPerformance.

    .venv/bin/python bench/ingest.py            (what `make bench` runs; writes bench/results/ingest.json)

1. Starts ingest the way the README runs it in production: `banso-ingest serve` with 2 uvicorn
   workers, BANSO_ENV=production, its SQLite database, on a free loopback port; a fresh workspace
   and source (write key) made with the `banso` CLI once it is up; topics under a private prefix.
2. Posts batches of 100 events of ~300 bytes each, every connection as fast as answers come back,
   for 30 s: accepted events/s and p50/p99 request latency, and the CPU the workers used.
3. Posts at half that rate on a fixed schedule (open loop, so queueing shows in the latency) for
   30 s: p50/p99 there, against the target p99 <= 100 ms.
4. Checks that the usage topic holds at least as many records as ingest acknowledged.
5. Runs `org.apache.kafka.tools.ProducerPerformance` (deploy/kafka/kafka.sh perf-producer): records
   of the same size (300 bytes), acks=all, as fast as it goes, into a topic shaped like the usage
   topic, on the same broker. This is what the broker and machine can take from a native client.

The two clients run one after the other, not at once: on two cores they would otherwise measure
each other. Targets (issue 3): ingest >= 0.25 x ProducerPerformance's records/s; p99 <= 100 ms at
half of ingest's maximum rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_load import EVENTS_PER_BATCH, LoadResult, closed_loop, open_loop
from procstat import tree_cpu_seconds, tree_peak_rss_mb
from topics import delete_topics

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"
RECORD_BYTES = 300
TARGET_RATIO = 0.25
TARGET_P99_MS = 100.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("ingest exited before it was ready; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("ingest did not become ready")


def producer_performance(
    bootstrap: str, prefix: str, records: int, env: dict[str, str]
) -> dict[str, Any]:
    topic = f"{prefix}perf"
    _run(
        [
            str(KAFKA_SH),
            "topics",
            "--bootstrap-server",
            bootstrap,
            "--create",
            "--topic",
            topic,
            "--partitions",
            "6",
            "--replication-factor",
            "1",
        ],
        env,
    )
    output = _run(
        [
            str(KAFKA_SH),
            "perf-producer",
            "--topic",
            topic,
            "--num-records",
            str(records),
            "--record-size",
            str(RECORD_BYTES),
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={bootstrap}",
            "acks=all",
        ],
        env,
    )
    final = [line for line in output.splitlines() if "records sent" in line][-1]
    match = re.search(
        r"([\d.]+) records/sec.*?([\d.]+) ms avg latency.*?([\d.]+) ms 50th.*?([\d.]+) ms 99th",
        final,
    )
    if match is None:
        raise RuntimeError(f"cannot read ProducerPerformance's summary: {final}")
    return {
        "records": records,
        "record_bytes": RECORD_BYTES,
        "records_per_s": float(match.group(1)),
        "avg_latency_ms": float(match.group(2)),
        "p50_latency_ms": float(match.group(3)),
        "p99_latency_ms": float(match.group(4)),
        "summary": final.strip(),
    }


def _load_summary(result: LoadResult) -> dict[str, Any]:
    return {
        "seconds": round(result.seconds, 2),
        "requests": result.requests,
        "accepted_events": result.accepted_events,
        "events_per_s": round(result.events_per_s, 1),
        "p50_ms": round(result.percentile_ms(0.50), 2),
        "p99_ms": round(result.percentile_ms(0.99), 2),
        "failed_requests": result.failed_requests,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
    }


async def _usage_records(bootstrap: str, topic: str) -> int:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return int(sum(ends.values()))
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each load phase")
    parser.add_argument("--connections", type=int, default=24, help="closed-loop connections")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    parser.add_argument("--perf-records", type=int, default=3_000_000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = parser.parse_args()

    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    workdir = Path(tempfile.mkdtemp(prefix="banso-bench-ingest-"))
    prefix = f"bench.{uuid.uuid4().hex[:8]}."
    port = _free_port()
    env = {
        **os.environ,
        "BANSO_ENV": "production",
        "BANSO_SECRET": secrets.token_hex(32),
        "BANSO_ADMIN_TOKEN": secrets.token_hex(32),
        "BANSO_DATA_DIR": str(workdir),
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "INGEST_DATABASE_URL": f"sqlite:///{workdir / 'ingest.db'}",
        "INGEST_PORT": str(port),
        "INGEST_WORKERS": str(args.workers),
    }
    log = (workdir / "ingest.log").open("wb")
    server = subprocess.Popen(
        [str(VENV_BIN / "banso-ingest"), "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_ready(port, server)
        banso = str(VENV_BIN / "banso")  # a client of the admin API of the ingest just started
        workspace = json.loads(_run([banso, "workspace", "create", "Bench", "--json"], env))
        source = json.loads(
            _run([banso, "source", "create", workspace["workspace_id"], "bench", "--json"], env)
        )
        write_key = source["write_key"]
        print(f"ingest ready on :{port} ({args.workers} workers); warming up", flush=True)
        warmup = asyncio.run(
            closed_loop(
                host="127.0.0.1",
                port=port,
                write_key=write_key,
                connections=args.connections,
                seconds=5,
            )
        )
        print(f"ingest at full speed for {args.seconds:.0f} s ...", flush=True)
        cpu_before = tree_cpu_seconds(server.pid)
        load_before = os.getloadavg()[0]
        full = asyncio.run(
            closed_loop(
                host="127.0.0.1",
                port=port,
                write_key=write_key,
                connections=args.connections,
                seconds=args.seconds,
            )
        )
        cpu_full = tree_cpu_seconds(server.pid) - cpu_before
        load_after = os.getloadavg()[0]
        print(
            f"  {full.events_per_s:.0f} events/s, p50 {full.percentile_ms(0.5):.1f} ms, "
            f"p99 {full.percentile_ms(0.99):.1f} ms",
            flush=True,
        )

        half_rate = full.events_per_s / 2
        print(
            f"ingest at half rate ({half_rate:.0f} events/s) for {args.seconds:.0f} s ...",
            flush=True,
        )
        half = asyncio.run(
            open_loop(
                host="127.0.0.1",
                port=port,
                write_key=write_key,
                events_per_s=half_rate,
                seconds=args.seconds,
            )
        )
        print(
            f"  {half.events_per_s:.0f} events/s, p50 {half.percentile_ms(0.5):.1f} ms, "
            f"p99 {half.percentile_ms(0.99):.1f} ms",
            flush=True,
        )
        peak_rss_mb = tree_peak_rss_mb(server.pid)
        in_topic = asyncio.run(_usage_records(bootstrap, f"{prefix}banso.usage.v1"))
        load_before_perf = os.getloadavg()[0]
        # Last, so its gigabyte of writes does not disturb the broker while ingest is measured.
        print("ProducerPerformance ...", flush=True)
        perf = producer_performance(bootstrap, prefix, args.perf_records, env)
        print(f"  {perf['records_per_s']:.0f} records/s", flush=True)

    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        asyncio.run(delete_topics(bootstrap, prefix))

    ratio = full.events_per_s / perf["records_per_s"]
    result = {
        "benchmark": "ingest",
        "description": "POST /v1/batch (100 events of ~300 B) against ProducerPerformance "
        "(300 B records, acks=all) on the same broker",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # Other work on the machine competes for the same cores; a load above the core
            # count when the full-speed phase starts means the figures are pessimistic.
            "load_average_1m_at_full_speed_start": round(load_before, 2),
            "load_average_1m_at_full_speed_end": round(load_after, 2),
            "load_average_1m_at_producer_performance_start": round(load_before_perf, 2),
        },
        "ingest": {
            "workers": args.workers,
            "connections": args.connections,
            "events_per_batch": EVENTS_PER_BATCH,
            "max_rate": {
                **_load_summary(full),
                "ingest_cpu_seconds": round(cpu_full, 2),
                "ingest_cpu_us_per_event": round(cpu_full / max(full.accepted_events, 1) * 1e6, 1),
            },
            # The supervisor's and the workers' peak resident memory, summed, after all phases.
            "peak_rss_mb": peak_rss_mb,
            "half_rate": {"target_events_per_s": round(half_rate, 1), **_load_summary(half)},
        },
        "producer_performance": perf,
        "ratio": round(ratio, 3),
        "targets": {
            "ratio_at_least": TARGET_RATIO,
            "ratio_met": ratio >= TARGET_RATIO,
            "half_rate_p99_ms_at_most": TARGET_P99_MS,
            "half_rate_p99_met": half.percentile_ms(0.99) <= TARGET_P99_MS,
        },
        "notes": "What bounds the ratio: see services/ingest/README.md, section Performance.",
        "integrity": {
            "events_acknowledged": warmup.accepted_events
            + full.accepted_events
            + half.accepted_events,
            "records_in_usage_topic": in_topic,
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"ratio {ratio:.3f} -> {args.output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
