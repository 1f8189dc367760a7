"""Health drivers as structured lines (measure, value and its unit, points), for the edge to word
in the reader's language. Scoring's own `text` is an English sentence; it is kept as the English
detail and never shown in another language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Unit = Literal["share", "baseline", "per_week", "count", "nps", "days_left", "days_since", "none"]

# What each of scoring's measures reports as its value.
UNITS: dict[str, Unit] = {
    "licence_utilisation": "share",  # active users / seats
    "feature_adoption": "share",  # key features used / key features
    "usage_trend": "baseline",  # recent activity / the baseline's
    "core_action_frequency": "per_week",
    "support_friction": "count",  # tickets, negative ones weighted
    "nps_csat": "nps",
    "onboarding_milestones": "share",
    "goal_attainment": "share",
    "renewal": "days_left",
    "cs_touch_recency": "days_since",
}


@dataclass(frozen=True, slots=True)
class DriverLine:
    measure: str
    value: float | None
    unit: Unit
    impact: float
    direction: Literal["up", "down"]
    basis: Literal["change", "standing"]
    detail: str


def driver_lines(health: Mapping[str, Any]) -> list[DriverLine]:
    """The drivers of a health document (scoring's `Health`), each with its measure's value."""
    values = {m.get("measure"): m.get("value") for m in health.get("measures") or ()}
    lines = []
    for driver in health.get("drivers") or ():
        measure = str(driver.get("measure", ""))
        value = values.get(measure)
        lines.append(
            DriverLine(
                measure=measure,
                value=None if value is None else float(value),
                unit=UNITS.get(measure, "none"),
                impact=float(driver.get("impact", 0.0)),
                direction="up" if driver.get("direction") == "up" else "down",
                basis="change" if driver.get("basis") == "change" else "standing",
                detail=str(driver.get("text", "")),
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    at: str
    score: float


def history_points(items: Sequence[Mapping[str, Any]]) -> list[HistoryPoint]:
    """Scored history items oldest first (the API lists newest first), one point per moment."""
    points: dict[str, float] = {}
    for item in reversed(items):
        score = item.get("score")
        if score is not None:
            points[str(item["computed_at"])] = float(score)
    return [HistoryPoint(at, score) for at, score in points.items()]
