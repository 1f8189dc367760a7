"""Applying merged records to accounts and evaluating them when the schedule says so.

No I/O here: the loop feeds decoded records in, and collects what the round must write (account
rows, history, HealthChanged events, dead letters, processed ids) from ``RoundWrites``.

The schedule runs on stream time (when events arrived); every evaluation is *as of* the
partition's event time, and each account's history gets the health at the end of every
event-time day before it (a day's close), recorded again when events for a closed day arrive
within the lateness allowance.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator

from banso_scoring.adapters.health_events import Cause, health_changed_json, health_event_id
from banso_scoring.adapters.records import Record
from banso_scoring.adapters.translate import AccountFacts
from banso_scoring.domain.aggregates import AccountAggregate, Applied, ApplyPolicy
from banso_scoring.domain.durations import day_of, from_epoch
from banso_scoring.domain.evaluation import evaluate_plain, glance
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, Touch, TraitsUpdate, Usage
from banso_scoring.domain.published import Published, health_document
from banso_scoring.domain.schedule import Due
from banso_scoring.domain.state import AccountEntry, AccountKey, Scorecards
from banso_scoring.service.days import close_account_days
from banso_scoring.service.state import PartitionGroup
from banso_scoring.service.writes import RoundWrites

SEPARATOR = "\x1f"
DROPPED_LATE = Applied.DROPPED_LATE
NO_TIME = float("-inf")


def account_key(text: str) -> AccountKey:
    workspace, _, account = text.partition(SEPARATOR)
    return workspace, account


class Engine:
    def __init__(
        self,
        *,
        scorecards: Scorecards,
        accounts: dict[AccountKey, AccountEntry],
        topic_order: dict[str, int],
        applied_ids: Container[str] = frozenset(),
        late_grace_s: float = 3_600.0,
    ) -> None:
        self.late_grace_s = late_grace_s
        self.scorecards = scorecards
        self.accounts = accounts
        self.topic_order = topic_order
        # Ids of events applied in earlier rounds (a repeat is dropped, not counted twice).
        self.applied_ids = applied_ids

    # -- records ---------------------------------------------------------------------------

    def merge(
        self,
        group: PartitionGroup,
        caught_up: Callable[[str], bool],
        writes: RoundWrites,
        limit: int,
        assessments: int | None = None,
        *,
        budget: int | None = None,
        defer_dues: bool = False,
    ) -> int:
        """Apply this partition's records in stream-time order while the order is certain:
        a topic with nothing buffered that is not caught up might still hold an earlier one.

        ``assessments`` bounds the health assessments (evaluations and days' closes) the call
        runs beyond those already in ``writes``: the rest of the records wait for the next
        round, so a backlog of many accounts never holds the event loop (and the consumer's
        heartbeat) for long. A due evaluation is never split; the bound is checked between
        records, so it changes what a round holds, never what is computed. ``budget`` is the
        same bound as a total of ``writes``' assessments.

        ``defer_dues``: when stream time reaches evaluations that are due, stop before the
        record that reached them and leave them in ``group.pending_dues`` (the caller runs them,
        yielding to the event loop as it goes, with ``due_steps``, then merges again);
        otherwise they run here."""
        applied = 0
        order = self.topic_order
        if budget is None and assessments is not None:
            budget = _assessed(writes) + assessments
        buffers = list(group.buffers.items())
        filled = [(topic, buffer) for topic, buffer in buffers if buffer]
        if len(filled) == 1 and all(caught_up(t) for t, b in buffers if not b):
            # One topic has records and the others are caught up: its order is the order.
            topic, buffer = filled[0]
            popleft = buffer.popleft
            run = [popleft() for _ in range(min(limit, len(buffer)))]
            applied = self._apply(group, run, writes, budget, defer_dues)
            if applied < len(run):
                buffer.extendleft(reversed(run[applied:]))
                del run[applied:]
            if run:
                group.next_offsets[topic] = run[-1].offset + 1
                writes.applied[topic] = writes.applied.get(topic, 0) + applied
                writes.groups_changed.add(group.partition)
            if (
                not buffer
                or group.pending_dues
                or (budget is not None and _assessed(writes) >= budget)
            ):
                return applied
        while applied < limit:
            if budget is not None and _assessed(writes) >= budget:
                return applied
            best_topic = None
            best = None
            for topic, buffer in buffers:
                if buffer:
                    head = buffer[0]
                    rank = (head.stream_time, order[topic], head.offset)
                    if best is None or rank < best:
                        best, best_topic = rank, topic
                elif not caught_up(topic):
                    return applied
            if best_topic is None:
                return applied
            record = group.buffers[best_topic].popleft()
            if not self._apply(group, (record,), writes, None, defer_dues):
                # Evaluations became due before it: they run first.
                group.buffers[best_topic].appendleft(record)
                return applied
            writes.applied[best_topic] = writes.applied.get(best_topic, 0) + 1
            group.next_offsets[best_topic] = record.offset + 1
            writes.groups_changed.add(group.partition)
            applied += 1
        return applied

    def _apply(
        self,
        group: PartitionGroup,
        records: Iterable[Record],
        writes: RoundWrites,
        budget: int | None = None,
        defer_dues: bool = False,
    ) -> int:
        """Apply records in the order given; how many were taken (all of them, unless the
        assessments in ``writes`` reached ``budget``: the rest are left for the next round;
        or, with ``defer_dues``, up to the first record that made evaluations due, which are
        left in ``group.pending_dues``).
        The hot path (a million records a minute while catching up), hence locals over
        attributes and no call that is not needed."""
        accounts = self.accounts
        earlier = self.applied_ids
        seen = writes.seen_ids
        processed = writes.processed_ids
        mark = writes.mark
        schedule = group.schedule
        state = schedule.state
        # Scorecards change only between rounds.
        workspace: str | None = None
        policy = self.scorecards.default.policy
        event_time = NO_TIME if state.event_time is None else state.event_time
        full = False
        index = -1
        for index, record in enumerate(records):
            if full:
                return index
            if record.error is not None:
                writes.dead.append(record)
                continue
            key = record.account
            if key is None:
                continue
            event_id = record.event_id
            if event_id is not None:
                if event_id in seen or event_id in earlier:
                    writes.duplicates += 1
                    continue
                seen.add(event_id)
                processed.append(event_id)
            moment = record.stream_time
            if moment > (state.stream_time or -1.0):
                dues = schedule.observe(moment)
                if dues and defer_dues:
                    # Stream time has moved to this record: taking it again finds nothing due.
                    group.pending_dues.extend(dues)
                    if event_id is not None:
                        seen.discard(event_id)
                        processed.pop()
                    return index
                for due in dues:
                    self.run_due(group, due, writes)
                    full = budget is not None and _assessed(writes) >= budget
            entry = accounts.get(key)
            if entry is None:
                entry = accounts[key] = AccountEntry(
                    AccountAggregate(workspace_id=key[0], account_id=key[1]), group.partition
                )
            if entry.round_mark is not mark:
                entry.round_mark = mark
                writes.aggregates_changed.add(key)
                group.accounts.add(key)
            if entry.slot_mark != state.slot:
                # First change in this slot: the slot's end must evaluate it.
                entry.slot_mark = state.slot
                schedule.touch(entry.schedule_key)
            if key[0] != workspace:
                workspace = key[0]
                policy = self.scorecards.of(workspace).policy
            usage = record.usage
            if usage is not None:
                happened = usage.at
                if happened > event_time:
                    # The partition's event time (clamped as the aggregate clamps it).
                    happened = min(happened, usage.received_at + policy.future_tolerance)
                    if happened > event_time:
                        event_time = state.event_time = happened
                if entry.aggregate.apply_usage(usage, policy) is DROPPED_LATE:
                    writes.dropped_late += 1
            else:
                facts = record.facts
                assert facts is not None
                ceiling = facts.received_at + policy.future_tolerance
                for fact in facts.facts:
                    happened = min(fact.at, ceiling)
                    if happened > event_time:
                        event_time = state.event_time = happened
                writes.dropped_late += _apply_facts(entry.aggregate, facts, policy)
        return index + 1

    # -- evaluation ------------------------------------------------------------------------

    def as_of(self, group: PartitionGroup, stream_time: float) -> float:
        """The event time evaluations are as of: the newest applied in the partition."""
        at = group.schedule.state.event_time
        return stream_time if at is None else at

    def run_due(self, group: PartitionGroup, due: Due, writes: RoundWrites) -> None:
        for _ in self.due_steps(group, due, writes):
            pass

    def pending_steps(self, group: PartitionGroup, writes: RoundWrites) -> Iterator[None]:
        """Run the evaluations ``merge`` left due (``defer_dues``), one step per account."""
        while group.pending_dues:
            due = group.pending_dues.pop(0)
            yield from self.due_steps(group, due, writes)

    def due_steps(self, group: PartitionGroup, due: Due, writes: RoundWrites) -> Iterator[None]:
        """``run_due`` one account at a time: the caller may yield to the event loop between
        steps (a slot's end can evaluate thousands of accounts); the results are the same."""
        at = self.as_of(group, due.at)
        if due.accounts is None:
            # A tick is for the accounts nothing else evaluated since the previous tick: the
            # quiet ones, whose health decays. Active ones were evaluated at their slots' ends.
            cause: Cause = "tick"
            since = due.at - group.schedule.tick_seconds
            keys = [
                key
                for key in sorted(group.accounts)
                if (self.accounts[key].evaluated_at or since) <= since
            ]
        else:
            keys = [account_key(text) for text in due.accounts]
            cause = "events"
        for key in keys:
            entry = self.accounts.get(key)
            if entry is not None:
                self.evaluate(entry, at, cause, writes, recorded=due.at)
                yield
        if due.accounts is None:
            yield from self._close_days_steps(group, due.at, writes)
        else:
            yield from self._close_steps(group, keys, due.at, writes)
        writes.groups_changed.add(group.partition)

    # -- event-time days -------------------------------------------------------------------

    def close_days(self, group: PartitionGroup, recorded: float, writes: RoundWrites) -> None:
        """Every account of the partition gets the days its event time has left behind."""
        for _ in self._close_days_steps(group, recorded, writes):
            pass

    def _close_days_steps(
        self, group: PartitionGroup, recorded: float, writes: RoundWrites
    ) -> Iterator[None]:
        state = group.schedule.state
        if state.event_time is None:
            return
        last = day_of(state.event_time) - 1
        if state.closed_day is not None and last <= state.closed_day:
            return
        yield from self._close_steps(group, sorted(group.accounts), recorded, writes)
        state.closed_day = last
        writes.groups_changed.add(group.partition)

    def _close(
        self,
        group: PartitionGroup,
        keys: Iterable[AccountKey],
        recorded: float,
        writes: RoundWrites,
    ) -> None:
        for _ in self._close_steps(group, keys, recorded, writes):
            pass

    def _close_steps(
        self,
        group: PartitionGroup,
        keys: Iterable[AccountKey],
        recorded: float,
        writes: RoundWrites,
    ) -> Iterator[None]:
        event_time = group.schedule.state.event_time
        if event_time is None:
            return
        last = day_of(event_time) - 1
        for key in keys:
            entry = self.accounts.get(key)
            if entry is not None:
                close_account_days(
                    entry,
                    self.scorecards.of(key[0]),
                    last=last,
                    recorded=recorded,
                    grace=self.late_grace_s,
                    writes=writes,
                )
                yield

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(
        self,
        entry: AccountEntry,
        at: float,
        cause: Cause,
        writes: RoundWrites,
        *,
        recorded: float,
    ) -> None:
        """Evaluate as of event time ``at`` (``recorded``: the stream time it happens at);
        publish and record history when the change is news (always record a scorecard
        recomputation)."""
        key = entry.key
        card = self.scorecards.of(key[0])
        now = from_epoch(at)
        writes.evaluations += 1
        causes = writes.evaluation_causes
        causes[cause] = causes.get(cause, 0) + 1
        writes.health_changed.add(key)
        override = entry.override
        if override is not None and not override.active_at(now):
            writes.expired_overrides.append((key, override))
        # A first evaluation (nothing published yet) always publishes: no glance first.
        if cause != "recompute" and entry.published is not None:
            quick = glance(
                entry.aggregate,
                card.scorecard,
                now=now,
                published=entry.published,
                goals=entry.goals,
                milestones=entry.milestones,
                override=override,
            )
            if not quick.publish:
                entry.score, entry.band, entry.evaluated_at = quick.score, quick.band, recorded
                if override is not None and not override.active_at(now):
                    entry.override = None
                return
        published = entry.published
        result = evaluate_plain(
            entry.aggregate,
            card.scorecard,
            now=now,
            published=None if published is None else published.prior(),
            goals=entry.goals,
            milestones=entry.milestones,
            override=entry.override,
            week_ago_score=entry.week_ago_score(at),
        )
        if override is not None and not override.active_at(now):
            entry.override = None
        # Published from the health's plain fields: its JSON and the event's written as
        # computed, not built and validated as models first (``published.health_document``).
        health = result.fields
        score, band = health["score"], health["band"]
        entry.score, entry.band, entry.evaluated_at = score, band, recorded
        change = result.publish
        if change is None and cause != "recompute":
            return
        event_id = None
        if change is not None:
            published_cause: Cause = "override" if change == "override" else cause
            event_id = health_event_id(key[0], key[1], recorded, published_cause)
            writes.events.append(
                health_changed_json(
                    health,
                    workspace_id=key[0],
                    account_id=key[1],
                    cause=published_cause,
                    scorecard_version=card.version,
                    event_id=event_id,
                )
            )
            writes.published.add(key)
            entry.published = Published.of_fields(health)
            entry.remember_score(at, score)
        writes.history.append(
            {
                "workspace_id": key[0],
                "account_id": key[1],
                "at": at,
                "recorded_at": recorded,
                "score": score,
                "band": band,
                "previous_score": health["previous_score"],
                "previous_band": health["previous_band"],
                "cause": cause if change != "override" else "override",
                "change": change,
                "scorecard_version": card.version,
                "event_id": event_id,
                "health": (
                    health_document(health)
                    if entry.published is None or change is None
                    else entry.published.document
                ),
                "revised": False,
            }
        )

    def advance(self, group: PartitionGroup, now: float, writes: RoundWrites) -> None:
        """Nothing is arriving: stream time, and event time with it, follow the clock."""
        for _ in self.advance_steps(group, now, writes):
            pass

    def advance_steps(
        self, group: PartitionGroup, now: float, writes: RoundWrites
    ) -> Iterator[None]:
        """``advance`` one account at a time (see ``due_steps``)."""
        schedule = group.schedule
        state = schedule.state
        if state.stream_time is None:
            return
        for due in schedule.advance(now):
            # In silence, event time reaches each due moment with the clock.
            if state.event_time is None or due.at > state.event_time:
                state.event_time = due.at
            yield from self.due_steps(group, due, writes)
        if state.event_time is None or now > state.event_time:
            state.event_time = now
        yield from self._close_days_steps(group, now, writes)
        # Days reached by events of the open slot are recorded again now, not at its end.
        pending = [account_key(text) for text in schedule.pending]
        yield from self._close_steps(group, pending, now, writes)

    def recompute(self, group: PartitionGroup, workspace_id: str, writes: RoundWrites) -> None:
        """A new scorecard: every account of the workspace, from its stored aggregates."""
        recorded = group.schedule.state.stream_time
        if recorded is None:
            return
        at = self.as_of(group, recorded)
        for key in sorted(k for k in group.accounts if k[0] == workspace_id):
            self.evaluate(self.accounts[key], at, "recompute", writes, recorded=recorded)
        writes.groups_changed.add(group.partition)


def _assessed(writes: RoundWrites) -> int:
    """Health assessments a round has run so far: evaluations and days' closes."""
    return writes.evaluations + writes.closed_days


def _apply_facts(aggregate: AccountAggregate, facts: AccountFacts, policy: ApplyPolicy) -> int:
    """Apply what a non-usage event tells; how many of its facts came too late to count."""
    late = 0
    for fact in facts.facts:
        if isinstance(fact, Usage):
            outcome = aggregate.apply_usage(fact, policy)
        elif isinstance(fact, TraitsUpdate):
            outcome = aggregate.apply_traits(fact)
        elif isinstance(fact, FeedbackItem):
            outcome = aggregate.apply_feedback(fact, facts.negative, policy)
        elif isinstance(fact, SurveyAnswer):
            outcome = aggregate.apply_survey(fact, policy)
        elif isinstance(fact, Touch):
            outcome = aggregate.apply_touch(fact)
        if outcome is DROPPED_LATE:
            late += 1
    return late
