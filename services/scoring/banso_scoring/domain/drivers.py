"""Drivers: the measures that explain a score, in words a CSM can act on.

Against a previous health, the drivers are the measures whose contribution moved most (signed
points of the total score). When fewer moved than asked for, or there is nothing to compare
with, the rest are the measures costing the most points now ("standing" drivers), so there is
always an answer to "why is this account yellow?".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

# Movements smaller than this many points are noise, not a reason.
MIN_IMPACT = 0.05


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
    text: str
    impact: float
    direction: Literal["up", "down"]
    basis: Literal["change", "standing"]


def _changes(parts: Sequence[MeasureHealth], previous: Sequence[MeasureHealth]) -> list[Driver]:
    before = {part.measure: part for part in previous}
    moved = []
    for part in parts:
        old = before.get(part.measure)
        delta = part.contribution - (old.contribution if old else 0.0)
        if abs(delta) < MIN_IMPACT:
            continue
        text = part.detail
        if not part.available and old is not None and old.available:
            text = f"{part.label} no longer measured: {part.detail}"
        moved.append(
            Driver(
                measure=part.measure,
                text=text,
                impact=round(delta, 1),
                direction="up" if delta > 0 else "down",
                basis="change",
            )
        )
    moved.sort(key=lambda driver: (-abs(driver.impact), driver.measure))
    return moved


def _standing(parts: Sequence[MeasureHealth], skip: set[str]) -> list[Driver]:
    costs = []
    for part in parts:
        if part.score is None or part.measure in skip:
            continue
        lost = (100.0 - part.score) * part.effective_weight
        if lost >= MIN_IMPACT:
            costs.append((lost, part))
    costs.sort(key=lambda item: (-item[0], item[1].measure))
    return [
        Driver(
            measure=part.measure,
            text=part.detail,
            impact=-round(lost, 1),
            direction="down",
            basis="standing",
        )
        for lost, part in costs
    ]


def rank_drivers(
    parts: Sequence[MeasureHealth], previous: Sequence[MeasureHealth] | None, top: int
) -> list[Driver]:
    """The ``top`` drivers, changes first, then what costs the most points now."""
    drivers = _changes(parts, previous) if previous is not None else []
    drivers = drivers[:top]
    if len(drivers) < top:
        drivers += _standing(parts, {driver.measure for driver in drivers})[: top - len(drivers)]
    return drivers
