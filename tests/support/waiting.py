"""Waiting for what a service does asynchronously."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool], *, within_s: float = 90.0
) -> None:
    """Wait until `check` holds (it may be a coroutine function); fail after `within_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
