"""An account's health: score, band, per-measure contributions, signals and drivers.

``compute_health`` is a pure function of the aggregates, the scorecard, the account's goals and
milestones, ``now`` and the previously published health (for drivers and trend).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.drivers import Driver, PriorPart, ranked_driver_fields
from banso_scoring.domain.drivers import MeasureHealth as MeasureHealth  # its home, re-exported
from banso_scoring.domain.durations import SECONDS_PER_DAY, day_of, from_epoch, to_epoch
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.measure_specs import MeasureSpec, RenewalRisk
from banso_scoring.domain.measures import LABELS, MEASURES, MeasureContext, Reading
from banso_scoring.domain.scorecard import MilestoneSpec, Rules, Scorecard
from banso_scoring.domain.windows import active_days

Band = Literal["green", "yellow", "red", "unknown"]
# Silence this long is called out on its own, whatever the measures make of it.
INACTIVITY_SIGNAL_DAYS = 7


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SignalView(_Frozen):
    kind: Literal["risk", "expansion"]
    code: str
    measure: str
    text: str


class AppliedOverride(_Frozen):
    """A manual override in force, with the computed health it hides."""

    band: Literal["green", "yellow", "red"]
    score: float | None
    reason: str
    set_by: str
    expires_at: datetime
    computed_score: float | None
    computed_band: str


class Health(_Frozen):
    score: float | None
    band: Band
    segment: str | None
    computed_at: datetime
    measures: list[MeasureHealth]
    drivers: list[Driver]
    signals: list[SignalView]
    # Points gained (lost) against the health of a week before; None without that history.
    trend: float | None
    previous_score: float | None
    previous_band: Band | None
    # Why the band is unknown (not enough data), else None.
    reason: str | None = None
    # Set while a manual override holds (see overrides); score and band are then the override's.
    override: AppliedOverride | None = None


HealthFields = dict[str, Any]
"""A ``Health`` as plain fields (``health_fields``): what a publication encodes without
validating again what the domain computed."""


class PriorHealth(Protocol):
    """What an evaluation reads of the last published health (drivers are ranked against its
    measures; a change is news against its score, band and override): a ``Health``, or the
    consumer's ``Prior`` decoded from the published document (``domain/published.py``)."""

    @property
    def score(self) -> float | None: ...
    @property
    def band(self) -> str: ...
    @property
    def override(self) -> AppliedOverride | None: ...
    @property
    def measures(self) -> Sequence[PriorPart]: ...


def _score_of(spec: MeasureSpec, reading: Reading) -> float | None:
    if reading.value is None:
        return None
    score = reading.score if reading.score is not None else spec.scoring.score(reading.value)
    return round(score, 1)


def _weighted(scored: list[tuple[MeasureSpec, float | None]]) -> float | None:
    available = [(spec.weight, score) for spec, score in scored if score is not None]
    total = sum(weight for weight, _ in available)
    return sum(weight * score for weight, score in available) / total if total else None


def _read_all(rules: Rules, ctx: MeasureContext) -> list[tuple[MeasureSpec, Reading, float | None]]:
    readings: dict[int, tuple[Reading, float | None]] = {}
    deferred = []
    for index, spec in enumerate(rules.measures):
        if isinstance(spec, RenewalRisk):
            deferred.append(index)
            continue
        reading = MEASURES[spec.measure](spec, ctx)
        readings[index] = (reading, _score_of(spec, reading))
    if deferred:
        partial = _weighted([(rules.measures[i], readings[i][1]) for i in readings])
        weighted_ctx = MeasureContext(
            aggregate=ctx.aggregate,
            rules=rules,
            now=ctx.now,
            today=ctx.today,
            goals=ctx.goals,
            milestones=ctx.milestones,
            partial_score=partial,
        )
        for index in deferred:
            spec = rules.measures[index]
            reading = MEASURES[spec.measure](spec, weighted_ctx)
            readings[index] = (reading, _score_of(spec, reading))
    return [(spec, *readings[i]) for i, spec in enumerate(rules.measures)]


def too_young(rules: Rules, aggregate: AccountAggregate, now: float) -> tuple[float, int] | None:
    """(age in days, active days) of an account too young to judge, whatever its measures
    read; None once it is old enough or active on enough days."""
    rule = rules.minimum_data
    created = aggregate.created_at
    age = 0.0 if created is None else max(0.0, (now - created) / SECONDS_PER_DAY)
    if age * SECONDS_PER_DAY >= rule.min_age.total_seconds():
        return None
    # Active days are counted only for a young account (every day's close assesses).
    days_active = active_days(aggregate, day_of(now))
    return None if days_active >= rule.min_active_days else (age, days_active)


def _not_enough_data(
    rules: Rules, aggregate: AccountAggregate, now: float, measured_share: float
) -> str | None:
    rule = rules.minimum_data
    young = too_young(rules, aggregate, now)
    if young is not None:
        age, days_active = young
        return (
            f"not enough data: {int(age)} days old and active on {days_active} days"
            f" (judged from {int(rule.min_age.total_seconds() // SECONDS_PER_DAY)} days"
            f" or {rule.min_active_days} active days)"
        )
    if measured_share < rule.min_measured_weight:
        return f"not enough data: only {measured_share:.0%} of the scorecard could be measured"
    return None


def _inactivity(aggregate: AccountAggregate, now: float) -> dict[str, str] | None:
    last = aggregate.last_usage_at
    since = aggregate.created_at if last is None else last
    if since is None:
        return None
    idle_days = int((now - since) // SECONDS_PER_DAY)
    if idle_days < INACTIVITY_SIGNAL_DAYS:
        return None
    text = (
        f"no product activity in {idle_days} days"
        if last is not None
        else f"no product activity since the account started {idle_days} days ago"
    )
    return {"kind": "risk", "code": "inactive", "measure": "activity", "text": text}


class Assessment(NamedTuple):
    """Score and band with the readings behind them, before any explanation is built."""

    segment: str | None
    readings: list[tuple[MeasureSpec, Reading, float | None]]
    measured: float
    score: float | None
    band: Band
    reason: str | None


def assess(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: float,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
) -> Assessment:
    """The numbers only (a fraction of ``compute_health``'s cost): enough to decide whether a
    change is worth publishing."""
    traits = aggregate.traits
    segment, rules = scorecard.resolve(plan=traits.plan, seats=traits.seats, arr=traits.arr)
    own = {milestone.name: milestone for milestone in rules.milestones}
    own.update({milestone.name: milestone for milestone in milestones})
    ctx = MeasureContext(
        aggregate=aggregate,
        rules=rules,
        now=now,
        today=day_of(now),
        goals=goals,
        milestones=list(own.values()),
    )
    readings = _read_all(rules, ctx)
    measured = sum(spec.weight for spec, _, score in readings if score is not None)
    reason = _not_enough_data(rules, aggregate, now, measured / rules.total_weight)
    overall = _weighted([(spec, score) for spec, _, score in readings])
    score = None if reason is not None or overall is None else round(overall, 1)
    band: Band = "unknown" if score is None else rules.bands.band_of(score)
    return Assessment(segment, readings, measured, score, band, reason)


def health_fields(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: datetime,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
    previous: PriorHealth | None = None,
    week_ago_score: float | None = None,
) -> HealthFields:
    """``compute_health``'s health as plain fields, every key of ``Health`` in its order and
    every number of a ``float`` field a float (what validation would make of them), so that
    ``health_fields.health_document`` writes the bytes ``Health.model_dump_json`` writes."""
    at = to_epoch(now)
    assessment = assess(aggregate, scorecard, now=at, goals=goals, milestones=milestones)
    readings, measured = assessment.readings, assessment.measured
    score, band, segment, reason = (
        assessment.score,
        assessment.band,
        assessment.segment,
        assessment.reason,
    )
    parts = []
    for spec, reading, part_score in readings:
        share = spec.weight / measured if part_score is not None and measured else 0.0
        value = reading.value
        parts.append(
            {
                "measure": spec.measure,
                "label": spec.label or LABELS[spec.measure],
                "available": part_score is not None,
                "value": None if value is None else float(round(value, 4)),
                "score": None if part_score is None else float(part_score),
                "weight": float(spec.weight),
                "effective_weight": float(round(share, 4)),
                "contribution": float(round((part_score or 0.0) * share, 2)),
                "detail": reading.detail,
            }
        )
    signals = [
        {"kind": s.kind, "code": s.code, "measure": s.measure, "text": s.text}
        for _, reading, _ in readings
        for s in reading.signals
    ]
    idle = _inactivity(aggregate, at)
    if idle is not None:
        signals.insert(0, idle)
    return {
        "score": score,
        "band": band,
        "segment": segment,
        "computed_at": from_epoch(at),
        "measures": parts,
        "drivers": ranked_driver_fields(
            parts, previous.measures if previous else None, scorecard.top_drivers
        ),
        "signals": signals,
        "trend": (
            None if score is None or week_ago_score is None else round(score - week_ago_score, 1)
        ),
        "previous_score": previous.score if previous else None,
        "previous_band": previous.band if previous else None,
        "reason": reason,
        "override": None,
    }


def compute_health(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: datetime,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
    previous: PriorHealth | None = None,
    week_ago_score: float | None = None,
) -> Health:
    """Health as of ``now``.

    ``milestones`` are the account's own, added to the scorecard's (same name: the account's
    wins); ``previous`` is the last published health (drivers are ranked against it);
    ``week_ago_score`` the score published a week before ``now``, for the trend.
    """
    # Built as plain fields and validated once (one pass of pydantic's validator rather than
    # an object per measure, driver and signal).
    return Health.model_validate(
        health_fields(
            aggregate,
            scorecard,
            now=now,
            goals=goals,
            milestones=milestones,
            previous=previous,
            week_ago_score=week_ago_score,
        )
    )
