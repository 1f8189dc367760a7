"""Names kept for the ids a page would show (workspaces in the header, sources on the live events
page): read from ingest a scope at a time, kept for a while, and never the reason a page fails."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from banso_console.adapters.kept_names import KeptNames
from banso_kit.errors import NotFound, ServiceUnavailable


class Ingest:
    """Ingest's names by scope as the console reads them, and how often it was asked."""

    def __init__(self, names: dict[str, str], **scopes: dict[str, str]) -> None:
        self.scopes = {"": names, **scopes}
        self.down = False
        self.asked: list[str] = []

    @property
    def names(self) -> dict[str, str]:
        return self.scopes[""]

    async def read(self, scope: str, actor: str) -> Mapping[str, str]:
        self.asked.append(scope)
        if self.down:
            raise ServiceUnavailable("ingest did not answer (ConnectError)")
        if scope not in self.scopes:
            raise NotFound(f"no workspace {scope!r}")
        return dict(self.scopes[scope])


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def kept(ingest: Ingest, clock: Clock) -> KeptNames:
    return KeptNames(ingest.read, what="workspace", ttl_s=60, missing_retry_s=10, clock=clock)


async def test_names_are_read_once_and_kept_for_a_minute() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics", "ws_2": "Acme"}), Clock()
    names = kept(ingest, clock)
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics"}
    ingest.names["ws_1"] = "Sora Analytics KK"
    clock.now += 59
    assert await names.of(["ws_1", "ws_2"], actor="a@x") == {
        "ws_1": "Sora Analytics",
        "ws_2": "Acme",
    }
    assert len(ingest.asked) == 1
    clock.now += 1  # a minute: read again, the new name shows
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics KK"}
    assert len(ingest.asked) == 2


async def test_an_id_created_since_is_looked_for_again_after_ten_seconds() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics"}), Clock()
    names = kept(ingest, clock)
    await names.of(["ws_1"], actor="a@x")
    ingest.names["ws_new"] = "New Co"
    clock.now += 5
    assert await names.of(["ws_new"], actor="a@x") == {}  # the id shows meanwhile
    clock.now += 5
    assert await names.of(["ws_new"], actor="a@x") == {"ws_new": "New Co"}
    assert len(ingest.asked) == 2


async def test_when_ingest_does_not_answer_the_names_known_stay_and_nothing_fails() -> None:
    ingest, clock = Ingest({"ws_1": "Sora Analytics"}), Clock()
    names = kept(ingest, clock)
    await names.of(["ws_1"], actor="a@x")
    ingest.down = True
    clock.now += 60
    assert await names.of(["ws_1", "ws_2"], actor="a@x") == {"ws_1": "Sora Analytics"}
    fresh = kept(ingest, Clock())
    assert await fresh.of(["ws_1"], actor="a@x") == {}  # ids only, the page still renders


class SlowIngest(Ingest):
    def __init__(self, names: dict[str, str]) -> None:
        super().__init__(names)
        self.answer = asyncio.Event()

    async def read(self, scope: str, actor: str) -> Mapping[str, str]:
        await self.answer.wait()
        return await super().read(scope, actor)


async def test_a_slow_ingest_holds_a_page_half_a_second_at_most() -> None:
    ingest, clock = SlowIngest({"ws_1": "Sora Analytics"}), Clock()
    names = KeptNames(ingest.read, what="workspace", wait_s=0.05, clock=clock)
    assert await names.of(["ws_1"], actor="a@x") == {}  # the page goes on with the id
    ingest.answer.set()
    await asyncio.sleep(0.01)  # the reading finishes in the background
    assert await names.of(["ws_1"], actor="a@x") == {"ws_1": "Sora Analytics"}
    assert len(ingest.asked) == 1


async def test_each_workspaces_sources_are_kept_apart_and_read_once_a_minute() -> None:
    ingest = Ingest(
        {}, ws_a={"src_1": "web backend"}, ws_b={"src_1": "billing", "src_2": "mobile app"}
    )
    clock = Clock()
    sources = KeptNames(ingest.read, what="source", clock=clock)
    # a page refreshed every 2 s for 58 s asks ingest once per workspace
    for _ in range(30):
        assert await sources.of(["src_1"], actor="a@x", scope="ws_a") == {"src_1": "web backend"}
        assert await sources.of(["src_1", "src_2"], actor="a@x", scope="ws_b") == {
            "src_1": "billing",
            "src_2": "mobile app",
        }
        clock.now += 2
    assert ingest.asked == ["ws_a", "ws_b"]
    await sources.of(["src_1"], actor="a@x", scope="ws_a")  # at 60 s: read again
    assert ingest.asked == ["ws_a", "ws_b", "ws_a"]


async def test_names_a_page_read_anyway_are_kept_without_asking_again() -> None:
    ingest, clock = Ingest({}, ws_a={"src_1": "web backend"}), Clock()
    sources = KeptNames(ingest.read, what="source", clock=clock)
    # the sources page or the events page itself listed the workspace's sources
    sources.remember({"src_1": "web backend", "src_new": "new app"}, scope="ws_a")
    assert await sources.of(["src_new"], actor="a@x", scope="ws_a") == {"src_new": "new app"}
    assert ingest.asked == []


async def test_a_workspace_ingest_does_not_know_shows_its_sources_ids() -> None:
    ingest, clock = Ingest({}), Clock()
    sources = KeptNames(ingest.read, what="source", clock=clock)
    assert await sources.of(["src_1"], actor="a@x", scope="ws_gone") == {}
    clock.now += 10
    assert await sources.of(["src_1"], actor="a@x", scope="ws_gone") == {}
    assert ingest.asked == ["ws_gone", "ws_gone"]  # looked for again at most every 10 s


async def test_a_page_with_no_id_to_name_does_not_ask() -> None:
    ingest, clock = Ingest({}, ws_a={"tok_1": "deploy from CI"}), Clock()
    tokens = KeptNames(ingest.read, what="token", clock=clock)
    # a playbook none of whose versions was saved with an API token
    assert await tokens.of([], actor="a@x", scope="ws_a") == {}
    assert ingest.asked == []
