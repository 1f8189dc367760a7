"""Uplift of a conversion rate over a holdout, with a 95 % confidence interval.

The interval for the difference of two independent proportions is Newcombe's hybrid score
interval (Newcombe 1998, "Interval estimation for the difference between independent
proportions", method 10): it combines the Wilson score intervals of each arm. Unlike the Wald
interval it stays inside [-1, 1] and is well behaved with zero counts (0/n or n/n), which small
holdouts produce all the time. The Wald interval is also given, for readers who expect it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Uplift:
    treatment_rate: float
    holdout_rate: float
    difference: float  # treatment rate minus holdout rate, absolute
    newcombe_95: Interval
    wald_95: Interval
    relative: float | None  # difference / holdout rate; None when the holdout rate is 0


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval:
    """Wilson score interval of one proportion."""
    _check(successes, trials)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def newcombe_interval(x1: int, n1: int, x2: int, n2: int, z: float = Z_95) -> Interval:
    """Newcombe's hybrid score interval for p1 - p2."""
    p1, p2 = x1 / n1, x2 / n2
    first, second = wilson_interval(x1, n1, z), wilson_interval(x2, n2, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = difference + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(low, high)


def wald_interval(x1: int, n1: int, x2: int, n2: int, z: float = Z_95) -> Interval:
    """The textbook interval; degenerate (zero width) when both arms are 0 % or 100 %."""
    p1, p2 = x1 / n1, x2 / n2
    half = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    difference = p1 - p2
    return Interval(max(-1.0, difference - half), min(1.0, difference + half))


def uplift(
    *, treatment_converted: int, treatment_total: int, holdout_converted: int, holdout_total: int
) -> Uplift | None:
    """None while either arm is empty: there is nothing to compare yet."""
    if treatment_total <= 0 or holdout_total <= 0:
        return None
    _check(treatment_converted, treatment_total)
    _check(holdout_converted, holdout_total)
    p1 = treatment_converted / treatment_total
    p2 = holdout_converted / holdout_total
    return Uplift(
        treatment_rate=p1,
        holdout_rate=p2,
        difference=p1 - p2,
        newcombe_95=newcombe_interval(
            treatment_converted, treatment_total, holdout_converted, holdout_total
        ),
        wald_95=wald_interval(
            treatment_converted, treatment_total, holdout_converted, holdout_total
        ),
        relative=(p1 - p2) / p2 if p2 > 0 else None,
    )


def _check(successes: int, trials: int) -> None:
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes}/{trials}")
