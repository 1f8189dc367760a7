"""The consumer's entry point: a batch of inbound events, split by workspace, applied by the
service layer in the transaction that stores the batch's offsets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.clock import Clock
from banso_kit.kafka.consumer import Inbound
from banso_kit.outbox import Outbox
from banso_notify.adapters import transactions
from banso_notify.metrics import NotifyMetrics
from banso_notify.service.catalog import Catalog
from banso_notify.service.intake import Intake
from banso_notify.service.planner import Planner


class NotifyHandler:
    def __init__(
        self,
        *,
        outbox: Outbox,
        catalog: Catalog,
        planner: Planner,
        clock: Clock,
        metrics: NotifyMetrics,
        wake_dispatcher: Callable[[], None] | None = None,
        max_clock_skew: timedelta = timedelta(minutes=5),
    ) -> None:
        self._intake = Intake(outbox, catalog, planner, clock, metrics, max_clock_skew)
        self._wake = wake_dispatcher

    async def __call__(self, session: AsyncSession, messages: Sequence[Inbound]) -> None:
        by_workspace: dict[str, list[Inbound]] = defaultdict(list)
        for message in messages:
            workspace = message.event.workspace_id
            if workspace:
                by_workspace[workspace].append(message)
        for workspace_id, batch in by_workspace.items():
            await self._intake.apply(session, workspace_id, batch)
        wake = self._wake
        if wake is not None:
            # the dispatcher can only see the new nudges once the consumer's transaction commits
            transactions.after_commit(session, wake)
