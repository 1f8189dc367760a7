"""The ticket rule: when a theme gets its ticket, and when it joins a ticketed theme instead.

A theme is due a ticket once it reaches the threshold (accounts, ARR, share of problem reports;
domain/tickets/policy.py) and reads as one problem (`ThemeClusterer.fit_for_ticket`). One problem
gets one ticket: a due theme whose accounts overlap a ticketed theme's (`shared_accounts`), else
whose customers' words are a ticketed theme's (`shared_words`), joins it instead; and two ticketed
themes whose words have come to be the same are merged (`merge_twin_tickets`). The decisions are
pure functions (domain/tickets/decision.py, clustering/twins.py) that bench/themes.py scores too;
`ThemeBook` acts on what the rule decides; every method runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_bridge.adapters import item_store, ticket_store
from banso_bridge.adapters.engines import WorkspaceEngine
from banso_bridge.config import BridgeSettings
from banso_bridge.domain.clustering.twins import twin_to_merge
from banso_bridge.domain.tickets.decision import (
    due_for_ticket,
    held_back,
    join_candidates,
    strays_to_move,
    ticketed_theme_to_join,
)
from banso_bridge.domain.tickets.policy import TicketThreshold, evidence_grew, theme_key
from banso_bridge.models import Theme

#: (theme, ticketed theme it should join, likeness, reason)
Link = tuple[int, int, float, str]


class MergeThemes(Protocol):
    async def __call__(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        *,
        merged: int,
        survivor: int,
        reason: str = ...,
        similarity: float | None = ...,
    ) -> None: ...


class TicketRule:
    def __init__(self, *, settings: BridgeSettings, wake_tickets: Callable[[], None]) -> None:
        self.settings = settings
        self.wake_tickets = wake_tickets
        self.threshold = TicketThreshold(
            settings.ticket_min_accounts, settings.ticket_min_arr, settings.ticket_min_problem_share
        )

    async def ticket_if_due(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        row: Theme,
        now: float,
        problem_share: float,
    ) -> Link | None:
        """Open the theme's ticket when it is due, or ask for a comment when it grew. Returns
        (theme, ticketed theme, likeness, reason) when the theme should rather join a ticketed
        theme that shares its accounts or its words (the caller merges them). A theme that
        reached the threshold but does not read as one problem gets no ticket and says why
        (`row.held_back`, shown to the product manager who can split it)."""
        ticket = await ticket_store.get_ticket(
            session, workspace_id=row.workspace_id, theme_id=row.theme_id
        )
        if ticket is None:
            # Said with or without a tracker: the board shows what would keep it from one.
            row.held_back = held_back(
                engine.clusterer,
                row.theme_id,
                self.threshold,
                accounts=row.accounts_affected,
                arr=row.arr_affected,
                problem_share=problem_share,
            )
        sink = self.settings.sink
        if sink is None:
            return None
        if ticket is None:
            if row.held_back is None and due_for_ticket(
                engine.clusterer,
                row.theme_id,
                self.threshold,
                accounts=row.accounts_affected,
                arr=row.arr_affected,
                problem_share=problem_share,
            ):
                link = await self._ticketed_theme_to_join(session, engine, row.theme_id)
                if link is not None:
                    return (row.theme_id, *link)
                opened = await ticket_store.ensure_ticket(
                    session,
                    workspace_id=row.workspace_id,
                    theme_id=row.theme_id,
                    sink=sink,
                    theme_key=theme_key(row.workspace_id, row.theme_id),
                    title=row.custom_title or row.title,
                    now=now,
                )
                engine.clusterer.anchor(row.theme_id)
                if opened:
                    self.wake_tickets()
        elif ticket.state == "created" and evidence_grew(
            accounts=row.accounts_affected,
            arr=row.arr_affected,
            synced_accounts=ticket.synced_accounts,
            synced_arr=ticket.synced_arr,
        ):
            await ticket_store.request_update(
                session, workspace_id=row.workspace_id, theme_id=row.theme_id
            )
            self.wake_tickets()
        return None

    async def strays_to_move(
        self, session: AsyncSession, engine: WorkspaceEngine, row: Theme
    ) -> dict[int, list[str]]:
        """The requests a theme of defects held back for them (`row.held_back`) sends to the open
        request tickets they read as: ticketed theme -> item ids
        (`domain/tickets/decision.strays_to_move`; the caller moves them)."""
        if self.settings.sink is None or row.held_back != "requests_and_defects":
            return {}
        return strays_to_move(
            engine.clusterer,
            row.theme_id,
            await ticket_store.open_ticket_themes(session, workspace_id=engine.workspace_id),
            held="requests_and_defects",
            min_word_similarity=self.settings.ticket_link_min_word_similarity,
        )

    async def _ticketed_theme_to_join(
        self, session: AsyncSession, engine: WorkspaceEngine, theme_id: int
    ) -> tuple[int, float, str] | None:
        """The ticketed theme this theme should join (how alike, and why): one problem told in
        other words or another language gets no second ticket. First a theme whose accounts
        overlap this theme's (`shared_accounts`), else one whose customers' words are this
        theme's (`shared_words`): read the accounts from the store, decide with
        `domain/tickets/decision.ticketed_theme_to_join`."""
        clusterer = engine.clusterer
        candidates = join_candidates(
            clusterer,
            theme_id,
            await ticket_store.open_ticket_themes(session, workspace_id=engine.workspace_id),
        )
        if not candidates:
            return None
        minimum = self.settings.ticket_link_min_account_overlap
        accounts: dict[int, set[str]] = {other: set() for other in [theme_id, *candidates]}
        reporting = 0
        if minimum > 0:
            accounts = await item_store.accounts_of_themes(
                session, workspace_id=engine.workspace_id, theme_ids=[theme_id, *candidates]
            )
            reporting = await item_store.count_accounts(session, workspace_id=engine.workspace_id)
        own = accounts.pop(theme_id)
        return ticketed_theme_to_join(
            clusterer,
            theme_id,
            own,
            accounts,
            accounts_reporting=reporting,
            min_account_overlap=minimum,
            min_word_similarity=self.settings.ticket_link_min_word_similarity,
        )

    async def merge_twin_tickets(
        self,
        session: AsyncSession,
        engine: WorkspaceEngine,
        theme_ids: Iterable[int],
        merge: MergeThemes,
    ) -> None:
        """One problem, one ticket, also once both have one: a ticketed theme whose customers'
        words have come to be those of another ticketed theme (its Japanese and English reports,
        each ticketed before the other had grown its words) is merged (`merge`) into the one
        ticketed first, reason `shared_words`; the worker closes its ticket as that one's
        duplicate. A product manager's unmerge keeps the two apart for good."""
        minimum = self.settings.ticket_twin_min_word_similarity
        if minimum <= 0 or self.settings.sink is None:
            return
        clusterer = engine.clusterer
        workspace_id = engine.workspace_id
        open_themes = await ticket_store.open_ticket_themes(session, workspace_id=workspace_id)
        tickets = await ticket_store.tickets_of(
            session, workspace_id=workspace_id, theme_ids=open_themes
        )
        opened = {
            theme_id: (ticket.created_at, theme_id)
            for theme_id, ticket in tickets.items()
            if theme_id in clusterer.themes
        }
        for theme_id in sorted({clusterer.resolve(t) for t in theme_ids if t in clusterer.themes}):
            twin = twin_to_merge(clusterer, theme_id, opened, minimum=minimum)
            if twin is None:
                continue
            merged, survivor, likeness = twin
            await merge(
                session,
                engine,
                merged=merged,
                survivor=survivor,
                reason="shared_words",
                similarity=likeness,
            )
            opened.pop(merged, None)
