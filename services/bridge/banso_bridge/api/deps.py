"""Dependencies of the bridge routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from banso_bridge.config import BridgeSettings
from banso_bridge.metrics import BridgeMetrics
from banso_bridge.service.themes import ThemeBook
from banso_kit.clock import Clock


@dataclass
class BridgeContext:
    """What routes need beyond the kit's runtime."""

    settings: BridgeSettings
    book: ThemeBook
    metrics: BridgeMetrics
    clock: Clock
    wake_tickets: Callable[[], None]


def get_context(request: Request) -> BridgeContext:
    context: BridgeContext = request.state.bridge
    return context


ContextDep = Annotated[BridgeContext, Depends(get_context)]
