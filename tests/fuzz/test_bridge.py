"""Schemathesis against the running bridge: no input makes it answer 5xx, and every answer is one
its OpenAPI declares (status, content type, body schema)."""

from __future__ import annotations

import pytest

from tests.fuzz.support import Target, fuzz

SERVICE = "bridge"
# Every operation of its OpenAPI but /readyz (tests/kit/test_openapi.py checks the spec itself).
OPERATIONS = 15
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_every_operation_answers_as_documented(service: Target) -> None:
    failures = fuzz(service)
    assert not failures, "\n\n".join(failures)
    assert len(service.sent) >= OPERATIONS
    assert min(service.sent.values()) >= 10, service.sent
