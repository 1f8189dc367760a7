"""Sign-in rate limiting per account and client address: after `max_failures` wrong passwords
within `window_s`, that account refuses sign-ins from that address until the window ends."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Throttle:
    max_failures: int
    window_s: float


@dataclass(frozen=True, slots=True)
class Failures:
    count: int
    window_started_at: float


def wait_s(throttle: Throttle, failures: Failures | None, now: float) -> int:
    """Seconds until a sign-in is tried again (0: now), rounded up."""
    if failures is None or failures.count < throttle.max_failures:
        return 0
    left = failures.window_started_at + throttle.window_s - now
    return max(0, math.ceil(left))


def after_failure(throttle: Throttle, failures: Failures | None, now: float) -> Failures:
    """The count after one more failure: a new window once the last one is over."""
    if failures is None or now >= failures.window_started_at + throttle.window_s:
        return Failures(1, now)
    return Failures(failures.count + 1, failures.window_started_at)
