"""Writes a unit of work stages as it decides, flushed in bulk before its commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.outbox import Outbox
from banso_notify.adapters import nudge_store
from banso_notify.domain.playbook import Playbook
from banso_notify.service.conversions import look_back
from banso_notify.service.drafts import NudgeDraft, NudgeLike, insert_drafts
from banso_notify.service.enrol import enrolment_row


class Staged:
    """New nudges, enrolments and outbox events of one transaction."""

    def __init__(self, outbox: Outbox) -> None:
        self.events = outbox.batch()
        self.nudges: list[NudgeDraft] = []
        self._enrolments: list[tuple[NudgeLike, dict[str, Any]]] = []

    def enrol(self, nudge: NudgeLike, playbook: Playbook, *, at: datetime) -> None:
        row = enrolment_row(nudge, playbook, at=at)
        if row is not None:
            self._enrolments.append((nudge, row))

    async def flush(self, session: AsyncSession) -> None:
        nudges, self.nudges = self.nudges, []
        enrolments, self._enrolments = self._enrolments, []
        await insert_drafts(session, nudges)
        await look_back(session, enrolments, self.events)
        await nudge_store.insert_enrolments(session, [row for _, row in enrolments])
        await self.events.flush(session)
