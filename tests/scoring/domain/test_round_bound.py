"""A round's bound on health assessments changes how records are split into rounds, never what
is computed (pure: the engine in memory, what rounds would write)."""

from __future__ import annotations

from collections import deque

from banso_scoring.adapters.records import Record
from banso_scoring.domain.facts import Usage
from banso_scoring.domain.schedule import EvaluationSchedule, ScheduleState
from banso_scoring.domain.state import AccountEntry, AccountKey, Scorecards
from banso_scoring.service.engine import Engine
from banso_scoring.service.state import PartitionGroup
from banso_scoring.service.writes import RoundWrites

from .builders import T0

TOPIC = "usage"
ACCOUNTS = 40
DAYS = 12
EVENTS = 2_400


def records() -> list[Record]:
    """Events of 40 accounts over 12 days of event time, received 20 a second (a backlog of
    a dozen slots), each account's events in time order."""
    made = []
    for i in range(EVENTS):
        received = T0 + DAYS * 86_400 + i / 20
        at = T0 + i * DAYS * 86_400 / EVENTS
        key = ("ws", f"account-{i * 7 % ACCOUNTS}")
        usage = Usage("Report Created", at, received, f"user-{i % 9}", None)
        made.append(Record(TOPIC, 0, i, None, None, (), f"e{i}", received, key, usage))
    return made


Rounds = list[tuple[RoundWrites, int]]


def run(assessments: int | None) -> tuple[Rounds, dict[AccountKey, AccountEntry]]:
    """Rounds until the buffer is drained: what each wrote and the offset it would commit."""
    accounts: dict[AccountKey, AccountEntry] = {}
    engine = Engine(scorecards=Scorecards(), accounts=accounts, topic_order={TOPIC: 0})
    group = PartitionGroup(
        partition=0,
        schedule=EvaluationSchedule(slot_seconds=5, tick_seconds=300, state=ScheduleState()),
    )
    group.buffers[TOPIC] = deque(records())
    rounds = []
    while group.buffers[TOPIC]:
        writes = RoundWrites()
        engine.merge(group, lambda _topic: True, writes, 1_000, assessments)
        rounds.append((writes, group.next_offsets[TOPIC]))
    return rounds, accounts


def test_bounded_rounds_compute_what_unbounded_rounds_compute() -> None:
    bounded_rounds, bounded_accounts = run(assessments=30)
    unbounded_rounds, unbounded_accounts = run(assessments=None)
    bounded = [writes for writes, _ in bounded_rounds]
    unbounded = [writes for writes, _ in unbounded_rounds]
    # The bound took effect: more rounds, each stopping soon after its bound was reached.
    assert len(bounded) > len(unbounded)
    assert sum(sum(w.applied.values()) for w in bounded) == EVENTS
    # The same history, evaluations and published changes, in the same order.
    assert [row for w in bounded for row in w.history] == [
        row for w in unbounded for row in w.history
    ]
    assert [event.event_id for w in bounded for event in w.events] == [
        event.event_id for w in unbounded for event in w.events
    ]
    assert sum(w.evaluations for w in bounded) == sum(w.evaluations for w in unbounded)
    assert {k: e.aggregate for k, e in bounded_accounts.items()} == {
        k: e.aggregate for k, e in unbounded_accounts.items()
    }


def test_a_bounded_round_commits_the_offset_after_the_last_record_it_applied() -> None:
    rounds, _ = run(assessments=30)
    committed = 0
    for writes, next_offset in rounds:
        applied = writes.applied[TOPIC]
        # Stopped early (the records are at offsets 0, 1, 2...), yet never empty.
        assert 0 < applied < 1_000
        assert next_offset == committed + applied
        committed = next_offset
    assert committed == EVENTS
