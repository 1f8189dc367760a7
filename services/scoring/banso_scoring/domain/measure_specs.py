"""The measures a scorecard can weigh, each with its own settings.

Every measure has a ``weight`` (relative; weights of measures that cannot be computed for an
account are redistributed over the others), a ``window`` (how far back it looks) and a ``scoring``
function turning its raw value into 0–100. The discriminator is ``measure``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from banso_scoring.domain.durations import format_duration, parse_duration
from banso_scoring.domain.scoring_functions import Linear, Ratio, ScoringFunction, Step, Thresholds

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]


def _linear(worst: float, best: float) -> Linear:
    return Linear(kind="linear", worst=worst, best=best)


class _MeasureBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: float = Field(gt=0, le=1000)
    label: str | None = None


class LicenceUtilisation(_MeasureBase):
    """Distinct active users in the window against seats bought."""

    measure: Literal["licence_utilisation"]
    window: Duration = timedelta(days=14)
    scoring: ScoringFunction = _linear(0.1, 0.7)
    risk_below: float = Field(default=0.3, ge=0, le=1)
    expansion_above: float = Field(default=0.9, gt=0)


class FeatureAdoption(_MeasureBase):
    """How many of the scorecard's key events were used in the window."""

    measure: Literal["feature_adoption"]
    window: Duration = timedelta(days=30)
    scoring: ScoringFunction = _linear(0.0, 0.8)


class UsageTrend(_MeasureBase):
    """Recent use against the preceding baseline, both normalised per day."""

    measure: Literal["usage_trend"]
    window: Duration = timedelta(days=7)
    baseline: Duration = timedelta(days=28)
    metric: Literal["active_users", "events"] = "active_users"
    # Less baseline than this (a young account) makes a trend meaningless.
    min_baseline: Duration = timedelta(days=7)
    # A fall below this share of the baseline is a risk signal.
    risk_below: float = Field(default=0.7, ge=0)
    scoring: ScoringFunction = _linear(0.5, 1.0)


class CoreActionFrequency(_MeasureBase):
    """How often the scorecard's core action happened, per week (optionally per active user)."""

    measure: Literal["core_action_frequency"]
    window: Duration = timedelta(days=14)
    per_active_user: bool = False
    scoring: ScoringFunction = Ratio(kind="ratio", target=10)


class SupportFriction(_MeasureBase):
    """Feedback items that signal friction; negative ones count extra."""

    measure: Literal["support_friction"]
    window: Duration = timedelta(days=30)
    kinds: list[str] = Field(default_factory=lambda: ["support_ticket", "churn_reason"])
    negative_weight: float = Field(default=1.0, ge=0)
    scoring: ScoringFunction = Thresholds(
        kind="thresholds",
        steps=[Step(max=0, score=100), Step(max=2, score=70), Step(max=5, score=35)],
        otherwise=0,
    )


class NpsCsat(_MeasureBase):
    """The latest NPS (0–10) or CSAT (1–5, put on the NPS scale) answer in the window."""

    measure: Literal["nps_csat"]
    window: Duration = timedelta(days=180)
    # A fall of this many points (NPS scale) between the last two answers is a risk signal.
    drop_alert: float = Field(default=2, gt=0)
    scoring: ScoringFunction = Thresholds(
        kind="thresholds",
        steps=[Step(min=9, score=100), Step(min=7, score=65)],
        otherwise=15,
    )


class OnboardingMilestones(_MeasureBase):
    """Milestones reached by their due day; counts only during onboarding (the window)."""

    measure: Literal["onboarding_milestones"]
    window: Duration = timedelta(days=90)
    # A milestone reached late earns this share of an on-time one.
    late_credit: float = Field(default=0.5, ge=0, le=1)
    scoring: ScoringFunction = _linear(0.0, 1.0)


class GoalAttainment(_MeasureBase):
    """Mean attainment of the KPIs agreed with the customer (set per account)."""

    measure: Literal["goal_attainment"]
    window: Duration = timedelta(days=30)
    scoring: ScoringFunction = _linear(0.0, 1.0)


class RenewalRisk(_MeasureBase):
    """Days to renewal, weighted by risk.

    ``scoring`` turns the days left into a time score (few days → low). The measure's score is
    that time penalty scaled by how unhealthy the rest of the scorecard finds the account: a
    near renewal costs a healthy account nothing and an unhealthy one the full penalty. Renewals
    further away than ``window`` score 100.
    """

    measure: Literal["renewal"]
    window: Duration = timedelta(days=90)
    scoring: ScoringFunction = _linear(0.0, 90.0)


class CsTouchRecency(_MeasureBase):
    """Days since the last CS touch (a nudge sent or a CSM note)."""

    measure: Literal["cs_touch_recency"]
    window: Duration = timedelta(days=90)
    scoring: ScoringFunction = _linear(60.0, 14.0)


MeasureSpec = Annotated[
    LicenceUtilisation
    | FeatureAdoption
    | UsageTrend
    | CoreActionFrequency
    | SupportFriction
    | NpsCsat
    | OnboardingMilestones
    | GoalAttainment
    | RenewalRisk
    | CsTouchRecency,
    Field(discriminator="measure"),
]

MEASURE_KINDS = frozenset(
    {
        "licence_utilisation",
        "feature_adoption",
        "usage_trend",
        "core_action_frequency",
        "support_friction",
        "nps_csat",
        "onboarding_milestones",
        "goal_attainment",
        "renewal",
        "cs_touch_recency",
    }
)


_BUCKET_MEASURES = (LicenceUtilisation, FeatureAdoption, CoreActionFrequency, GoalAttainment)


def bucket_span(spec: MeasureSpec) -> timedelta | None:
    """How far back a measure reads daily buckets (None: it reads none)."""
    if isinstance(spec, UsageTrend):
        return spec.window + spec.baseline
    if isinstance(spec, _BUCKET_MEASURES):
        return spec.window
    return None


def record_span(spec: MeasureSpec) -> timedelta | None:
    """How far back a measure reads feedback, score and touch records (None: none)."""
    if isinstance(spec, SupportFriction | NpsCsat | CsTouchRecency):
        return spec.window
    return None
