"""Score and band at the end of consecutive event-time days of one account: what a day's close
stores, and nothing else (no reading texts, no signals, no models).

The result for each day is exactly ``assess(aggregate.as_of(end), scorecard,
now=end, ...)`` with ``end`` the day's last second. What the days share is computed once per
call: the aggregate's ``as_of`` view (rebuilt only when a trait change or touch lies between
two days' ends), the rules of the account's segment, each measure's reader and the point
they read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import SECONDS_PER_DAY
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Band, too_young
from banso_scoring.domain.measures.numbers import Point
from banso_scoring.domain.scorecard import MilestoneSpec, Scorecard
from banso_scoring.domain.scores import Plan, plan_numbers, plan_of


def day_end(day: int) -> float:
    """A day's last second (days since the epoch): its windows end that day."""
    return (day + 1) * SECONDS_PER_DAY - 1.0


def day_scores(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    days: range,
    *,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
) -> list[tuple[float | None, Band]]:
    """(score, band) at the end of each of ``days``, in order."""
    # The moments at which ``as_of`` changes what it shows.
    changes = sorted(
        [at for at, _ in aggregate.trait_undo]
        + [at for at, _ in aggregate.touches]
        + ([] if aggregate.last_touch_at is None else [aggregate.last_touch_at])
    )
    plans: dict[tuple[str | None, int | None, float | None], tuple[Plan, Point]] = {}
    results: list[tuple[float | None, Band]] = []
    view: AccountAggregate | None = None
    seen_changes = -1
    for day in days:
        moment = day_end(day)
        reached = bisect_right(changes, moment)
        if view is None or reached != seen_changes:
            view, seen_changes = aggregate.as_of(moment), reached
        traits = view.traits
        key = (traits.plan, traits.seats, traits.arr)
        planned = plans.get(key)
        if planned is None:
            _, rules = scorecard.resolve(plan=traits.plan, seats=traits.seats, arr=traits.arr)
            plan = plan_of(rules, milestones)
            planned = plans[key] = (plan, Point(view, rules, goals, plan.milestones))
        plan, point = planned
        if too_young(plan.rules, view, moment) is not None:
            results.append((None, "unknown"))
        else:
            point.aggregate, point.now, point.today = view, moment, day
            results.append(plan_numbers(plan, point))
    return results
