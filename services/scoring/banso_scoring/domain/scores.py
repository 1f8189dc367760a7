"""Score and band alone, the numbers ``assess`` gives, without reading texts, signals or
models: what a day's close stores and what ``glance`` decides on. Each measure is read by its
number function (``measures.numbers``), combined exactly as ``assess`` combines its readings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Band, too_young
from banso_scoring.domain.measure_specs import RenewalRisk
from banso_scoring.domain.measures import MeasureContext
from banso_scoring.domain.measures.numbers import NUMBERS
from banso_scoring.domain.scorecard import MilestoneSpec, Rules, Scorecard


class Plan:
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


def plan_numbers(
    plan: Plan, view: AccountAggregate, now: float, today: int, goals: Sequence[Goal]
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


def numbers_at(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: float,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
) -> tuple[float | None, Band]:
    """``assess``'s score and band: an account too young to judge is "unknown" before any
    measure is read."""
    traits = aggregate.traits
    _, rules = scorecard.resolve(plan=traits.plan, seats=traits.seats, arr=traits.arr)
    if too_young(rules, aggregate, now) is not None:
        return None, "unknown"
    return plan_numbers(Plan(rules, milestones), aggregate, now, day_of(now), goals)
