"""Bounded in-flight work: what does not fit is refused at once, never queued."""

from __future__ import annotations

import pytest

from banso_ingest.domain.admission import AdmissionGate


def test_requests_are_admitted_until_the_capacity_is_used() -> None:
    gate = AdmissionGate(100)
    assert gate.try_enter(60)
    assert gate.try_enter(40)
    assert not gate.try_enter(1)
    gate.leave(40)
    assert gate.try_enter(30)
    assert (gate.in_flight, gate.requests) == (90, 2)


def test_a_request_heavier_than_the_capacity_is_served_alone() -> None:
    gate = AdmissionGate(10)
    assert gate.try_enter(50)
    assert not gate.try_enter(1)
    gate.leave(50)
    assert (gate.in_flight, gate.requests) == (0, 0)


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        AdmissionGate(0)
