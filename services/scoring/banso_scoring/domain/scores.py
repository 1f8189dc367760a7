"""Score and band alone, the numbers ``assess`` gives, without reading texts, signals or
models: what a day's close stores and what ``glance`` decides on. Each measure is read by its
number reader (``measures.numbers``), and the readings are combined exactly as ``assess``
combines them (same order of sums, same rounding)."""

from __future__ import annotations

from collections.abc import Sequence

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Band, too_young
from banso_scoring.domain.measure_specs import RenewalRisk
from banso_scoring.domain.measures.numbers import Point, reader
from banso_scoring.domain.scorecard import MilestoneSpec, Rules, Scorecard


class Plan:
    """One segment's rules, ready to score: each measure's reader bound once, the measures
    split as ``assess`` reads them (renewal, weighted by the others, last)."""

    __slots__ = (
        "deferred",
        "direct",
        "direct_scorers",
        "direct_weights",
        "milestones",
        "rules",
        "scorers",
        "total_weight",
        "weights",
    )

    def __init__(self, rules: Rules, milestones: Sequence[MilestoneSpec]) -> None:
        self.rules = rules
        own = {milestone.name: milestone for milestone in rules.milestones}
        own.update({milestone.name: milestone for milestone in milestones})
        self.milestones = list(own.values())
        self.weights = [spec.weight for spec in rules.measures]
        self.scorers = [(reader(spec), spec.scoring.score) for spec in rules.measures]
        deferred = [isinstance(spec, RenewalRisk) for spec in rules.measures]
        self.direct = [i for i, later in enumerate(deferred) if not later]
        self.deferred = [i for i, later in enumerate(deferred) if later]
        # Read first, in order; with no deferred measure they are all of them, in order.
        self.direct_scorers = [self.scorers[i] for i in self.direct]
        self.direct_weights = [self.weights[i] for i in self.direct]
        self.total_weight = rules.total_weight


# Plans of rules without an account's own milestones (most accounts), by the rules' identity:
# a scorecard's rules and its segments' are built once and live as long as it does.
_PLANS: dict[int, tuple[Rules, Plan]] = {}
_MAX_PLANS = 256


def plan_of(rules: Rules, milestones: Sequence[MilestoneSpec]) -> Plan:
    """The plan of ``rules`` with the account's own ``milestones``, built once per rules when
    the account has none."""
    if milestones:
        return Plan(rules, milestones)
    cached = _PLANS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    plan = Plan(rules, ())
    _PLANS[id(rules)] = (rules, plan)
    return plan


def plan_numbers(plan: Plan, point: Point) -> tuple[float | None, Band]:
    """Score and band at ``point`` (its aggregate, ``now`` and ``today`` set), the account
    old enough to judge.

    Sums are taken over lists in measure order, as ``assess`` takes them, so each is the same
    float; the weight measured is the total the weighted mean divides by, computed once."""
    scores: list[float | None] = []
    append = scores.append
    point.partial_score = None
    for read, score_of in plan.direct_scorers:
        value, own = read(point)
        append(None if value is None else round(own if own is not None else score_of(value), 1))
    weights = plan.weights
    if plan.deferred:
        direct = [(w, s) for w, s in zip(plan.direct_weights, scores, strict=True) if s is not None]
        total = sum([w for w, _ in direct])
        point.partial_score = sum([w * s for w, s in direct]) / total if total else None
        by_index = dict(zip(plan.direct, scores, strict=True))
        for index in plan.deferred:
            read, score_of = plan.scorers[index]
            value, own = read(point)
            by_index[index] = (
                None if value is None else round(own if own is not None else score_of(value), 1)
            )
        scores = [by_index[index] for index in range(len(weights))]
    available = [(w, s) for w, s in zip(weights, scores, strict=True) if s is not None]
    measured = sum([w for w, _ in available])
    rules = plan.rules
    if measured / plan.total_weight < rules.minimum_data.min_measured_weight or not measured:
        return None, "unknown"
    score = round(sum([w * s for w, s in available]) / measured, 1)
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
    plan = plan_of(rules, milestones)
    point = Point(aggregate, rules, goals, plan.milestones)
    point.now, point.today = now, day_of(now)
    return plan_numbers(plan, point)
