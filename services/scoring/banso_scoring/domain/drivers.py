"""Drivers: the measures that explain a score, ranked by their impact on it in points.

Each measure gives at most one driver. Against a previous health, a measure whose contribution
moved by at least ``MIN_IMPACT`` points is a *change* driver (its signed move in points of the
total score). Every other measure that costs at least ``MIN_IMPACT`` points now (what it would add
at a perfect score) is a *standing* driver, so there is always an answer to "why is this account
yellow?", with or without a previous health. All candidates are ranked together by the size of
their impact in points, ties broken by basis (a change before a standing cost) and then by measure
name, and the first ``top`` are kept: a licence costing 30.8 points comes before a renewal that
moved by 1 point, and a move of 0.1 point is not a reason at all.

A driver carries structured data (measure, direction, basis, impact in points, the measure's value
and score now and, for a change, at the previous health) so a reader can word it in any language;
``text`` is the measure's English detail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

# Impacts smaller than this many points (of the 0-100 score) are noise, not a reason.
MIN_IMPACT = 0.5


class MeasureHealth(BaseModel):
    """One measure's part in the score; ``contribution`` values add up to the score."""

    model_config = ConfigDict(frozen=True)

    measure: str
    label: str
    available: bool
    value: float | None
    score: float | None
    weight: float
    effective_weight: float
    contribution: float
    detail: str


class Driver(BaseModel):
    model_config = ConfigDict(frozen=True)

    measure: str
    text: str = Field(description="The measure's detail in English; word it from the fields.")
    impact: float = Field(
        description="Points of the total score: the signed move since the previous health "
        "(`change`), or minus the points the measure costs now (`standing`)."
    )
    direction: Literal["up", "down"]
    basis: Literal["change", "standing"]
    value: float | None = Field(
        default=None, description="The measure's value now; null when it cannot be measured."
    )
    score: float | None = Field(default=None, description="The measure's score now (0-100).")
    previous_value: float | None = Field(
        default=None,
        description="`change` only: the measure's value at the previous health (null when it "
        "was not measured then, so a change from a value to null means no longer measured).",
    )
    previous_score: float | None = Field(
        default=None, description="`change` only: the measure's score at the previous health."
    )


class PriorPart(Protocol):
    """What ranking reads of a measure at the previous health: a ``MeasureHealth``, or the
    consumer's lighter ``PriorMeasure`` decoded from the published document."""

    @property
    def measure(self) -> str: ...
    @property
    def available(self) -> bool: ...
    @property
    def value(self) -> float | None: ...
    @property
    def score(self) -> float | None: ...
    @property
    def contribution(self) -> float: ...


# A measure's part as ``health_fields`` builds it (a ``MeasureHealth``'s keys, validated into
# one by ``compute_health``), or the fields of one: what ranking reads.
Part = Mapping[str, Any]


def _cost(part: Part) -> float:
    """Points the measure costs the score now (what it would add at a perfect score)."""
    score = part["score"]
    return 0.0 if score is None else (100.0 - score) * part["effective_weight"]


def _change(part: Part, old: PriorPart | None) -> dict[str, Any] | None:
    delta = part["contribution"] - (old.contribution if old else 0.0)
    if abs(delta) < MIN_IMPACT:
        return None
    text = part["detail"]
    if not part["available"] and old is not None and old.available:
        text = f"{part['label']} no longer measured: {part['detail']}"
    return {
        "measure": part["measure"],
        "text": text,
        "impact": round(delta, 1),
        "direction": "up" if delta > 0 else "down",
        "basis": "change",
        "value": part["value"],
        "score": part["score"],
        "previous_value": old.value if old else None,
        "previous_score": old.score if old else None,
    }


def _standing(part: Part) -> dict[str, Any] | None:
    lost = _cost(part)
    if lost < MIN_IMPACT:
        return None
    return {
        "measure": part["measure"],
        "text": part["detail"],
        "impact": -round(lost, 1),
        "direction": "down",
        "basis": "standing",
        "value": part["value"],
        "score": part["score"],
        "previous_value": None,
        "previous_score": None,
    }


def _rank_key(driver: Mapping[str, Any]) -> tuple[float, int, str]:
    return (-abs(driver["impact"]), 0 if driver["basis"] == "change" else 1, driver["measure"])


def ranked_driver_fields(
    parts: Sequence[Part], previous: Sequence[PriorPart] | None, top: int
) -> list[dict[str, Any]]:
    """The fields of the ``top`` drivers by impact in points (changes since ``previous`` and
    standing costs), every ``Driver`` field in its order: validated with the health they
    explain, or encoded as they are (``health_fields``)."""
    before = {part.measure: part for part in previous} if previous is not None else None
    drivers = []
    for part in parts:
        driver = None
        if before is not None:
            driver = _change(part, before.get(part["measure"]))
        if driver is None:
            driver = _standing(part)
        if driver is not None:
            drivers.append(driver)
    drivers.sort(key=_rank_key)
    return drivers[:top]


def rank_drivers(
    parts: Sequence[MeasureHealth], previous: Sequence[PriorPart] | None, top: int
) -> list[Driver]:
    """The ``top`` drivers by impact in points: changes since ``previous`` and standing costs."""
    fields = ranked_driver_fields([part.model_dump() for part in parts], previous, top)
    return [Driver.model_validate(driver) for driver in fields]
