"""Score and band at the end of consecutive event-time days of one account: what a day's close
stores, and nothing else (no reading texts, no signals, no models).

The result for each day is exactly ``assess(aggregate.as_of(end), scorecard,
now=end, ...)`` with ``end`` the day's last second. What the days share is computed once per
call: the aggregate's ``as_of`` view (rebuilt only when a trait change or touch lies between
two days' ends), the rules of the account's segment and each measure's number function.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import SECONDS_PER_DAY
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Band, too_young
from banso_scoring.domain.measure_specs import RenewalRisk
from banso_scoring.domain.measures import MeasureContext
from banso_scoring.domain.measures.numbers import NUMBERS
from banso_scoring.domain.scorecard import MilestoneSpec, Rules, Scorecard


def day_end(day: int) -> float:
    """A day's last second (days since the epoch): its windows end that day."""
    return (day + 1) * SECONDS_PER_DAY - 1.0


class _Plan:
    """One segment's rules, ready to score: its measures split as ``assess`` reads them."""

    __slots__ = ("direct", "deferred", "measures", "milestones", "rules", "total_weight")

    def __init__(self, rules: Rules, milestones: Sequence[MilestoneSpec]) -> None:
        self.rules = rules
        own = {milestone.name: milestone for milestone in rules.milestones}
        own.update({milestone.name: milestone for milestone in milestones})
        self.milestones = list(own.values())
        self.measures: list[tuple[Any, Any]] = [
            (spec, NUMBERS[spec.measure]) for spec in rules.measures
        ]
        self.direct = [i for i, spec in enumerate(rules.measures) if not _deferred(spec)]
        self.deferred = [i for i, spec in enumerate(rules.measures) if _deferred(spec)]
        self.total_weight = rules.total_weight


def _deferred(spec: object) -> bool:
    return isinstance(spec, RenewalRisk)


def _score(spec: Any, numbers: tuple[float | None, float | None]) -> float | None:
    value, own = numbers
    if value is None:
        return None
    return round(own if own is not None else spec.scoring.score(value), 1)


def _weighted(weights: list[float], scores: list[float | None]) -> float | None:
    available = [
        (weight, score) for weight, score in zip(weights, scores, strict=True) if score is not None
    ]
    total = sum(weight for weight, _ in available)
    return sum(weight * score for weight, score in available) / total if total else None


def _numbers(
    plan: _Plan, view: AccountAggregate, now: float, today: int, goals: Sequence[Goal]
) -> tuple[float | None, Band]:
    rules = plan.rules
    ctx = MeasureContext(view, rules, now, today, goals, plan.milestones)
    measures = plan.measures
    scores: list[float | None] = [None] * len(measures)
    for index in plan.direct:
        spec, number = measures[index]
        scores[index] = _score(spec, number(spec, ctx))
    if plan.deferred:
        partial = _weighted(
            [measures[i][0].weight for i in plan.direct], [scores[i] for i in plan.direct]
        )
        weighted_ctx = MeasureContext(view, rules, now, today, goals, plan.milestones, partial)
        for index in plan.deferred:
            spec, number = measures[index]
            scores[index] = _score(spec, number(spec, weighted_ctx))
    weights = [spec.weight for spec, _ in measures]
    measured = sum(
        weight for weight, score in zip(weights, scores, strict=True) if score is not None
    )
    if measured / plan.total_weight < rules.minimum_data.min_measured_weight:
        return None, "unknown"
    overall = _weighted(weights, scores)
    if overall is None:
        return None, "unknown"
    score = round(overall, 1)
    return score, rules.bands.band_of(score)


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
    plans: dict[tuple[str | None, int | None, float | None], _Plan] = {}
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
        plan = plans.get(key)
        if plan is None:
            _, rules = scorecard.resolve(plan=traits.plan, seats=traits.seats, arr=traits.arr)
            plan = plans[key] = _Plan(rules, milestones)
        if too_young(plan.rules, view, moment) is not None:
            results.append((None, "unknown"))
        else:
            results.append(_numbers(plan, view, moment, day, goals))
    return results
