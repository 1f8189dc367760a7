"""A small HTTP/1.1 load generator for ingest's `/v1/batch`, on loopback.

Written against asyncio streams rather than an HTTP client library because the generator shares
the machine's two cores with ingest and Kafka: every microsecond it spends is taken from what it
measures. Each connection keeps alive and posts one batch at a time; bodies are assembled from
pre-encoded pieces, with a unique `messageId` per event (ingest deduplicates on it).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
import uuid
from dataclasses import dataclass, field

import orjson

EVENTS_PER_BATCH = 100
ACCOUNTS = 1_000
USERS_PER_ACCOUNT = 50


def _event_pieces(count: int) -> list[tuple[bytes, bytes]]:
    """Byte pieces around the messageId of `count` distinct ~300-byte track events."""
    pieces = []
    for i in range(count):
        account = i % ACCOUNTS
        event = {
            "type": "track",
            "messageId": "@ID@",
            "userId": f"user-{account}-{i % USERS_PER_ACCOUNT}",
            "event": "Report Exported",
            "timestamp": "2025-03-01T11:59:59.123Z",
            "context": {
                "groupId": f"account-{account:04d}",
                "library": {"name": "analytics-python", "version": "2.4.0"},
            },
            "properties": {"format": "csv", "rows": 1234 + i, "plan": "pro", "seats": 25},
        }
        before, after = orjson.dumps(event).split(b"@ID@")
        pieces.append((before, after))
    return pieces


class BatchFactory:
    """Builds `/v1/batch` bodies whose events all carry fresh messageIds."""

    def __init__(self, write_key: str, *, variety: int = 2_000) -> None:
        self._pieces = _event_pieces(variety)
        self._cursor = itertools.cycle(range(variety))
        self._run = uuid.uuid4().hex[:12].encode()
        self._serial = itertools.count()
        self._tail = b'],"sentAt":"2025-03-01T12:00:00Z","writeKey":"' + write_key.encode() + b'"}'

    def body(self, events: int = EVENTS_PER_BATCH) -> bytes:
        parts = []
        for _ in range(events):
            before, after = self._pieces[next(self._cursor)]
            parts.append(before + self._run + b"-%d" % next(self._serial) + after)
        return b'{"batch":[' + b",".join(parts) + self._tail


@dataclass
class LoadResult:
    seconds: float
    requests: int = 0
    accepted_events: int = 0
    failed_requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)

    def percentile_ms(self, q: float) -> float:
        if not self.latencies_s:
            return float("nan")
        ordered = sorted(self.latencies_s)
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index] * 1000

    @property
    def events_per_s(self) -> float:
        return self.accepted_events / self.seconds

    def merge(self, other: LoadResult) -> None:
        self.requests += other.requests
        self.accepted_events += other.accepted_events
        self.failed_requests += other.failed_requests
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.latencies_s += other.latencies_s


class Connection:
    def __init__(self, host: str, port: int, write_key: str) -> None:
        self._host, self._port = host, port
        token = base64.b64encode(f"{write_key}:".encode()).decode()
        self._head = (
            f"POST /v1/batch HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Basic {token}\r\nContent-Type: application/json\r\n"
            "Content-Length: "
        ).encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        self._writer.write(self._head + b"%d\r\n\r\n" % len(body) + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        close = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"connection" and value.strip().lower() == b"close":
                close = True
        payload = await self._reader.readexactly(length)
        if close:
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
        self._reader = self._writer = None


async def _one(connection: Connection, factory: BatchFactory, result: LoadResult) -> None:
    body = factory.body()
    started = time.perf_counter()
    try:
        try:
            status, payload = await connection.post(body)
        except (OSError, asyncio.IncompleteReadError):
            # A kept-alive connection the server closed while idle (uvicorn closes them after
            # 5 s): reconnect and send again, as HTTP clients do; ingest dedupes the messageIds.
            await connection.close()
            status, payload = await connection.post(body)
    except (OSError, asyncio.IncompleteReadError):
        await connection.close()
        result.failed_requests += 1
        return
    result.latencies_s.append(time.perf_counter() - started)
    result.requests += 1
    result.statuses[status] = result.statuses.get(status, 0) + 1
    if status == 200:
        result.accepted_events += int(orjson.loads(payload)["accepted"])
    else:
        result.failed_requests += 1


async def closed_loop(
    *, host: str, port: int, write_key: str, connections: int, seconds: float
) -> LoadResult:
    """Every connection posts its next batch as soon as the previous one is answered."""
    factory = BatchFactory(write_key)
    deadline = time.perf_counter() + seconds

    async def worker(result: LoadResult) -> None:
        connection = Connection(host, port, write_key)
        try:
            while time.perf_counter() < deadline:
                await _one(connection, factory, result)
        finally:
            await connection.close()

    started = time.perf_counter()
    parts = [LoadResult(seconds) for _ in range(connections)]
    await asyncio.gather(*(worker(part) for part in parts))
    total = LoadResult(time.perf_counter() - started)
    for part in parts:
        total.merge(part)
    return total


async def open_loop(
    *,
    host: str,
    port: int,
    write_key: str,
    events_per_s: float,
    seconds: float,
    max_connections: int = 256,
) -> LoadResult:
    """Batches start on a fixed schedule whatever the answers, so latency includes queueing."""
    factory = BatchFactory(write_key)
    interval = EVENTS_PER_BATCH / events_per_s
    idle: list[Connection] = []
    result = LoadResult(seconds)
    in_flight: set[asyncio.Task[None]] = set()

    async def send() -> None:
        connection = idle.pop() if idle else Connection(host, port, write_key)
        try:
            await _one(connection, factory, result)
        finally:
            idle.append(connection)

    started = time.perf_counter()
    for n in itertools.count():
        due = started + n * interval
        if due - started >= seconds:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(in_flight) >= max_connections:
            result.failed_requests += 1  # the generator itself is saturated: count, don't queue
            continue
        task = asyncio.create_task(send())
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    result.seconds = time.perf_counter() - started
    for connection in idle:
        await connection.close()
    return result
