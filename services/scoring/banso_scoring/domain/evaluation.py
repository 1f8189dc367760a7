"""One evaluation of one account: computed health, the override on top, and whether to publish."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.changes import ChangeReason, reason_for
from banso_scoring.domain.durations import to_epoch
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import (
    AppliedOverride,
    Health,
    HealthFields,
    PriorHealth,
    health_fields,
)
from banso_scoring.domain.overrides import Override, override_fields
from banso_scoring.domain.scorecard import MilestoneSpec, Scorecard
from banso_scoring.domain.scores import numbers_at


@dataclass(frozen=True, slots=True)
class Evaluation:
    health: Health
    """What to show and publish (the override's band while one holds)."""
    publish: ChangeReason | None
    """Why a HealthChanged is due, or None when the change is too small to tell anyone."""


@dataclass(frozen=True, slots=True)
class PlainEvaluation:
    """An ``Evaluation`` whose health is plain fields (``health.HealthFields``): what the
    consumer publishes, encoded as computed rather than validated again."""

    fields: HealthFields
    publish: ChangeReason | None


def evaluate(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: datetime,
    published: PriorHealth | None,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
    override: Override | None = None,
    week_ago_score: float | None = None,
) -> Evaluation:
    """Evaluate against the last *published* health: drivers explain the move since then."""
    plain = evaluate_plain(
        aggregate,
        scorecard,
        now=now,
        published=published,
        goals=goals,
        milestones=milestones,
        override=override,
        week_ago_score=week_ago_score,
    )
    return Evaluation(health=Health.model_validate(plain.fields), publish=plain.publish)


def evaluate_plain(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: datetime,
    published: PriorHealth | None,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
    override: Override | None = None,
    week_ago_score: float | None = None,
) -> PlainEvaluation:
    """``evaluate`` without building the ``Health`` model (``health_fields``)."""
    computed = health_fields(
        aggregate,
        scorecard,
        now=now,
        goals=goals,
        milestones=milestones,
        previous=published,
        week_ago_score=week_ago_score,
    )
    fields = override_fields(computed, override, now)
    reason = reason_for(published, fields["score"], fields["band"], scorecard.delta)
    if reason is None and published is not None and _override_changed(published, fields):
        # An override set, lifted or expired is news even when the band stays the same.
        reason = "override"
    return PlainEvaluation(fields=fields, publish=reason)


def _override_changed(published: PriorHealth, fields: HealthFields) -> bool:
    before = published.override
    after = fields["override"]
    if (before is None) != (after is None):
        return True
    return before is not None and after is not None and before.expires_at != after["expires_at"]


class PublishedHead(Protocol):
    """What ``glance`` compares against: a ``Health``, or the consumer's compact ``Published``."""

    @property
    def score(self) -> float | None: ...
    @property
    def band(self) -> str: ...
    @property
    def override(self) -> AppliedOverride | None: ...


@dataclass(frozen=True, slots=True)
class Glance:
    """The effective score and band, and whether a full evaluation would publish."""

    score: float | None
    band: str
    publish: bool


def glance(
    aggregate: AccountAggregate,
    scorecard: Scorecard,
    *,
    now: datetime,
    published: PublishedHead | None,
    goals: Sequence[Goal] = (),
    milestones: Sequence[MilestoneSpec] = (),
    override: Override | None = None,
) -> Glance:
    """``evaluate``'s decision at a fraction of its cost (no explanation is built); it decides
    exactly as ``evaluate`` does, so the full evaluation is needed only when ``publish``."""
    score, computed_band = numbers_at(
        aggregate, scorecard, now=to_epoch(now), goals=goals, milestones=milestones
    )
    band = str(computed_band)
    active = override is not None and override.active_at(now)
    if override is not None and active:
        band = override.band
        score = override.score if override.score is not None else score
    if published is None:
        return Glance(score, band, True)
    held = published.override
    if (held is not None) != active:
        return Glance(score, band, True)
    if held is not None and override is not None and held.expires_at != override.expires_at:
        return Glance(score, band, True)
    if band != published.band:
        return Glance(score, band, True)
    moved = (
        score is not None
        and published.score is not None
        and abs(score - published.score) >= scorecard.delta
    )
    return Glance(score, band, moved)
