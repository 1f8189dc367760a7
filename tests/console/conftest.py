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
