"""Per-workspace playbooks and policy, cached briefly: they change rarely and are read per event.

Versions are immutable, so a (playbook, version) is cached for good; the current set and the
policy are re-read after ``ttl_s`` (and at once in the process that changed them).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.adapters import directory, playbook_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.policy import WorkspacePolicy

_FOR_GOOD = float("inf")


class Catalog:
    def __init__(self, *, ttl_s: float = 2.0) -> None:
        self._ttl_s = ttl_s
        self._current: dict[str, tuple[float, list[StoredPlaybook]]] = {}
        self._policies: dict[str, tuple[float, WorkspacePolicy]] = {}
        self._versions: dict[tuple[str, str, int], StoredPlaybook] = {}
        self._habits: dict[tuple[str, str], float] = {}

    async def playbooks(self, session: AsyncSession, workspace_id: str) -> list[StoredPlaybook]:
        cached = self._current.get(workspace_id)
        if cached is not None and time.monotonic() - cached[0] < self._ttl_s:
            return cached[1]
        found = await playbook_store.current_playbooks(session, workspace_id=workspace_id)
        self._current[workspace_id] = (time.monotonic(), found)
        for stored in found:
            self._versions[(workspace_id, stored.playbook.id, stored.version)] = stored
        return found

    async def version(
        self, session: AsyncSession, workspace_id: str, playbook_id: str, version: int
    ) -> StoredPlaybook | None:
        key = (workspace_id, playbook_id, version)
        if key not in self._versions:
            stored = await playbook_store.get_playbook(
                session, workspace_id=workspace_id, playbook_id=playbook_id, version=version
            )
            if stored is None:
                return None
            self._versions[key] = stored
        return self._versions[key]

    async def current(
        self, session: AsyncSession, workspace_id: str, playbook_id: str
    ) -> StoredPlaybook | None:
        for stored in await self.playbooks(session, workspace_id):
            if stored.playbook.id == playbook_id:
                return stored
        return None

    async def policy(self, session: AsyncSession, workspace_id: str) -> WorkspacePolicy:
        cached = self._policies.get(workspace_id)
        if cached is not None and time.monotonic() - cached[0] < self._ttl_s:
            return cached[1]
        policy = await directory.get_policy(session, workspace_id=workspace_id)
        self._policies[workspace_id] = (time.monotonic(), policy)
        return policy

    async def accounts_described(self, session: AsyncSession, workspace_id: str) -> bool:
        """Whether the workspace sends its accounts' traits (group calls): then an account
        without any has them still on the way (`awaiting.py`). Once true it stays true."""
        return await self._once_true(
            session, workspace_id, "accounts", directory.describes_accounts
        )

    async def people_identified(self, session: AsyncSession, workspace_id: str) -> bool:
        """Whether the workspace identifies its people (identify calls with traits): then a
        person whose identify has not arrived has it still on the way (`awaiting.py`). Once
        true it stays true."""
        return await self._once_true(session, workspace_id, "people", directory.identifies_people)

    async def _once_true(
        self,
        session: AsyncSession,
        workspace_id: str,
        what: str,
        check: Callable[..., Awaitable[bool]],
    ) -> bool:
        """A workspace's habit: true for good once seen, false asked again after ``ttl_s``."""
        key = (what, workspace_id)
        checked = self._habits.get(key)
        if checked == _FOR_GOOD:
            return True
        if checked is not None and time.monotonic() - checked < self._ttl_s:
            return False
        if await check(session, workspace_id=workspace_id):
            self._habits[key] = _FOR_GOOD
            return True
        self._habits[key] = time.monotonic()
        return False

    def invalidate(self, workspace_id: str) -> None:
        self._current.pop(workspace_id, None)
        self._policies.pop(workspace_id, None)
