"""Each workspace's clusterer, kept in memory and rebuilt from the database when needed.

The database is the truth: items (with their theme and window membership), themes and the
clusterer's counters. The in-memory clusterer is a cache of it; whoever fails half-way through an
update drops the workspace's engine, and the next use rebuilds it from what was committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import clusterer_store, columns, merge_store, split_store, ticket_store
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.engine import ThemeClusterer
from banso_bridge.domain.clustering.state import ClustererSnapshot, ItemRecord, ThemeRecord
from banso_bridge.domain.clustering.stream import ThemeStream


@dataclass
class WorkspaceEngine:
    workspace_id: str
    stream: ThemeStream
    # Theme of every window item as the database has it (to write only what moved).
    persisted: dict[str, int]
    known_themes: set[int]
    next_seq: int
    last_item_at: float = 0.0
    consolidated_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def clusterer(self) -> ThemeClusterer:
        return self.stream.clusterer


class EngineRegistry:
    def __init__(self, config: ClusteringConfig) -> None:
        self.config = config
        self._engines: dict[str, WorkspaceEngine] = {}
        self._loading: dict[str, asyncio.Lock] = {}

    def cached(self) -> list[WorkspaceEngine]:
        return list(self._engines.values())

    def drop(self, workspace_id: str) -> None:
        self._engines.pop(workspace_id, None)

    async def get(self, session: AsyncSession, workspace_id: str) -> WorkspaceEngine:
        engine = self._engines.get(workspace_id)
        if engine is not None:
            return engine
        async with self._loading.setdefault(workspace_id, asyncio.Lock()):
            engine = self._engines.get(workspace_id)
            if engine is None:
                engine = await self._load(session, workspace_id)
                self._engines[workspace_id] = engine
            return engine

    async def _load(self, session: AsyncSession, workspace_id: str) -> WorkspaceEngine:
        state = await clusterer_store.clusterer_state(session, workspace_id=workspace_id)
        themes = await clusterer_store.workspace_themes(session, workspace_id=workspace_id)
        items = await clusterer_store.window_items(session, workspace_id=workspace_id)
        splits = await split_store.workspace_splits(session, workspace_id=workspace_id)
        undone = await merge_store.undone_pairs(session, workspace_id=workspace_id)
        snapshot = ClustererSnapshot(
            themes=tuple(
                ThemeRecord(
                    id=theme.theme_id,
                    size=theme.item_count,
                    status="merged" if theme.status == "merged" else "active",
                    merged_into=theme.merged_into,
                    split_from=theme.split_from,
                )
                for theme in themes
            ),
            items=tuple(
                ItemRecord(
                    id=item.feedback_id,
                    theme_id=item.theme_id,
                    text=item.text,
                    language=item.language,
                    keys=tuple(columns.loads(item.keys)),
                    surfaces=tuple(columns.loads(item.surfaces)),
                    parts=tuple(columns.loads(item.parts)),
                )
                for item in items
            ),
            fitted_on=state.fitted_on if state else 0,
            since_consolidation=state.since_consolidation if state else 0,
            next_fit=state.next_fit if state and state.next_fit else self.config.first_fit_at,
            apart=(*undone, *((split.split_from, split.theme_id) for split in splits)),
            anchored=tuple(
                await ticket_store.open_ticket_themes(session, workspace_id=workspace_id)
            ),
            pinned=tuple(item for split in splits for item in split_store.split_items(split)),
        )
        # Refitting the representation is CPU work: keep the event loop answering meanwhile.
        clusterer = await asyncio.to_thread(ThemeClusterer.restore, snapshot, self.config)
        return WorkspaceEngine(
            workspace_id=workspace_id,
            stream=ThemeStream(self.config, clusterer=clusterer),
            persisted={item.feedback_id: item.theme_id for item in items},
            known_themes={theme.theme_id for theme in themes},
            next_seq=state.next_seq if state else 0,
            last_item_at=state.last_item_at if state else 0.0,
            consolidated_at=state.consolidated_at if state else 0.0,
        )
