"""The Kafka entry point: each batch of feedback, account traits and health goes to the service
layer (`service/intake.py`) inside the transaction that also stores its offsets."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.service.intake import Intake
from banso_bridge.service.themes import ThemeBook
from banso_kit.kafka.consumer import Inbound


class BridgeHandler:
    def __init__(self, book: ThemeBook) -> None:
        self._intake = Intake(book)

    async def __call__(self, session: AsyncSession, messages: Sequence[Inbound]) -> None:
        await self._intake.apply(session, messages)
