"""Bounded in-flight work: admit a request only while the total weight in flight is below a cap.

There is no waiting room on purpose. A request that does not fit is answered 429 with Retry-After
at once, so memory stays bounded and the client backs off, instead of a queue growing in memory.
"""

from __future__ import annotations


class AdmissionGate:
    """Counts in-flight weight (bytes of request body, or events) against a cap.

    One gate per event loop; asyncio runs these methods without interleaving, so no lock.
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self.in_flight = 0
        self.requests = 0

    def try_enter(self, weight: int) -> bool:
        # A single request heavier than the whole cap is still served when nothing else is, or it
        # could never be served at all.
        if self.requests and self.in_flight + weight > self.capacity:
            return False
        self.in_flight += weight
        self.requests += 1
        return True

    def leave(self, weight: int) -> None:
        self.in_flight -= weight
        self.requests -= 1
