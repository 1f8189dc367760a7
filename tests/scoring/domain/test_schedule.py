"""The evaluation schedule: slots and ticks decided by stream time, not by batching."""

from __future__ import annotations

from banso_scoring.domain.schedule import Due, EvaluationSchedule, ScheduleState
from banso_scoring.domain.state import RecentIds


def schedule(state: ScheduleState | None = None) -> EvaluationSchedule:
    return EvaluationSchedule(slot_seconds=1.0, tick_seconds=60.0, state=state or ScheduleState())


def run(records: list[tuple[float, str]], cut: set[int] | None = None) -> list[Due]:
    """Feed (timestamp, account) records; ``cut`` restarts from stored state at those indexes."""
    current = schedule()
    due: list[Due] = []
    for index, (moment, key) in enumerate(records):
        if cut and index in cut:
            current = schedule(ScheduleState.from_document(current.state.to_document()))
        due += current.observe(moment)
        current.touch(key)
    return due


def test_accounts_touched_in_a_slot_are_evaluated_at_its_end() -> None:
    due = run([(100.1, "a"), (100.5, "b"), (100.9, "a"), (101.2, "c"), (103.0, "a")])
    assert due == [
        Due(at=101.0, kind="slot", accounts=("a", "b")),
        Due(at=102.0, kind="slot", accounts=("c",)),
    ]


def test_a_record_stamped_earlier_stays_in_the_open_slot() -> None:
    due = run([(100.1, "a"), (101.5, "b"), (100.8, "c"), (102.1, "a")])
    assert due == [
        Due(at=101.0, kind="slot", accounts=("a",)),
        Due(at=102.0, kind="slot", accounts=("b", "c")),
    ]


def test_ticks_follow_stream_time_and_come_after_slots_due_at_the_same_time() -> None:
    due = run([(59.5, "a"), (130.0, "b")])
    assert due == [
        Due(at=60.0, kind="slot", accounts=("a",)),
        Due(at=60.0, kind="tick", accounts=None),
        Due(at=120.0, kind="tick", accounts=None),
    ]


def test_what_is_due_does_not_depend_on_restarts() -> None:
    records = [(100.0 + i * 0.37, f"acct{i % 5}") for i in range(400)]
    assert run(records) == run(records, cut={7, 100, 101, 250})


def test_a_quiet_stream_advances_with_the_clock() -> None:
    current = schedule()
    assert current.advance(50.0) == []  # nothing seen yet: nothing to evaluate
    current.observe(10.2)
    current.touch("a")
    assert current.pending == ("a",)
    assert current.advance(10.9) == []
    assert current.advance(61.0) == [
        Due(at=11.0, kind="slot", accounts=("a",)),
        Due(at=60.0, kind="tick", accounts=None),
    ]
    assert not current.pending


def test_recent_event_ids_are_forgotten_after_the_window() -> None:
    recent = RecentIds(keep_s=60)
    recent.add(["a", "b"], at=1_000)
    recent.add(["b", "c"], at=1_030)
    assert "a" in recent
    assert len(recent) == 3
    recent.expire(now=1_065)
    assert "a" not in recent
    assert "b" not in recent  # remembered from its first application
    assert "c" in recent
