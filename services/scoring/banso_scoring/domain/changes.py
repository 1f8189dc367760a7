"""When a new health is worth a HealthChanged event.

The comparison is with the last *published* health, not the last computed one, so a slow
drift of one point a day is still reported once it adds up to ``delta``.
"""

from __future__ import annotations

from typing import Literal

from banso_scoring.domain.health import Health, PriorHealth

ChangeReason = Literal["first", "band", "score", "override"]


def change_reason(
    previous: PriorHealth | None, current: Health, delta: float
) -> ChangeReason | None:
    return reason_for(previous, current.score, current.band, delta)


def reason_for(
    previous: PriorHealth | None, score: float | None, band: str, delta: float
) -> ChangeReason | None:
    """``change_reason`` of a health with this ``score`` and ``band``."""
    if previous is None:
        return "first"
    if band != previous.band:
        return "band"
    if score is not None and previous.score is not None:
        if abs(score - previous.score) >= delta:
            return "score"
    return None
