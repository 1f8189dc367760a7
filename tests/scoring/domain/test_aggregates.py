"""Per-account aggregates: O(1) event application, lateness, skew, pruning, serialisation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import orjson

from banso_scoring.domain.aggregate_codec import from_document, to_document
from banso_scoring.domain.aggregates import (
    MAX_EVENT_NAMES,
    OTHER_EVENTS,
    AccountAggregate,
    Applied,
    ApplyPolicy,
)
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, Touch, TraitsUpdate, Usage
from banso_scoring.domain.windows import active_users, day_range, event_count

from .builders import DAY, T0, account, health_at, policy_of, scorecard, ts, use

CARD = scorecard()
POLICY = policy_of(CARD)
DAY0 = day_of(T0)
GRACE = 3_600.0


def settled(agg: AccountAggregate, day: float) -> None:
    """The account's watermark seen at stream time ``day`` and again a grace period later:
    lateness is now judged against it."""
    agg.settle(ts(day), GRACE, POLICY)
    agg.settle(ts(day) + GRACE, GRACE, POLICY)


def test_usage_lands_in_its_utc_day_with_distinct_users() -> None:
    agg = account()
    for user in ("u1", "u2", "u1"):
        use(agg, POLICY, 0, user, "Report Created")
    use(agg, POLICY, 1, "u3", "Page Viewed")
    assert agg.days[DAY0].counts == {"Report Created": 3}
    assert active_users(agg, [DAY0]) == 2
    assert active_users(agg, [DAY0, DAY0 + 1]) == 3
    assert agg.events_applied == 4
    assert agg.last_usage_at == ts(1)


def test_a_late_event_within_the_lateness_lands_in_its_own_day() -> None:
    agg = account()
    use(agg, POLICY, 5, "u1")
    use(agg, POLICY, 4, "u2", hours=0)  # 36 hours late; lateness is 2 days
    assert event_count(agg, [DAY0 + 4]) == 1
    assert active_users(agg, [DAY0 + 4]) == 1
    assert agg.dropped_late == 0


def test_an_event_later_than_the_lateness_is_counted_as_dropped_not_lost() -> None:
    agg = account()
    use(agg, POLICY, 10, "u1")
    settled(agg, 10)
    assert agg.late_before == ts(10) - 2 * DAY
    assert agg.final_through == DAY0 + 7
    before = to_document(agg)
    outcome = agg.apply_usage(
        Usage(name="Page Viewed", at=ts(7), received_at=ts(10), user_id="u9"), POLICY
    )
    assert outcome is Applied.DROPPED_LATE
    assert agg.dropped_late == 1
    after = to_document(agg)
    after["dropped_late"] = before["dropped_late"]
    assert after == before


def test_events_arriving_within_the_grace_are_never_late_to_one_another() -> None:
    # A backfill sent shuffled: day 30 first, then day 1, all within the grace period.
    agg = account()
    use(agg, POLICY, 30, "u1", received_day=30)
    agg.settle(ts(30), GRACE, POLICY)
    use(agg, POLICY, 1, "u2", received_day=30)
    agg.settle(ts(30) + GRACE / 2, GRACE, POLICY)
    assert agg.dropped_late == 0
    assert event_count(agg, [DAY0 + 1]) == 1
    # A grace period after the watermark reached day 30, day 1 is final.
    agg.settle(ts(30) + GRACE, GRACE, POLICY)
    assert (
        agg.apply_usage(Usage(name="x", at=ts(2), received_at=ts(30) + GRACE, user_id="u3"), POLICY)
        is Applied.DROPPED_LATE
    )


def test_an_event_for_a_closed_day_reopens_it() -> None:
    agg = account()
    use(agg, POLICY, 10, "u1")
    agg.closed_through = DAY0 + 9
    use(agg, POLICY, 9, "u2", received_day=10)
    use(agg, POLICY, 8, "u2", received_day=10)
    use(agg, POLICY, 10, "u3")
    assert agg.reopened_from == DAY0 + 8


def test_an_event_from_a_clock_running_ahead_counts_when_it_was_received() -> None:
    agg = account()
    # Stamped two days in the future by the sender; ingest received it on day 3.
    use(agg, POLICY, 5, "u1", received_day=3)
    assert agg.clamped_future == 1
    assert event_count(agg, [DAY0 + 3]) == 1
    assert event_count(agg, [DAY0 + 5]) == 0
    assert agg.watermark == ts(3)


def test_a_little_clock_skew_within_tolerance_is_kept() -> None:
    agg = account()
    agg.apply_usage(Usage(name="x", at=ts(3) + 60, received_at=ts(3), user_id="u1"), POLICY)
    assert agg.clamped_future == 0
    assert agg.watermark == ts(3) + 60


def test_old_buckets_are_pruned_and_user_slots_reused() -> None:
    agg = account()
    for day in range(3):
        use(agg, POLICY, day, f"old{day}")
    use(agg, POLICY, 30, "recent")
    assert len(agg.user_slots) == 4
    use(agg, POLICY, 5 + POLICY.bucket_days, "recent")
    # Nothing is pruned while the history of those days may still be recorded.
    assert min(agg.days) == DAY0
    settled(agg, 5 + POLICY.bucket_days)
    assert min(agg.days) == DAY0 + 30
    assert agg.user_slots == {"recent": 0}
    assert active_users(agg, day_range(DAY0 + 5 + POLICY.bucket_days, 40)) == 1


def test_pruning_keeps_every_remaining_users_identity() -> None:
    agg = account()
    use(agg, POLICY, 0, "gone")
    for day in (20, 21):
        for user in ("a", "b", "c"):
            use(agg, POLICY, day, user)
    use(agg, POLICY, 22, "d")
    use(agg, POLICY, 3 + POLICY.bucket_days, "a")
    settled(agg, 3 + POLICY.bucket_days)  # prunes day 0 only
    assert "gone" not in agg.user_slots
    assert sorted(agg.user_slots.values()) == [0, 1, 2, 3]
    assert active_users(agg, [DAY0 + 20]) == 3
    assert active_users(agg, [DAY0 + 20, DAY0 + 22, DAY0 + 3 + POLICY.bucket_days]) == 4


def test_newer_traits_win_and_partial_updates_keep_known_traits() -> None:
    agg = AccountAggregate(workspace_id="ws_1", account_id="acme")
    agg.apply_traits(TraitsUpdate(at=ts(1), seats=20, plan="pro"))
    agg.apply_traits(TraitsUpdate(at=ts(2), plan="enterprise"))
    assert (agg.traits.seats, agg.traits.plan) == (20, "enterprise")
    assert agg.apply_traits(TraitsUpdate(at=ts(1, 18), seats=5)) is Applied.DROPPED_LATE
    assert agg.traits.seats == 20


def test_a_new_owner_never_keeps_the_previous_owners_name() -> None:
    agg = AccountAggregate("ws", "acme")
    agg.apply_traits(TraitsUpdate(at=ts(1), csm="mb@example.com", csm_name="Michael Brooks"))
    agg.apply_traits(TraitsUpdate(at=ts(2), plan="pro"))  # says nothing of the owner
    assert (agg.traits.csm, agg.traits.csm_name) == ("mb@example.com", "Michael Brooks")
    agg.apply_traits(TraitsUpdate(at=ts(3), csm="aiko@example.com"))  # a new owner, no name
    assert (agg.traits.csm, agg.traits.csm_name) == ("aiko@example.com", None)
    assert agg.as_of(ts(2, 23)).traits.csm_name == "Michael Brooks"


def test_feedback_has_its_own_watermark() -> None:
    agg = account()
    use(agg, POLICY, 30, "u1")
    # The feedback topic lags behind the usage topic: a ticket from day 20 still counts.
    item = FeedbackItem(at=ts(20), kind="support_ticket", text="broken")
    assert agg.apply_feedback(item, True, POLICY) is Applied.APPLIED
    assert agg.feedback_days[DAY0 + 20] == {"support_ticket": [1, 1]}
    too_old = FeedbackItem(at=ts(20 - POLICY.record_days - 1), kind="support_ticket")
    assert agg.apply_feedback(too_old, False, POLICY) is Applied.DROPPED_LATE


def test_surveys_stay_in_time_order_and_the_last_two_are_kept() -> None:
    agg = account()
    agg.apply_survey(SurveyAnswer(at=ts(5), kind="nps", score=9), POLICY)
    agg.apply_survey(SurveyAnswer(at=ts(2), kind="csat", score=4), POLICY)
    assert [kind for _, kind, _ in agg.surveys] == ["csat", "nps"]
    agg.apply_survey(SurveyAnswer(at=ts(5 + POLICY.record_days + 2), kind="nps", score=3), POLICY)
    assert [score for _, _, score in agg.surveys] == [9, 3]


def test_touches_keep_the_latest_whatever_the_arrival_order() -> None:
    agg = account()
    agg.apply_touch(Touch(at=ts(5), kind="csm_note"))
    agg.apply_touch(Touch(at=ts(3), kind="nudge"))
    assert (agg.last_touch_at, agg.last_touch_kind) == (ts(5), "csm_note")


def test_an_earlier_moment_reads_the_traits_and_touch_the_account_had_then() -> None:
    agg = account(seats=20, plan="pro")
    agg.apply_touch(Touch(at=ts(2), kind="nudge"))
    agg.apply_traits(TraitsUpdate(at=ts(5), seats=40))
    agg.apply_traits(TraitsUpdate(at=ts(7), plan="enterprise", arr=900.0))
    agg.apply_touch(Touch(at=ts(6), kind="csm_note"))
    day_4 = agg.as_of(ts(4, 24))
    assert (day_4.traits.seats, day_4.traits.plan, day_4.traits.arr) == (20, "pro", None)
    assert (day_4.last_touch_at, day_4.last_touch_kind) == (ts(2), "nudge")
    day_6 = agg.as_of(ts(6, 24))
    assert (day_6.traits.seats, day_6.traits.plan) == (40, "pro")
    assert (day_6.last_touch_at, day_6.last_touch_kind) == (ts(6), "csm_note")
    # The account itself is untouched, and a moment after every change reads it as it is.
    assert (agg.traits.seats, agg.traits.plan, agg.last_touch_kind) == (
        40,
        "enterprise",
        "csm_note",
    )
    assert agg.as_of(ts(8)) is agg


def test_only_what_a_days_end_can_read_is_kept_for_earlier_days() -> None:
    agg = account(seats=20)
    agg.apply_traits(TraitsUpdate(at=ts(3), seats=20, plan="pro"))  # nothing new
    agg.apply_traits(TraitsUpdate(at=ts(4), seats=25, plan="pro"))
    agg.apply_touch(Touch(at=ts(5, 9), kind="nudge"))
    agg.apply_touch(Touch(at=ts(5, 17), kind="csm_note"))
    agg.apply_touch(Touch(at=ts(5, 8), kind="nudge"))  # earlier that day, arriving late
    assert [at for at, _ in agg.trait_undo if at > ts(0)] == [ts(4)]
    assert agg.trait_undo[-1][1] == {"seats": 20}
    assert agg.touches == [(ts(5, 17), "csm_note")]
    assert agg.as_of(ts(4, 24) - 1).last_touch_at is None


def test_changes_of_final_days_are_forgotten() -> None:
    agg = account()
    agg.apply_traits(TraitsUpdate(at=ts(1), seats=30))
    agg.apply_touch(Touch(at=ts(1), kind="nudge"))
    agg.apply_touch(Touch(at=ts(2), kind="nudge"))
    agg.apply_traits(TraitsUpdate(at=ts(20), seats=50))
    agg.apply_touch(Touch(at=ts(20), kind="csm_note"))
    use(agg, POLICY, 20, "u1")
    settled(agg, 20)
    assert agg.late_before == ts(20) - POLICY.lateness
    assert [at for at, _ in agg.trait_undo] == [ts(20)]
    # The last touch before the final days stays: it is the one those days' ends read.
    assert [at for at, _ in agg.touches] == [ts(2), ts(20)]
    assert agg.as_of(ts(19)).traits.seats == 30


def test_property_sums_are_kept_only_for_tracked_goals() -> None:
    agg = account()
    agg.track_sum("Order Placed", "amount")
    use(agg, POLICY, 1, "u1", "Order Placed", properties={"amount": 120.5, "items": 3})
    use(agg, POLICY, 1, "u1", "Order Placed", properties={"amount": 10, "flag": True})
    use(agg, POLICY, 1, "u1", "Order Placed", properties={"amount": True})
    use(agg, POLICY, 1, "u1", "Order Placed", properties={"amount": "12"})
    assert agg.days[DAY0 + 1].sums == {"Order Placed\x1famount": 130.5}


def test_event_names_are_bounded_per_day() -> None:
    agg = account()
    for index in range(MAX_EVENT_NAMES + 3):
        use(agg, POLICY, 1, "u1", f"event {index}")
    counts = agg.days[DAY0 + 1].counts
    assert len(counts) == MAX_EVENT_NAMES + 1
    assert counts[OTHER_EVENTS] == 3


def test_serialised_aggregates_round_trip_exactly() -> None:
    agg = account(renewal_day=40)
    agg.track_sum("Order Placed", "amount")
    for day in range(0, 20, 3):
        for user in range(70):  # more than 64 users: bitmasks beyond one machine word
            use(agg, POLICY, day, f"user-{user}", "Order Placed", properties={"amount": user})
    agg.apply_feedback(FeedbackItem(at=ts(4), kind="support_ticket"), True, POLICY)
    agg.apply_survey(SurveyAnswer(at=ts(6), kind="nps", score=7), POLICY)
    agg.apply_touch(Touch(at=ts(8), kind="nudge"))
    document = orjson.loads(orjson.dumps(to_document(agg)))
    restored = from_document(document)
    assert to_document(restored) == to_document(agg)
    assert health_at(restored, CARD, 20) == health_at(agg, CARD, 20)


def test_dst_changes_in_the_accounts_zone_neither_split_nor_merge_days() -> None:
    new_york = ZoneInfo("America/New_York")
    agg = account()
    agg.apply_traits(TraitsUpdate(at=ts(0), timezone="America/New_York"))
    policy = ApplyPolicy(lateness=2 * DAY, future_tolerance=300, bucket_days=400, record_days=400)
    local_times = [
        datetime(2025, 3, 8, 23, 30, tzinfo=new_york),
        datetime(2025, 3, 9, 1, 59, tzinfo=new_york),
        datetime(2025, 3, 9, 3, 0, tzinfo=new_york),  # an hour after 01:59 (02:xx skipped)
        datetime(2025, 11, 2, 1, 30, tzinfo=new_york, fold=0),
        datetime(2025, 11, 2, 1, 30, tzinfo=new_york, fold=1),  # the same wall time, again
        datetime(2025, 11, 2, 23, 0, tzinfo=new_york),
    ]
    for local in local_times:
        at = local.timestamp()
        agg.apply_usage(Usage(name="x", at=at, received_at=at, user_id="u1"), policy)
    assert agg.dropped_late == 0
    per_day = {day: bucket.counts["x"] for day, bucket in agg.days.items()}
    assert sum(per_day.values()) == len(local_times)
    expected = [day_of(local.timestamp()) for local in local_times]
    assert per_day == {day: expected.count(day) for day in set(expected)}
    # Both 01:30s of the November fall-back are kept, in the UTC day 2 November.
    both = [day_of(local.timestamp()) for local in local_times[3:5]]
    assert both[0] == both[1]


def test_changed_and_dropped_days_are_tracked_for_storage() -> None:
    agg = account()
    use(agg, POLICY, 0, "u1")
    use(agg, POLICY, 1, "u1")
    assert agg.changed_days == {DAY0, DAY0 + 1}
    agg.changed_days.clear()
    use(agg, POLICY, 1, "u2")
    assert agg.changed_days == {DAY0 + 1}
    agg.changed_days.clear()
    use(agg, POLICY, 3 + POLICY.bucket_days, "u2")
    settled(agg, 3 + POLICY.bucket_days)  # day 0 falls out of the window
    assert DAY0 in agg.removed_days
    assert DAY0 not in agg.changed_days
    assert DAY0 + 3 + POLICY.bucket_days in agg.changed_days
