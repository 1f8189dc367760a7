"""Per-account aggregates, updated one event at a time in O(1).

Everything a measure needs is kept here, compactly, so health can be recomputed at any ``now``
(an inactivity tick, a scorecard change) without replaying raw events:

- ``days``: one bucket per UTC day (see ``durations``) with event counts by name, the set of
  active users as a bitmask over per-account user slots (exact, and tiny for accounts of a few
  hundred users), and property sums tracked for goals;
- ``feedback_days``: feedback items per day and kind, with how many were negative;
- ``surveys``: NPS/CSAT answers with their time; ``first_seen``: when each event name first
  happened (milestones); the last CS touch; the account's traits.

Lateness is judged against the account's usage *watermark*, the newest usage event time
applied, as it stood at least a grace period of arrival time ago (``settle``): an event more
than ``lateness`` older than that is counted in ``dropped_late`` and ignored, so nothing
disappears without a trace, and the health history of the days before it is final. Events that
arrive within the grace of each other are never late to one another, whatever their order, so
a backfill sent shuffled counts in full. Feedback has its own watermark (it arrives on another
topic, at another pace). Buckets older than the retention are pruned when a watermark enters a
new day (never while the account's history is not final yet). Nothing here reads a clock.

History days: ``closed_through`` is the last event-time day whose end-of-day health has been
recorded; an event applied to a day at or before it sets ``reopened_from``, so that day's close
is recorded again (revised). A day's close reads the traits and the last CS touch *as of* the
day's end (``as_of``): the trait updates and touches of the days not final yet are kept
(``trait_undo``, ``touches``), so a day revised after a late record gets the numbers a replay
in event-time order gives, not those of traits that changed after it.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from banso_scoring.domain.durations import SECONDS_PER_DAY, day_of, whole_days
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, Touch, TraitsUpdate, Usage
from banso_scoring.domain.scorecard import Scorecard

# Bounds that keep one noisy account from growing without limit.
MAX_EVENT_NAMES = 500
OTHER_EVENTS = "(other events)"
MAX_SURVEYS = 50
# Trait changes and touches kept for reading an earlier day's traits (those of days not final;
# a bound for an account whose traits change all day long).
MAX_KEPT_CHANGES = 400
_TRAIT_NAMES = (
    "seats", "plan", "arr", "renewal_at", "created_at", "timezone", "name", "csm", "csm_name",
)  # fmt: skip
SUM_SEPARATOR = "\x1f"


class Applied(Enum):
    APPLIED = "applied"
    DROPPED_LATE = "dropped_late"


@dataclass(frozen=True, slots=True)
class ApplyPolicy:
    """The parts of the scorecard that govern how events are accumulated."""

    lateness: float
    future_tolerance: float
    bucket_days: int
    record_days: int

    @classmethod
    def from_scorecard(cls, scorecard: Scorecard) -> ApplyPolicy:
        return cls(
            lateness=scorecard.lateness.total_seconds(),
            future_tolerance=scorecard.future_tolerance.total_seconds(),
            bucket_days=whole_days(scorecard.bucket_retention),
            record_days=whole_days(scorecard.record_retention + scorecard.lateness),
        )


@dataclass(slots=True)
class DayBucket:
    counts: dict[str, int] = field(default_factory=dict)
    users: int = 0
    sums: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Traits:
    seats: int | None = None
    plan: str | None = None
    arr: float | None = None
    renewal_at: float | None = None
    created_at: float | None = None
    timezone: str | None = None
    name: str | None = None
    csm: str | None = None
    csm_name: str | None = None
    updated_at: float | None = None


@dataclass(slots=True)
class AccountAggregate:
    workspace_id: str
    account_id: str
    traits: Traits = field(default_factory=Traits)
    days: dict[int, DayBucket] = field(default_factory=dict)
    user_slots: dict[str, int] = field(default_factory=dict)
    first_seen: dict[str, float] = field(default_factory=dict)
    tracked_sums: set[str] = field(default_factory=set)
    # day -> kind -> [items, negative items]
    feedback_days: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    surveys: list[tuple[float, str, float]] = field(default_factory=list)
    last_touch_at: float | None = None
    last_touch_kind: str | None = None
    watermark: float | None = None
    feedback_watermark: float | None = None
    first_event_at: float | None = None
    last_usage_at: float | None = None
    events_applied: int = 0
    dropped_late: int = 0
    clamped_future: int = 0
    # Usage stamped before this is late (None: nothing is late yet); see ``settle``.
    late_before: float | None = None
    # The watermark as it stood at stream time ``late_since``: it becomes the lateness
    # reference once a grace period of stream time has passed.
    late_candidate: float | None = None
    late_since: float | None = None
    # The last event-time day whose close (end-of-day health) is recorded, and the earliest
    # closed day that events reached afterwards.
    closed_through: int | None = None
    reopened_from: int | None = None
    # Per accepted trait update that changed something (in event-time order): its time and the
    # values it replaced; and the last touch (time, kind) of each day, in time order. Only those
    # of days not final are kept.
    trait_undo: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    touches: list[tuple[float, str]] = field(default_factory=list)
    # Day buckets changed or dropped since the owner last stored them, so storage can write
    # one day instead of the whole history (not part of the aggregate's value).
    changed_days: set[int] = field(default_factory=set, compare=False, repr=False)
    removed_days: set[int] = field(default_factory=set, compare=False, repr=False)

    @property
    def created_at(self) -> float | None:
        """The account's creation: its trait if known, else the first event seen."""
        return (
            self.traits.created_at if self.traits.created_at is not None else (self.first_event_at)
        )

    def track_sum(self, event: str, prop: str) -> None:
        """Start summing ``prop`` of ``event`` per day (for a goal); earlier days have none."""
        self.tracked_sums.add(f"{event}{SUM_SEPARATOR}{prop}")

    def _accept_record(self, at: float, policy: ApplyPolicy) -> bool:
        """Feedback and survey answers have their own watermark (another topic, another pace)
        and count as long as they still fall in a kept day: a ticket imported from a support
        desk a week late is still friction."""
        watermark = self.feedback_watermark
        if watermark is not None and day_of(at) < day_of(watermark) - policy.record_days:
            self.dropped_late += 1
            return False
        if watermark is None or at > watermark:
            self.feedback_watermark = at
            if watermark is None or day_of(at) > day_of(watermark):
                prune(self, policy)
        self._seen(at)
        return True

    def _seen(self, at: float) -> None:
        if self.first_event_at is None or at < self.first_event_at:
            self.first_event_at = at
        self.events_applied += 1
        self._reopen(day_of(at))

    def _reopen(self, day: int) -> None:
        closed = self.closed_through
        if closed is not None and day <= closed:
            reopened = self.reopened_from
            if reopened is None or day < reopened:
                self.reopened_from = day

    def _reopen_unless_final(self, at: float) -> None:
        """A trait update or a touch for a closed day that is not final: its close is recorded
        again (it reads the traits and touch of its day, see ``as_of``)."""
        if self.late_before is None or at >= self.late_before:
            self._reopen(day_of(at))

    def settle(self, stream_time: float, grace: float, policy: ApplyPolicy) -> None:
        """Move the lateness reference on: the watermark seen at least ``grace`` seconds of
        stream (arrival) time ago, less the allowance. Called when the account is evaluated."""
        since = self.late_since
        if since is None:
            self.late_since, self.late_candidate = stream_time, self.watermark
            return
        if stream_time - since < grace:
            return
        candidate = self.late_candidate
        if candidate is not None:
            floor = candidate - policy.lateness
            if self.late_before is None or floor > self.late_before:
                self.late_before = floor
                prune(self, policy)
                self._forget_changes(floor)
        self.late_since, self.late_candidate = stream_time, self.watermark

    def _forget_changes(self, before: float) -> None:
        """No day ending before ``before`` is closed again: its traits need no undoing."""
        self.trait_undo = [entry for entry in self.trait_undo if entry[0] >= before]
        older = [touch for touch in self.touches if touch[0] < before]
        self.touches = older[-1:] + [touch for touch in self.touches if touch[0] >= before]

    def as_of(self, moment: float) -> AccountAggregate:
        """The aggregate with the traits and last CS touch it had at ``moment``, a day's end
        (itself when nothing changed after it): what a day's close reads. Day buckets need no such view,
        windows end at the day they are read for."""
        undo = self.trait_undo
        late_traits = bool(undo) and undo[-1][0] > moment
        touched = self.last_touch_at
        late_touch = touched is not None and touched > moment and bool(self.touches)
        if not late_traits and not late_touch:
            return self
        traits = self.traits
        if late_traits:
            traits = replace(traits)
            for at, previous in reversed(undo):
                if at <= moment:
                    break
                for name, value in previous.items():
                    setattr(traits, name, value)
        touch_at, touch_kind = self.last_touch_at, self.last_touch_kind
        if late_touch:
            earlier = [touch for touch in self.touches if touch[0] <= moment]
            touch_at, touch_kind = earlier[-1] if earlier else (None, None)
        return replace(self, traits=traits, last_touch_at=touch_at, last_touch_kind=touch_kind)

    @property
    def final_through(self) -> int | None:
        """The last event-time day whose history no event can change any more."""
        late = self.late_before
        return None if late is None else day_of(late) - 1

    def apply_usage(self, usage: Usage, policy: ApplyPolicy) -> Applied:
        # Once per usage event: ``_accept`` and ``_seen`` are written out here, and the day is
        # computed once.
        at = usage.at
        if at > usage.received_at + policy.future_tolerance:
            # The sender's clock is ahead: trust when we received it instead.
            at = usage.received_at
            self.clamped_future += 1
        day = int(at // SECONDS_PER_DAY)
        watermark = self.watermark
        if watermark is None:
            self.watermark = at
            prune(self, policy)
        elif at > watermark:
            self.watermark = at
            if day > int(watermark // SECONDS_PER_DAY):
                prune(self, policy)
        elif self.late_before is not None and at < self.late_before:
            self.dropped_late += 1
            return Applied.DROPPED_LATE
        if self.first_event_at is None or at < self.first_event_at:
            self.first_event_at = at
        self.events_applied += 1
        closed = self.closed_through
        if closed is not None and day <= closed:
            self._reopen(day)
        bucket = self.days.get(day)
        if bucket is None:
            bucket = self.days[day] = DayBucket()
        self.changed_days.add(day)
        name = usage.name
        counts = bucket.counts
        if name not in counts and len(counts) >= MAX_EVENT_NAMES:
            name = OTHER_EVENTS
        counts[name] = counts.get(name, 0) + 1
        user = usage.user_id
        if user is not None:
            slot = self.user_slots.get(user)
            if slot is None:
                slot = self.user_slots[user] = len(self.user_slots)
            bucket.users |= 1 << slot
        seen = self.first_seen.get(name)
        if seen is None:
            if len(self.first_seen) < MAX_EVENT_NAMES:
                self.first_seen[name] = at
        elif at < seen:
            self.first_seen[name] = at
        if self.tracked_sums and usage.properties:
            self._add_sums(bucket, name, usage.properties)
        if self.last_usage_at is None or at > self.last_usage_at:
            self.last_usage_at = at
        return Applied.APPLIED

    def _add_sums(self, bucket: DayBucket, name: str, properties: Mapping[str, object]) -> None:
        for prop, value in properties.items():
            key = f"{name}{SUM_SEPARATOR}{prop}"
            # bool is an int subclass, but "true" is not an amount.
            if key in self.tracked_sums and type(value) in (int, float):
                bucket.sums[key] = bucket.sums.get(key, 0.0) + float(value)  # type: ignore[arg-type]

    def apply_traits(self, update: TraitsUpdate) -> Applied:
        traits = self.traits
        if traits.updated_at is not None and update.at < traits.updated_at:
            # An older update arriving late must not undo a newer one.
            return Applied.DROPPED_LATE
        # What it changed (most updates repeat what is known): what an earlier day undoes.
        previous: dict[str, Any] = {}
        for name in _TRAIT_NAMES:
            value = getattr(update, name)
            if value is not None or (name == "csm_name" and update.csm is not None):
                before = getattr(traits, name)
                if before != value:
                    previous[name] = before
                setattr(traits, name, value)
        traits.updated_at = update.at
        if previous:
            self.trait_undo.append((update.at, previous))
            del self.trait_undo[:-MAX_KEPT_CHANGES]
            self._reopen_unless_final(update.at)
        return Applied.APPLIED

    def apply_feedback(self, item: FeedbackItem, negative: bool, policy: ApplyPolicy) -> Applied:
        if not self._accept_record(item.at, policy):
            return Applied.DROPPED_LATE
        per_kind = self.feedback_days.setdefault(day_of(item.at), {})
        tally = per_kind.setdefault(item.kind, [0, 0])
        tally[0] += 1
        tally[1] += int(negative)
        return Applied.APPLIED

    def apply_survey(self, answer: SurveyAnswer, policy: ApplyPolicy) -> Applied:
        if not self._accept_record(answer.at, policy):
            return Applied.DROPPED_LATE
        self.surveys.append((answer.at, answer.kind, answer.score))
        self.surveys.sort()
        assert self.feedback_watermark is not None
        _trim_surveys(self, day_of(self.feedback_watermark) - policy.record_days)
        return Applied.APPLIED

    def apply_touch(self, touch: Touch) -> Applied:
        # A touch is a fact about us, not usage: it neither moves the watermark nor is late.
        if self.last_touch_at is None or touch.at >= self.last_touch_at:
            self.last_touch_at = touch.at
            self.last_touch_kind = touch.kind
        # A day's close reads the last touch before the day's end: one a day is enough.
        day = day_of(touch.at)
        touches = self.touches
        same_day = [t for t in touches if day_of(t[0]) == day]
        if not same_day or touch.at >= same_day[-1][0]:
            touches[:] = [t for t in touches if day_of(t[0]) != day]
            insort(touches, (touch.at, touch.kind))
            del touches[:-MAX_KEPT_CHANGES]
            self._reopen_unless_final(touch.at)
        return Applied.APPLIED


def prune(aggregate: AccountAggregate, policy: ApplyPolicy) -> None:
    """Drop what no window can reach any more, relative to each watermark. Day buckets stay
    while the history of their days may still be recorded (again): until ``late_before``."""
    if aggregate.watermark is not None and aggregate.late_before is not None:
        reached = min(aggregate.watermark, aggregate.late_before)
        horizon = day_of(reached) - policy.bucket_days
        old = [day for day in aggregate.days if day < horizon]
        for day in old:
            del aggregate.days[day]
        aggregate.removed_days.update(old)
        aggregate.changed_days.difference_update(old)
        if old:
            _compact_user_slots(aggregate)
    if aggregate.feedback_watermark is not None:
        horizon = day_of(aggregate.feedback_watermark) - policy.record_days
        for day in [day for day in aggregate.feedback_days if day < horizon]:
            del aggregate.feedback_days[day]
        _trim_surveys(aggregate, horizon)


def _trim_surveys(aggregate: AccountAggregate, horizon: int) -> None:
    cutoff = horizon * SECONDS_PER_DAY
    recent = [survey for survey in aggregate.surveys if survey[0] >= cutoff]
    # The last two answers are kept whatever their age: the NPS trend compares them.
    aggregate.surveys = aggregate.surveys[-2:] if len(recent) < 2 else recent[-MAX_SURVEYS:]


def _compact_user_slots(aggregate: AccountAggregate) -> None:
    """Free the slots of users no remaining bucket mentions, renumbering the rest densely."""
    alive = 0
    for bucket in aggregate.days.values():
        alive |= bucket.users
    if alive.bit_count() == len(aggregate.user_slots):
        return
    by_slot = sorted((slot, user) for user, slot in aggregate.user_slots.items())
    renumber = {}
    slots: dict[str, int] = {}
    for slot, user in by_slot:
        if alive >> slot & 1:
            renumber[slot] = slots[user] = len(slots)
    for bucket in aggregate.days.values():
        mask, users = bucket.users, 0
        while mask:
            low = mask & -mask
            users |= 1 << renumber[low.bit_length() - 1]
            mask ^= low
        bucket.users = users
    aggregate.user_slots = slots
    # Every bucket's user mask was renumbered.
    aggregate.changed_days.update(aggregate.days)
