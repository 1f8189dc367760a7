"""Send batches to ingest's `/v1/batch` the way a well-behaved Segment client does.

At most `concurrency` requests are in flight. 429 and 503 are waited out for as long as the
`Retry-After` header says (ingest's way of saying "slow down" and "Kafka is not acknowledging");
connection errors and other 5xx back off exponentially. A message counts as acknowledged only
when a 2xx answer did not list it among the rejected ones: that is ingest's durability promise.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import orjson

from banso_sim.send.batching import Batch, batches
from banso_sim.stream.messages import SimMessage, iso

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]


class SendFailed(Exception):
    """Ingest refused the requests in a way retrying cannot fix (e.g. a wrong write key)."""


@dataclass(frozen=True, slots=True)
class SendOptions:
    batch_events: int = 500
    batch_bytes: int = 450 * 1024
    concurrency: int = 8
    timeout_s: float = 30.0
    backoff_s: float = 0.5
    backoff_max_s: float = 10.0
    give_up_after_s: float = 600.0
    """How long one batch may keep failing before the run stops."""
    keep_ids: bool = False
    """Remember every acknowledged messageId by topic (for tests that count them in Kafka)."""
    max_rate: float | None = None
    """Events per second at most (None: as fast as ingest takes them), to spread a run in time."""


@dataclass
class SendReport:
    """What happened to the messages handed to the sender."""

    batches: int = 0
    messages: int = 0
    acknowledged: int = 0
    duplicates: int = 0
    rejected: list[dict[str, object]] = field(default_factory=list)
    by_topic: Counter[str] = field(default_factory=Counter)
    """Acknowledged messages by the topic they were routed to (logical name)."""
    retries: Counter[str] = field(default_factory=Counter)
    """Retried attempts by cause: `429`, `503`, `connect`, `5xx`, ..."""
    ids: dict[str, set[str]] = field(default_factory=dict)
    latest_event: datetime | None = None
    elapsed_s: float = 0.0
    marks: list[tuple[datetime, datetime]] = field(default_factory=list)
    """(wall-clock time, latest event time acknowledged by then), as the run fast-forwards:
    services that stamp what they compute with receipt time can be placed in event time."""

    @property
    def rate(self) -> float:
        return self.acknowledged / self.elapsed_s if self.elapsed_s > 0 else 0.0


ProgressHook = Callable[[SendReport], None]


def _first(group: BaseExceptionGroup[SendFailed]) -> SendFailed:
    found = group.exceptions[0]
    return found if isinstance(found, SendFailed) else _first(found)


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


class Sender:
    """Posts batches to `<base_url>/v1/batch` with a write key (HTTP Basic username)."""

    def __init__(
        self,
        base_url: str,
        write_key: str,
        options: SendOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
    ) -> None:
        self.options = options or SendOptions()
        self._client = httpx.AsyncClient(
            base_url=base_url,
            auth=(write_key, ""),
            timeout=self.options.timeout_s,
            transport=transport,
            limits=httpx.Limits(max_connections=self.options.concurrency),
        )
        self._sleep = sleep
        self._clock = clock or (lambda: datetime.now(UTC))
        self._next_slot = 0.0  # monotonic time the next batch may start (max_rate)

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._client.aclose()

    async def send(
        self, messages: Iterable[SimMessage], progress: ProgressHook | None = None
    ) -> SendReport:
        """Send every message; returns when all are acknowledged or rejected.

        Raises SendFailed when a batch cannot be delivered (bad write key, or still failing
        after `give_up_after_s`); what was acknowledged until then stays in the report.
        """
        report = SendReport()
        started = time.monotonic()
        queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=self.options.concurrency * 2)

        async def produce() -> None:
            for batch in batches(
                messages,
                max_events=self.options.batch_events,
                max_bytes=self.options.batch_bytes,
            ):
                await queue.put(batch)
            for _ in range(self.options.concurrency):
                await queue.put(None)

        async def work() -> None:
            while (batch := await queue.get()) is not None:
                await self._pace(len(batch.messages))
                await self._deliver(batch, report)
                report.elapsed_s = time.monotonic() - started
                if progress is not None:
                    progress(report)

        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(produce())
                for _ in range(self.options.concurrency):
                    group.create_task(work())
        except ExceptionGroup as failures:
            failed, _ = failures.split(SendFailed)
            if failed is None:
                raise
            report.elapsed_s = time.monotonic() - started
            raise _first(failed) from None
        report.elapsed_s = time.monotonic() - started
        return report

    async def _pace(self, events: int) -> None:
        """Wait for this batch's turn under `max_rate` (turns are handed out in order)."""
        rate = self.options.max_rate
        if rate is None:
            return
        now = time.monotonic()
        start = max(now, self._next_slot)
        self._next_slot = start + events / rate
        if start > now:
            await self._sleep(start - now)

    async def _deliver(self, batch: Batch, report: SendReport) -> None:
        options = self.options
        first_failure: float | None = None
        delay = options.backoff_s
        while True:
            cause, wait, response = await self._attempt(batch)
            if response is not None:
                self._record(batch, response, report)
                return
            now = time.monotonic()
            first_failure = first_failure if first_failure is not None else now
            if now - first_failure > options.give_up_after_s:
                raise SendFailed(
                    f"batch {batch.number} still failing ({cause}) after {options.give_up_after_s:.0f} s"
                )
            report.retries[cause] += 1
            if wait is None:
                wait, delay = delay, min(options.backoff_max_s, delay * 2)
            logger.debug("batch_retry", extra={"batch": batch.number, "cause": cause, "wait": wait})
            await self._sleep(wait)

    async def _attempt(self, batch: Batch) -> tuple[str, float | None, httpx.Response | None]:
        """One POST: (cause, wait, None) to retry, or ("", None, response) when it is settled."""
        body = batch.body(iso(self._clock()))
        try:
            response = await self._client.post(
                "/v1/batch", content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.TransportError as exc:
            return ("connect" if isinstance(exc, httpx.ConnectError) else "transport"), None, None
        status = response.status_code
        if status in (429, 503):
            return (
                str(status),
                retry_after(response.headers.get("Retry-After"), self._clock()),
                None,
            )
        if status >= 500:
            return "5xx", None, None
        if status in (401, 403):
            raise SendFailed(f"ingest refused the write key ({status}): {response.text[:200]}")
        return "", None, response

    def _record(self, batch: Batch, response: httpx.Response, report: SendReport) -> None:
        report.batches += 1
        report.messages += len(batch.messages)
        body = orjson.loads(response.content) if response.content else {}
        if response.status_code >= 400:
            # 400: nothing in the request was valid (or the request itself was not)
            detail = body.get("detail") if isinstance(body, dict) else None
            errors = detail.get("errors") if isinstance(detail, dict) else None
            report.rejected.extend(errors or [{"reason": "request_refused", "detail": body}])
            return
        rejected = {int(error["index"]) for error in body.get("errors", [])}
        report.rejected.extend(body.get("errors", []))
        report.duplicates += len(body.get("duplicates", []))
        for index, message in enumerate(batch.messages):
            if index in rejected:
                continue
            report.acknowledged += 1
            report.by_topic[message.topic] += 1
            if self.options.keep_ids:
                report.ids.setdefault(message.topic, set()).add(message.message_id)
            if report.latest_event is None or message.at > report.latest_event:
                report.latest_event = message.at
        if report.latest_event is not None:
            report.marks.append((self._clock(), report.latest_event))
