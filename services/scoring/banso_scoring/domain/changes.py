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
    if previous is None:
        return "first"
    if current.band != previous.band:
        return "band"
    if current.score is not None and previous.score is not None:
        if abs(current.score - previous.score) >= delta:
            return "score"
    return None
