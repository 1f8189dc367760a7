"""The measures a scorecard can weigh: one pure function of aggregates, rules and ``now`` each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from banso_scoring.domain.measures.base import MeasureContext, Reading, Signal
from banso_scoring.domain.measures.lifecycle import (
    cs_touch_recency,
    goal_attainment,
    onboarding_milestones,
    renewal,
)
from banso_scoring.domain.measures.usage import (
    core_action_frequency,
    feature_adoption,
    licence_utilisation,
    usage_trend,
)
from banso_scoring.domain.measures.voice import nps_csat, support_friction

# measure kind -> function(spec, context); the spec's class is fixed by the kind.
MEASURES: dict[str, Callable[[Any, MeasureContext], Reading]] = {
    "licence_utilisation": licence_utilisation,
    "feature_adoption": feature_adoption,
    "usage_trend": usage_trend,
    "core_action_frequency": core_action_frequency,
    "support_friction": support_friction,
    "nps_csat": nps_csat,
    "onboarding_milestones": onboarding_milestones,
    "goal_attainment": goal_attainment,
    "renewal": renewal,
    "cs_touch_recency": cs_touch_recency,
}

LABELS = {
    "licence_utilisation": "Licence utilisation",
    "feature_adoption": "Key-feature adoption",
    "usage_trend": "Usage trend",
    "core_action_frequency": "Core action frequency",
    "support_friction": "Support friction",
    "nps_csat": "NPS / CSAT",
    "onboarding_milestones": "Onboarding milestones",
    "goal_attainment": "Goal attainment",
    "renewal": "Renewal",
    "cs_touch_recency": "CS touch recency",
}

__all__ = ["LABELS", "MEASURES", "MeasureContext", "Reading", "Signal"]
