"""Clocks a test sets: the services take their clock (`banso_kit.clock.Clock`) as an argument."""

from __future__ import annotations

from banso_kit.clock import FixedClock

__all__ = ["FixedClock"]
