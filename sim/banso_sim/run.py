"""Generate a world's stream and send it to ingest, with a progress line: the simulator's run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from banso_sim.console import ProgressLine
from banso_sim.send.sender import Sender, SendOptions, SendReport
from banso_sim.stream.generate import generate
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig


def default_now() -> datetime:
    """The current hour (UTC): runs within the same hour simulate the same window."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def describe(report: SendReport, config: WorldConfig) -> str:
    day = ""
    if report.latest_event is not None:
        elapsed = (report.latest_event - config.start).total_seconds() / 86400
        day = f"day {min(config.days, int(elapsed) + 1)}/{config.days} · "
    retries = sum(report.retries.values())
    extra = f" · {retries} retries" if retries else ""
    return (
        f"  sending: {day}{report.acknowledged:,} events acknowledged · {report.rate:,.0f}/s{extra}"
    )


async def simulate(
    config: WorldConfig,
    *,
    ingest_url: str,
    write_key: str,
    options: SendOptions | None = None,
    line: ProgressLine | None = None,
    on_report: Callable[[SendReport], None] | None = None,
) -> SendReport:
    """Build the world, stream its messages to ingest in event-time order, report what was
    acknowledged."""
    world = build_world(config)
    progress = line or ProgressLine()

    def show(report: SendReport) -> None:
        progress.update(describe(report, config))
        if on_report is not None:
            on_report(report)

    async with Sender(ingest_url, write_key, options) as sender:
        report = await sender.send(generate(world), show)
    progress.done(describe(report, config).replace("sending:", "sent:   "))
    return report
