"""Keeping themes in the database in step with the clusterer, and announcing what changed.

`ThemeBook` is used by the Kafka handler (new feedback, traits, health), by the idle consolidation
task and by the API (manual merge). Every method runs inside the caller's transaction; events go
through the transactional outbox, so they are published only if the transaction commits. Which
themes get a ticket, and which join a ticketed theme instead, is the ticket rule's (ticket_rule.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import (
    clusterer_store,
    columns,
    item_store,
    merge_store,
    split_store,
    theme_store,
    ticket_store,
)
from banso_bridge.adapters.engines import EngineRegistry, WorkspaceEngine
from banso_bridge.config import BridgeSettings
from banso_bridge.domain.clustering.outcomes import ConsolidationReport
from banso_bridge.domain.clustering.stream import Placement
from banso_bridge.domain.priority import priority
from banso_bridge.domain.text.business_reason import is_business_reason
from banso_bridge.domain.text.trouble import tells_of_trouble
from banso_bridge.metrics import BridgeMetrics
from banso_bridge.models import ClustererState, FeedbackItem, Theme
from banso_bridge.service.ticket_rule import Link, TicketRule
from banso_contracts.events import FeedbackReceived, ThemeCreated, ThemeUpdated
from banso_kit.clock import Clock, epoch
from banso_kit.errors import Conflict, InvalidInput, Retryable
from banso_kit.outbox import Outbox

logger = logging.getLogger(__name__)

# Theme fields whose change is worth a ThemeUpdated event.
_ANNOUNCED = ("title", "keywords", "item_count", "accounts_affected", "arr_affected", "status")


@dataclass(frozen=True, slots=True)
class _Placed:
    event: FeedbackReceived
    placement: Placement


class ThemeBook:
    def __init__(
        self,
        *,
        settings: BridgeSettings,
        registry: EngineRegistry,
        outbox: Outbox,
        metrics: BridgeMetrics,
        clock: Clock,
        wake_tickets: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.outbox = outbox
        self.metrics = metrics
        self.clock = clock
        self.wake_tickets = wake_tickets
        self.ticket_rule = TicketRule(settings=settings, wake_tickets=wake_tickets)

    # -- feedback --------------------------------------------------------------------------------

    async def add_feedback(
        self, session: AsyncSession, engine: WorkspaceEngine, events: Sequence[FeedbackReceived]
    ) -> set[int]:
        """Place new items (repeats are dropped), store them; returns the themes touched."""
        known = await item_store.known_feedback(
            session, workspace_id=engine.workspace_id, feedback_ids=[e.feedback_id for e in events]
        )
        fresh: list[FeedbackReceived] = []
        for event in events:
            if event.feedback_id in known:
                self.metrics.feedback.labels("duplicate").inc()
                continue
            known.add(event.feedback_id)
            fresh.append(event)
        if not fresh:
            return set()
        if any(event.feedback_id in engine.persisted for event in fresh):
            # The cache holds items the database does not (a commit failed after the handler
            # returned): the caller drops it and the batch is retried on a rebuilt clusterer.
            raise Retryable("clusterer cache is ahead of the database")

        def place_all() -> list[_Placed]:
            return [_Placed(e, engine.stream.place(e.feedback_id, e.text)) for e in fresh]

        started = asyncio.get_running_loop().time()
        placed = await asyncio.to_thread(place_all)
        self.metrics.placement_seconds.observe(asyncio.get_running_loop().time() - started)
        rows: list[FeedbackItem] = []
        reports: list[ConsolidationReport] = []
        touched: set[int] = set()
        for entry in placed:
            event, placement = entry.event, entry.placement
            processed, assignment = placement.processed, placement.assignment
            rows.append(
                FeedbackItem(
                    workspace_id=engine.workspace_id,
                    feedback_id=event.feedback_id,
                    seq=engine.next_seq,
                    account_id=event.account_id,
                    user_id=event.user_id,
                    kind=event.kind,
                    text=processed.text,
                    language=str(processed.language),
                    keys=columns.dumps([t.key for t in processed.tokens]),
                    surfaces=columns.dumps([t.surface for t in processed.tokens]),
                    parts=columns.dumps([p for t in processed.tokens for p in t.parts]),
                    pii=columns.dumps({str(k): n for k, n in processed.pii.items()}),
                    theme_id=assignment.theme_id,
                    score=event.score,
                    external_id=event.external_id,
                    url=event.url,
                    author=event.author,
                    business_reason=event.kind == "churn_reason"
                    and is_business_reason(processed.text),
                    trouble=tells_of_trouble(processed.text),
                    occurred_at=event.timestamp.timestamp(),
                    received_at=event.received_at.timestamp(),
                )
            )
            engine.next_seq += 1
            engine.persisted[event.feedback_id] = assignment.theme_id
            touched.add(assignment.theme_id)
            self.metrics.feedback.labels("placed").inc()
            for kind, count in processed.pii.items():
                self.metrics.redacted.labels(str(kind)).inc(count)
            if placement.consolidation is not None:
                reports.append(placement.consolidation)
        await item_store.add_items(session, items=rows)
        engine.last_item_at = epoch(self.clock)
        touched |= await self.sync(session, engine, reports)
        return touched

    async def consolidate(self, session: AsyncSession, engine: WorkspaceEngine) -> set[int]:
        """One consolidation pass outside the stream's own schedule (the idle timer)."""
        # The stream is quiet: bring the representation up to date if the window outgrew it.
        clusterer = engine.clusterer
        refit = clusterer.representation_stale
        report = await asyncio.to_thread(lambda: clusterer.consolidate(refit=refit))
        engine.consolidated_at = epoch(self.clock)
        return await self.sync(session, engine, [report])

    async def sync(
        self, session: AsyncSession, engine: WorkspaceEngine, reports: Sequence[ConsolidationReport]
    ) -> set[int]:
        """Write what consolidation changed: merges, splits, moved and evicted items."""
        workspace_id = engine.workspace_id
        clusterer = engine.clusterer
        touched: set[int] = set()
        for report in reports:
            self.metrics.consolidations.labels("yes" if report.refitted else "no").inc()
            engine.consolidated_at = epoch(self.clock)
            for merge in report.merges:
                await merge_store.record_merge(
                    session,
                    workspace_id=workspace_id,
                    merged=merge.merged,
                    survivor=merge.survivor,
                    reason=merge.reason,
                    similarity=merge.similarity,
                    now=epoch(self.clock),
                )
                # Items that left the window still belong to the merged theme: move them too.
                await item_store.relabel_theme(
                    session, workspace_id=workspace_id, merged=merge.merged, survivor=merge.survivor
                )
                await ticket_store.follow_merge(
                    session, workspace_id=workspace_id, merged=merge.merged, survivor=merge.survivor
                )
                self.metrics.merges.labels("consolidation").inc()
            touched |= report.changed_themes
        current = clusterer.assignments()
        moved = {
            item: theme for item, theme in current.items() if engine.persisted.get(item) != theme
        }
        if moved:
            touched |= set(moved.values())
            touched |= {engine.persisted[item] for item in moved if item in engine.persisted}
            await item_store.set_item_themes(session, workspace_id=workspace_id, themes=moved)
        evicted = [item for item in engine.persisted if item not in current]
        if evicted:
            await item_store.leave_window(session, workspace_id=workspace_id, feedback_ids=evicted)
        engine.persisted = dict(current)
        new_themes = set(clusterer.themes) - engine.known_themes
        for theme_id in sorted(new_themes):
            theme = clusterer.themes[theme_id]
            session.add(
                Theme(
                    workspace_id=workspace_id,
                    theme_id=theme_id,
                    split_from=theme.split_from,
                    updated_at=epoch(self.clock),
                )
            )
            self.metrics.themes_opened.inc()
        engine.known_themes |= new_themes
        await session.flush()
        return touched | new_themes

    async def save_state(self, session: AsyncSession, engine: WorkspaceEngine) -> None:
        snapshot = engine.clusterer.snapshot()
        await clusterer_store.save_clusterer_state(
            session,
            state=ClustererState(
                workspace_id=engine.workspace_id,
                fitted_on=snapshot.fitted_on,
                since_consolidation=snapshot.since_consolidation,
                next_fit=snapshot.next_fit,
                next_seq=engine.next_seq,
                last_item_at=engine.last_item_at,
                consolidated_at=engine.consolidated_at,
            ),
        )

    # -- themes ----------------------------------------------------------------------------------

    async def refresh(
        self, session: AsyncSession, engine: WorkspaceEngine, theme_ids: Iterable[int]
    ) -> None:
        """Recompute labels, counts and priority; announce changes; open or grow tickets."""
        workspace_id = engine.workspace_id
        clusterer = engine.clusterer
        ids = {t for t in theme_ids if t in clusterer.themes}
        now = epoch(self.clock)
        stats = await theme_store.theme_stats(
            session, workspace_id=workspace_id, theme_ids=ids, now=now
        )
        links: list[Link] = []
        moves: list[tuple[int, dict[int, list[str]]]] = []
        for theme_id in sorted(ids):
            row = await theme_store.get_theme(session, workspace_id=workspace_id, theme_id=theme_id)
            if row is None:
                row = Theme(workspace_id=workspace_id, theme_id=theme_id)
            before = {name: getattr(row, name) for name in _ANNOUNCED}
            theme = clusterer.themes[theme_id]
            figures = stats[theme_id]
            if not theme.is_active:
                row.status = "merged"
                row.merged_into = clusterer.resolve(theme_id)
            else:
                label = clusterer.label(theme_id, previous_title=row.title or None)
                row.title = label.title
                row.keywords = columns.dumps(list(label.keywords))
                row.quotes = columns.dumps(list(label.quotes))
                row.languages = columns.dumps(label.languages)
                row.praise = clusterer.is_praise(theme_id)
            row.item_count = figures.items
            row.accounts_affected = figures.accounts
            row.arr_affected = round(figures.arr, 2)
            row.at_risk_share = round(figures.at_risk_share, 4)
            row.items_last_7d = figures.items_last_7d
            row.items_prev_28d = figures.items_prev_28d
            row.first_seen = figures.first_seen
            row.last_seen = figures.last_seen
            row.priority = priority(figures) if theme.is_active else 0.0
            row.updated_at = now
            changed = [name for name in _ANNOUNCED if getattr(row, name) != before[name]]
            session.add(row)
            await self._announce(session, row, changed, now)
            # Before the first fit every item sits alone: no theme is a problem yet.
            fitted = clusterer.model.fitted_on > 0
            row.held_back = None  # (the ticket rule says why, when it holds the theme back)
            if fitted and theme.is_active and not row.muted and row.status in {"open", "ticketed"}:
                link = await self.ticket_rule.ticket_if_due(
                    session, engine, row, now, figures.problem_share
                )
                if link is not None:
                    links.append(link)
                strays = await self.ticket_rule.strays_to_move(session, engine, row)
                if strays:
                    moves.append((theme_id, strays))
        await session.flush()
        for source, strays in moves:
            await self.move_strays(session, engine, source=source, strays=strays)
        # After the loop: a merge refreshes both themes itself, from fresh figures.
        for merged, survivor, overlap, reason in links:
            if clusterer.themes[merged].is_active and clusterer.resolve(survivor) != merged:
                await self.merge(
                    session,
                    engine,
                    merged=merged,
                    survivor=survivor,
                    reason=reason,
                    similarity=round(overlap, 4),
                )
        await self.ticket_rule.merge_twin_tickets(session, engine, ids, self.merge)

    async def _announce(
        self, session: AsyncSession, row: Theme, changed: list[str], now: float
    ) -> None:
        if row.item_count == 0 and row.status != "merged":
            return  # an empty theme (its items moved away before it was ever shown)
        fields = {
            "workspace_id": row.workspace_id,
            "theme_id": str(row.theme_id),
            "title": row.custom_title or row.title or f"Theme {row.theme_id}",
            "keywords": columns.loads(row.keywords),
            "item_count": row.item_count,
            "accounts_affected": row.accounts_affected,
            "arr_affected": row.arr_affected,
            "status": row.status,
            "merged_into": str(row.merged_into) if row.merged_into is not None else None,
            "occurred_at": datetime.fromtimestamp(now, tz=UTC),
        }
        if not row.announced:
            if row.status == "merged":
                return  # never shown: nothing to retract
            await self.outbox.add(session, ThemeCreated.model_validate(fields))
            row.announced = True
        elif changed:
            await self.outbox.add(
                session, ThemeUpdated.model_validate({**fields, "changed": changed})
            )

    async def merge(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        *,
        merged: int,
        survivor: int,
        reason: str = "manual",
        similarity: float | None = None,
    ) -> None:
        """A merge outside consolidation (a product manager's, or the ticket rule's link): the
        clusterer, the items and both themes follow."""
        clusterer = engine.clusterer
        merged, survivor = clusterer.resolve(merged), clusterer.resolve(survivor)
        if merged == survivor:
            return
        clusterer.merge(merged, survivor, reason=reason)
        if clusterer.resolve(merged) != survivor:
            return  # refused: a pair kept apart, or praise and a problem (not a manual merge)
        await merge_store.record_merge(
            session,
            workspace_id=engine.workspace_id,
            merged=merged,
            survivor=survivor,
            reason=reason,
            similarity=similarity,
            now=epoch(self.clock),
        )
        await item_store.relabel_theme(
            session, workspace_id=engine.workspace_id, merged=merged, survivor=survivor
        )
        await ticket_store.follow_merge(
            session, workspace_id=engine.workspace_id, merged=merged, survivor=survivor
        )
        self.metrics.merges.labels("manual" if reason == "manual" else "linked").inc()
        await self.sync(session, engine, [])
        await self.refresh(session, engine, {merged, survivor})

    async def move_strays(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        *,
        source: int,
        strays: Mapping[int, list[str]],
    ) -> None:
        """The ticket rule's move of the requests held back among a theme's defects to the
        request tickets they read as (`TicketRule.strays_to_move`): the clusterer and the items
        follow, and the themes are refreshed (what is left may now get its own ticket)."""
        clusterer = engine.clusterer
        homes = [home for home in strays if clusterer.themes[home].is_active]
        for home in homes:
            clusterer.move(strays[home], home)
            self.metrics.moved.inc(len(strays[home]))
        if homes:
            await self.sync(session, engine, [])
            await self.refresh(session, engine, {source, *homes})

    async def unmerge(self, session: AsyncSession, engine: WorkspaceEngine, *, merged: int) -> int:
        """Undo a merge: the theme is active again with the items it had that are still in its
        survivor, and the two are never merged automatically again. Returns the survivor."""
        workspace_id = engine.workspace_id
        clusterer = engine.clusterer
        record = await merge_store.get_merge(session, workspace_id=workspace_id, merged=merged)
        theme = clusterer.themes.get(merged)
        if record is None or record.undone_at is not None or theme is None or theme.is_active:
            raise Conflict("theme is not merged", detail={"theme_id": merged})
        survivor = clusterer.resolve(merged)
        items = merge_store.merged_items(record)
        clusterer.unmerge(merged, items)
        back = await item_store.move_back(
            session, workspace_id=workspace_id, feedback_ids=items, source=survivor, target=merged
        )
        sizes = await item_store.theme_sizes(
            session, workspace_id=workspace_id, theme_ids=[merged, survivor]
        )
        clusterer.set_sizes(sizes)
        for feedback_id in back:
            if feedback_id in engine.persisted:
                engine.persisted[feedback_id] = merged
        record.survivor = survivor
        record.undone_at = epoch(self.clock)
        session.add(record)
        row = await theme_store.get_theme(session, workspace_id=workspace_id, theme_id=merged)
        if row is not None:
            ticket = await ticket_store.get_ticket(
                session, workspace_id=workspace_id, theme_id=merged
            )
            row.status = "ticketed" if ticket is not None else "open"
            row.merged_into = None
            session.add(row)
        self.metrics.merges.labels("undone").inc()
        await self.sync(session, engine, [])
        await self.refresh(session, engine, {merged, survivor})
        return survivor

    async def split(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        *,
        theme_id: int,
        items: Sequence[str],
        title: str | None,
        actor: str | None,
    ) -> int:
        """A product manager's split: `items` of the theme move into a new theme, stay there,
        and the two are never merged automatically again. Returns the new theme's id."""
        workspace_id = engine.workspace_id
        clusterer = engine.clusterer
        wanted = list(dict.fromkeys(items))
        theme = clusterer.themes.get(theme_id)
        if theme is None or not theme.is_active:
            raise Conflict("theme is merged", detail={"theme_id": theme_id})
        found = await item_store.item_themes(
            session, workspace_id=workspace_id, feedback_ids=wanted
        )
        foreign = [item for item in wanted if found.get(item) != theme_id]
        if foreign:
            raise InvalidInput(
                f"item {foreign[0]} is not in theme {theme_id}",
                detail={"theme_id": theme_id, "items": foreign},
            )
        sizes = await item_store.theme_sizes(
            session, workspace_id=workspace_id, theme_ids=[theme_id]
        )
        if sizes.get(theme_id, 0) <= len(wanted):
            raise Conflict(
                "every item of the theme was chosen: nothing would remain",
                detail={"theme_id": theme_id, "items": len(wanted)},
            )
        child = clusterer.split_off(theme_id, wanted)
        await item_store.move_back(
            session, workspace_id=workspace_id, feedback_ids=wanted, source=theme_id, target=child
        )
        clusterer.set_sizes(
            await item_store.theme_sizes(
                session, workspace_id=workspace_id, theme_ids=[theme_id, child]
            )
        )
        for feedback_id in wanted:
            if feedback_id in engine.persisted:
                engine.persisted[feedback_id] = child
        await split_store.record_split(
            session,
            workspace_id=workspace_id,
            theme_id=child,
            split_from=theme_id,
            items=wanted,
            actor=actor,
            now=epoch(self.clock),
        )
        await self.sync(session, engine, [])
        if title:
            row = await theme_store.get_theme(session, workspace_id=workspace_id, theme_id=child)
            if row is not None:
                row.custom_title = title
                session.add(row)
        self.metrics.splits.inc()
        await self.refresh(session, engine, {theme_id, child})
        return child
