"""A consumer batch: feedback, account traits and health, applied in one transaction.

`consumers/handler.py` calls `Intake.apply` inside the kit consumer's transaction that also stores
the offsets, so a batch is applied entirely or not at all. The in-memory clusterers are a cache of the database: if anything
fails, the workspaces this batch touched are dropped and rebuilt from what is committed, and the
kit retries the batch (message by message, to isolate a poison message).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import account_store
from banso_bridge.service.themes import ThemeBook
from banso_contracts.events import AccountTraitsUpdated, FeedbackReceived, HealthChanged
from banso_kit.kafka.consumer import Inbound


def _arr(traits: dict[str, Any]) -> float | None:
    """ARR from Segment group traits (`arr`, or `annual_revenue`); None when absent or unusable."""
    for name in ("arr", "ARR", "annual_recurring_revenue", "annual_revenue"):
        value = traits.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.replace(",", "").strip())
            except ValueError:
                continue
            if math.isfinite(number) and number >= 0:
                return number
    return None


class Intake:
    def __init__(self, book: ThemeBook) -> None:
        self.book = book

    async def apply(self, session: AsyncSession, messages: Sequence[Inbound]) -> None:
        touched: dict[str, set[int]] = defaultdict(set)
        feedback: dict[str, list[FeedbackReceived]] = defaultdict(list)
        try:
            for message in messages:
                event = message.event
                if isinstance(event, FeedbackReceived):
                    feedback[event.workspace_id].append(event)
                elif isinstance(event, AccountTraitsUpdated):
                    await account_store.upsert_account_traits(
                        session,
                        workspace_id=event.workspace_id,
                        account_id=event.account_id,
                        name=str(event.traits["name"]) if event.traits.get("name") else None,
                        arr=_arr(event.traits),
                        at=event.timestamp.timestamp(),
                    )
                    touched[event.workspace_id] |= await account_store.themes_of_account(
                        session, workspace_id=event.workspace_id, account_id=event.account_id
                    )
                elif isinstance(event, HealthChanged):
                    await account_store.upsert_account_health(
                        session,
                        workspace_id=event.workspace_id,
                        account_id=event.account_id,
                        band=event.band,
                        score=event.score,
                        at=event.computed_at.timestamp(),
                    )
                    touched[event.workspace_id] |= await account_store.themes_of_account(
                        session, workspace_id=event.workspace_id, account_id=event.account_id
                    )
            for workspace_id in sorted(set(feedback) | set(touched)):
                engine = await self.book.registry.get(session, workspace_id)
                async with engine.lock:
                    themes = touched[workspace_id]
                    if workspace_id in feedback:
                        themes |= await self.book.add_feedback(
                            session, engine, feedback[workspace_id]
                        )
                        await self.book.save_state(session, engine)
                    await self.book.refresh(session, engine, themes)
        except BaseException:
            # The transaction rolls back: the cached clusterers may be ahead of the database.
            for workspace_id in set(feedback) | set(touched):
                self.book.registry.drop(workspace_id)
            raise
