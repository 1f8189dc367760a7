"""Fixtures of the console's browser tests: the running stack and a Chromium per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from selenium import webdriver

from .browser import chromium
from .http_support import console_client
from .stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path_factory.mktemp("console")) as running:
        yield running


@pytest.fixture(autouse=True)
def users_keep_their_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """The browser tests share one stack and its users: whatever a test changes in a user's
    settings (the language), the next test finds them as they were, even when the test failed
    halfway."""
    if "stack" not in request.fixturenames:
        yield
        return
    stack: Stack = request.getfixturevalue("stack")
    saved = stack.user_settings()
    try:
        yield
    finally:
        stack.restore_user_settings(saved)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def console(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in console_client(database_url):
        yield client
