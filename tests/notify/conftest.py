"""Fixtures of notify's adapter and service tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.smtp import SmtpSink, start_sink


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[SmtpSink, int]]:
    """A real SMTP server on loopback recording what it accepts, and its port."""
    sink = SmtpSink()
    server, port = await start_sink(sink)
    try:
        yield sink, port
    finally:
        server.close()
        await server.wait_closed()
