"""The header's workspace names: read from ingest a page at a time, kept for a while, and never
the reason a page fails."""

from __future__ import annotations

import asyncio

from banso_console.adapters.workspace_names import WorkspaceNames
from banso_kit.errors import ServiceUnavailable


class Ingest:
    """Ingest's workspace names as the console reads them, and how often it was asked."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.down = False
        self.asked = 0

    async def workspace_names(self, *, actor: str) -> dict[str, str]:
        self.asked += 1
        if self.down:
            raise ServiceUnavailable("ingest did not answer (ConnectError)")
        return dict(self.names)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def directory(ingest: Ingest, clock: Clock) -> WorkspaceNames:
    return WorkspaceNames(ingest, ttl_s=60, missing_retry_s=10, clock=clock)


async def test_names_are_read_once_and_kept_for_a_minute() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics", "ws_2": "Acme"}), Clock()
    names = directory(ingest, clock)
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics"}
    ingest.names["ws_1"] = "Sora Analytics KK"
    clock.now += 59
    assert await names.of(["ws_1", "ws_2"], actor="a@x") == {
        "ws_1": "Sora Analytics",
        "ws_2": "Acme",
    }
    assert ingest.asked == 1
    clock.now += 1  # a minute: read again, the new name shows
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics KK"}
    assert ingest.asked == 2


async def test_a_workspace_created_since_is_looked_for_again_after_ten_seconds() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics"}), Clock()
    names = directory(ingest, clock)
    await names.of(["ws_1"], actor="a@x")
    ingest.names["ws_new"] = "New Co"
    clock.now += 5
    assert await names.of(["ws_new"], actor="a@x") == {}  # the id shows meanwhile
    clock.now += 5
    assert await names.of(["ws_new"], actor="a@x") == {"ws_new": "New Co"}
    assert ingest.asked == 2


async def test_when_ingest_does_not_answer_the_names_known_stay_and_nothing_fails() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics"}), Clock()
    names = directory(ingest, clock)
    await names.of(["ws_1"], actor="a@x")
    ingest.down = True
    clock.now += 60
    assert await names.of(["ws_1", "ws_2"], actor="a@x") == {"ws_1": "Sora Analytics"}
    fresh = directory(ingest, Clock())
    assert await fresh.of(["ws_1"], actor="a@x") == {}  # ids only, the page still renders


class SlowIngest(Ingest):
    def __init__(self, names: dict[str, str]) -> None:
        super().__init__(names)
        self.answer = asyncio.Event()

    async def workspace_names(self, *, actor: str) -> dict[str, str]:
        await self.answer.wait()
        return await super().workspace_names(actor=actor)


async def test_a_slow_ingest_holds_a_page_half_a_second_at_most() -> None:
    ingest, clock = SlowIngest({"ws_1": "Sora Analytics"}), Clock()
    names = WorkspaceNames(ingest, wait_s=0.05, clock=clock)
    assert await names.of(["ws_1"], actor="a@x") == {}  # the page goes on with the id
    ingest.answer.set()
    await asyncio.sleep(0.01)  # the reading finishes in the background
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics"}
    assert ingest.asked == 1
