"""Clocks a test sets: the services take their clock as an argument."""

from __future__ import annotations


class FixedClock:
    """A service's clock in epoch seconds, standing still until the test sets `now`."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
