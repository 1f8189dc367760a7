"""The event stream: deterministic, in event-time order, inside the window, shaped like Segment."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice

import orjson
import pytest

from banso_sim.stream.generate import generate
from banso_sim.stream.messages import (
    ACCOUNT_TRAITS_TOPIC,
    FEEDBACK_TOPIC,
    USAGE_TOPIC,
    USER_TRAITS_TOPIC,
    SimMessage,
)
from banso_sim.world.build import build_world
from banso_sim.world.catalog import FEEDBACK_EVENTS
from banso_sim.world.model import Archetype, World, WorldConfig

NOW = datetime(2025, 6, 30, 5, 0, tzinfo=UTC)
GROUP_TRAITS = {"name", "plan", "seats", "arr", "renewal_date", "timezone", "locale", "csm_email", "created_at"}  # fmt: skip
USER_TRAITS = {"email", "name", "role", "locale", "timezone", "created_at"}


def digest(messages: list[SimMessage]) -> str:
    return hashlib.sha256(b"".join(orjson.dumps(m.payload) for m in messages)).hexdigest()


@dataclass
class Summary:
    """What one pass over a stream saw (the stream is too big to keep)."""

    count: int = 0
    topics: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    ids: set[str] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None
    in_order: bool = True
    largest: int = 0
    first_kind: dict[str, str] = field(default_factory=dict)
    usage_by_day: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    utilisation: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    bad: list[str] = field(default_factory=list)
    feedback_texts: list[tuple[str, str]] = field(default_factory=list)


def summarise(world: World) -> Summary:
    summary = Summary()
    start = world.config.start
    for message in generate(world):
        p = message.payload
        summary.count += 1
        summary.topics[message.topic] += 1
        summary.events[p.get("event") or p["type"]] += 1
        summary.ids.add(message.message_id)
        if summary.last is not None and message.at < summary.last:
            summary.in_order = False
        summary.first = summary.first or message.at
        summary.last = message.at
        summary.largest = max(summary.largest, len(orjson.dumps(p)))
        summary.first_kind.setdefault(message.account_id, p["type"])
        stamp = datetime.fromisoformat(p["timestamp"])
        if stamp != message.at.astimezone(UTC).replace(microsecond=stamp.microsecond):
            summary.bad.append(f"timestamp {p['timestamp']} differs from {message.at}")
        if "userId" not in p and "anonymousId" not in p:
            summary.bad.append(f"{p['messageId']} names nobody")
        if p["context"]["groupId"] != message.account_id:
            summary.bad.append(f"{p['messageId']} lacks context.groupId")
        if p["type"] == "track" and not p.get("event"):
            summary.bad.append(f"{p['messageId']} is a track without an event")
        if p["type"] == "group":
            if missing := GROUP_TRAITS - set(p["traits"]):
                summary.bad.append(f"group without {missing}")
            summary.utilisation[message.account_id].append(
                p["traits"]["seats_used"] / p["traits"]["seats"]
            )
        if p["type"] == "identify" and (missing := USER_TRAITS - set(p["traits"])):
            summary.bad.append(f"identify without {missing}")
        if message.topic == USAGE_TOPIC:
            summary.usage_by_day[message.account_id][(message.at - start).days] += 1
        if message.topic == FEEDBACK_TOPIC:
            summary.feedback_texts.append((p["event"], p["properties"]["text"]))
    return summary


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(WorldConfig(now=NOW, seed=3, accounts=60, users=900))


@pytest.fixture(scope="module")
def summary(world: World) -> Summary:
    return summarise(world)


def test_the_same_world_streams_the_same_messages() -> None:
    config = WorldConfig(now=NOW, seed=5, accounts=12, users=150, days=30)
    first = list(generate(build_world(config)))
    second = list(generate(build_world(config)))
    assert digest(first) == digest(second)
    other = list(generate(build_world(WorldConfig(now=NOW, seed=6, accounts=12, users=150, days=30))))  # fmt: skip
    assert digest(first) != digest(other)


def test_a_later_now_shifts_the_window_not_the_story() -> None:
    config = WorldConfig(now=NOW, seed=5, accounts=5, users=60, days=20)
    later = WorldConfig(now=NOW + timedelta(days=1), seed=5, accounts=5, users=60, days=20)
    first = list(islice(generate(build_world(config)), 50))
    second = list(islice(generate(build_world(later)), 50))
    assert [m.payload["type"] for m in first] == [m.payload["type"] for m in second]
    assert all(b.at - a.at == timedelta(days=1) for a, b in zip(first, second, strict=True))


def test_messages_fall_inside_the_window_in_event_time_order(
    world: World, summary: Summary
) -> None:
    assert summary.in_order
    assert summary.first is not None
    assert summary.last is not None
    assert world.config.start <= summary.first
    assert summary.last < NOW
    assert summary.last - summary.first > timedelta(days=85)


def test_messages_are_valid_segment_messages(summary: Summary) -> None:
    assert summary.bad == []
    assert len(summary.ids) == summary.count  # unique messageIds
    assert summary.largest < 32 * 1024  # ingest's per-event limit


def test_every_kind_of_message_and_topic_is_sent(world: World, summary: Summary) -> None:
    assert set(summary.topics) == {
        USAGE_TOPIC,
        USER_TRAITS_TOPIC,
        ACCOUNT_TRAITS_TOPIC,
        FEEDBACK_TOPIC,
    }
    assert summary.topics[USER_TRAITS_TOPIC] >= 0.99 * len(world.users)
    for name in ("Signed In", "page", "Report Created", "Dashboard Viewed", "User Invited"):
        assert summary.events[name] > 0, name
    for name in FEEDBACK_EVENTS.values():
        assert summary.events[name] > 0, name


def test_each_account_is_described_before_it_is_used(summary: Summary) -> None:
    assert set(summary.first_kind.values()) == {"group"}


def test_stories_show_in_usage(world: World, summary: Summary) -> None:
    days = world.config.days

    def per_day(account_id: str, first: int, last: int) -> float:
        counts = summary.usage_by_day[account_id]
        return sum(counts[d] for d in range(first, last)) / (last - first)

    for account in world.accounts:
        early, late = per_day(account.id, 0, 21), per_day(account.id, days - 10, days)
        if account.archetype is Archetype.CHURNING:
            assert late == 0, account.name  # gone quiet: absence is the signal
        if account.archetype is Archetype.DECLINING and early > 5:
            assert late < early * 0.75, account.name
    expanding = [a for a in world.accounts if a.archetype is Archetype.EXPANDING]
    assert all(max(summary.utilisation[a.id]) > 0.85 for a in expanding)


def test_feedback_arrives_in_both_languages_in_varied_words(summary: Summary) -> None:
    texts = [text for _, text in summary.feedback_texts]
    japanese = [t for t in texts if any("\u3040" <= ch <= "\u30ff" for ch in t)]
    assert len(japanese) > len(texts) * 0.4
    assert len(texts) - len(japanese) > len(texts) * 0.1
    tickets = [text for event, text in summary.feedback_texts if event == "Support Ticket Created"]
    assert len(set(tickets)) > 0.8 * len(tickets)
    assert not any("{" in text for text in texts)  # every slot filled
