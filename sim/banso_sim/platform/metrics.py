"""Reading the services' `/metrics`: consumer lag and processed counts, to know when they caught up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True, slots=True)
class Progress:
    """One service's consumer position: messages not yet applied and applied so far."""

    service: str
    lag: float | None
    """None when the service exposes no consumer lag (yet)."""
    processed: float


def parse(service: str, text: str) -> Progress:
    lag: float | None = None
    processed = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == f"banso_{service}_consumer_lag":
                lag = (lag or 0.0) + sample.value
            elif sample.name == f"banso_{service}_messages_processed_total":
                processed += sample.value
    return Progress(service, lag, processed)


async def progress_of(client: httpx.AsyncClient, service: str, url: str) -> Progress | None:
    """The service's progress, or None when it does not answer."""
    try:
        response = await client.get(f"{url}/metrics")
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    return parse(service, response.text)


async def wait_caught_up(
    urls: Mapping[str, str],
    *,
    quiet_s: float = 5.0,
    stall_s: float = 60.0,
    timeout_s: float = 600.0,
    poll_s: float = 1.0,
    report: Callable[[dict[str, Progress | None]], None] | None = None,
) -> dict[str, Progress | None]:
    """Wait until every service reports no lag and its processed count has stood still for
    `quiet_s` (more may still trickle in from services further down the flow: scoring's health
    changes reach bridge and notify only after scoring applied them).

    A service whose lag has not moved for `stall_s` is stuck and not waited for any longer.
    Returns the last reading (on timeout too), so the caller can say who was behind."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    last: dict[str, float] = {}
    still_since = loop.time()
    moved: dict[str, tuple[float, float]] = {}  # service -> (processed, when it last changed)
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            now = loop.time()
            readings = {name: await progress_of(client, name, url) for name, url in urls.items()}
            if report is not None:
                report(readings)
            for name, reading in readings.items():
                if reading is not None and moved.get(name, (None, 0.0))[0] != reading.processed:
                    moved[name] = (reading.processed, now)

            counts = {n: r.processed for n, r in readings.items() if r is not None}
            idle = all(
                reading is None or not reading.lag or now - moved[name][1] >= stall_s
                for name, reading in readings.items()
            )
            if counts != last or not idle:
                last, still_since = counts, now
            elif now - still_since >= quiet_s:
                return readings
            if now > deadline:
                return readings
            await asyncio.sleep(poll_s)
