"""Fixtures for notify's service tests: a real SMTP server on loopback, settings per test."""

from __future__ import annotations

import pytest

from banso_notify.config import NotifySettings
from tests.support.smtp import SmtpSink

from .support import settings_for


@pytest.fixture
def settings(
    database_url: str, kafka_bootstrap: str, topic_prefix: str, smtp: tuple[SmtpSink, int]
) -> NotifySettings:
    return settings_for(database_url, kafka_bootstrap, topic_prefix, smtp[1])
