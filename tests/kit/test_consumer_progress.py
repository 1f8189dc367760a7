"""A consumer that is not progressing says so: stored offsets beyond the log end, or records
waiting and none applied for longer than the allowance. Pure bookkeeping, with a test clock."""

from __future__ import annotations

from aiokafka import TopicPartition

from banso_kit.kafka.progress import ConsumerProgress

USAGE = TopicPartition("test.banso.usage.v1", 0)
TRAITS = TopicPartition("test.banso.traits.v1", 0)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def progress(clock: Clock) -> ConsumerProgress:
    return ConsumerProgress(
        "scoring",
        labels={USAGE.topic: "banso.usage.v1", TRAITS.topic: "banso.traits.v1"},
        stall_after_s=60.0,
        clock=clock,
    )


def test_a_stored_offset_beyond_the_log_end_is_a_problem_at_once_and_lag_is_not_zero_by_it() -> (
    None
):
    clock = Clock()
    tracked = progress(clock)
    tracked.taken({USAGE: 65_507, TRAITS: 10})
    assert tracked.beyond_log_end({USAGE: 4_200, TRAITS: 10}) == {USAGE}
    tracked.observed({USAGE: 4_200, TRAITS: 10})
    [problem] = tracked.problems()
    assert (problem.topic, problem.partition, problem.kind) == (
        "banso.usage.v1",
        0,
        "beyond_log_end",
    )
    assert "65507" in problem.describe()
    assert "4200" in problem.describe()
    assert tracked.lag() == {"banso.usage.v1": 0, "banso.traits.v1": 0}


def test_records_waiting_with_nothing_applied_become_a_problem_after_the_allowance() -> None:
    clock = Clock()
    tracked = progress(clock)
    tracked.taken({USAGE: 100})
    tracked.observed({USAGE: 150})
    clock.now += 59
    assert tracked.problems() == []
    clock.now += 2
    [problem] = tracked.problems()
    assert problem.kind == "stalled"
    assert problem.describe().startswith(
        "banso.usage.v1[0]: 50 records waiting, none applied for 61 s"
    )
    assert tracked.total_lag() == 50

    tracked.advanced(USAGE, 120)  # a commit: progressing again
    assert tracked.problems() == []
    assert tracked.total_lag() == 30


def test_a_quiet_partition_with_nothing_waiting_is_never_stalled() -> None:
    clock = Clock()
    tracked = progress(clock)
    tracked.taken({USAGE: 100, TRAITS: None})
    tracked.observed({USAGE: 100, TRAITS: 0})
    clock.now += 3_600
    tracked.observed({USAGE: 100, TRAITS: 0})
    assert tracked.problems() == []
    assert tracked.total_lag() == 0


def test_lag_is_unknown_until_every_log_end_is_known_and_released_partitions_are_forgotten() -> (
    None
):
    clock = Clock()
    tracked = progress(clock)
    tracked.taken({USAGE: 5, TRAITS: 5})
    tracked.observed({USAGE: 9})
    assert tracked.total_lag() is None
    tracked.released([TRAITS])
    assert tracked.total_lag() == 4
    tracked.released([USAGE])
    assert tracked.total_lag() is None


def test_records_applied_after_the_log_end_was_read_are_not_beyond_it() -> None:
    # The log end was read while the topic was empty; records arrived and were applied before
    # the next read. /readyz answered 503 "beyond the log end" in between (found by fuzzing).
    clock = Clock()
    tracked = progress(clock)
    tracked.taken({USAGE: None, TRAITS: None})
    tracked.observed({USAGE: 0, TRAITS: 0})
    tracked.advanced(USAGE, 3)
    assert tracked.problems() == []
    assert tracked.lag() == {"banso.usage.v1": 0, "banso.traits.v1": 0}
