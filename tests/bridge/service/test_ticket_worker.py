"""Two ticket workers (two replicas) racing for the same ticket create it once."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client import CollectorRegistry

from banso_bridge.adapters import theme_store, ticket_store
from banso_bridge.adapters.sinks.github import GitHubSink
from banso_bridge.domain.tickets.policy import theme_key
from banso_bridge.metrics import BridgeMetrics
from banso_bridge.models import KIT, Theme
from banso_bridge.service.ticketing import TicketWorker
from banso_kit.db import Database
from banso_kit.outbox import Outbox
from tests.bridge.adapters.trackers import FakeGitHub
from tests.support.clocks import FixedClock
from tests.support.http import serve

from .support import T0, settings_for


async def test_concurrent_workers_create_one_ticket(migrated_url: str) -> None:
    github = FakeGitHub(slow_creates=1, slow_s=0.5)  # a slow sink widens the race window
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            session.add(
                Theme(
                    workspace_id="acme",
                    theme_id=1,
                    title="invoice · pdf · download",
                    keywords='["invoice","pdf"]',
                    quotes='["The invoice PDF download fails."]',
                    item_count=9,
                    accounts_affected=3,
                    arr_affected=90_000.0,
                )
            )
            await ticket_store.ensure_ticket(
                session,
                workspace_id="acme",
                theme_id=1,
                sink="github",
                theme_key=theme_key("acme", 1),
                title="invoice · pdf · download",
                now=T0,
            )
        async with serve(github.app()) as base, httpx.AsyncClient(timeout=10) as client:
            settings = settings_for(
                migrated_url,
                "127.0.0.1:9092",
                "unused.",
                sink="github",
                github_api_url=base,
                github_repo="acme/product",
                github_token=github.token,
            )
            workers = [
                TicketWorker(
                    settings=settings,
                    db=db,
                    sink=GitHubSink(client, api_url=base, repo="acme/product", token=github.token),
                    outbox=Outbox(KIT, source="banso/bridge"),
                    metrics=BridgeMetrics(CollectorRegistry()),
                    clock=FixedClock(T0),
                )
                for _ in range(2)
            ]
            await asyncio.gather(*(worker.run_once() for worker in workers))
            await asyncio.gather(*(worker.run_once() for worker in workers))
        async with db.session() as session:
            ticket = await ticket_store.get_ticket(session, workspace_id="acme", theme_id=1)
        assert github.created() == 1
        assert ticket is not None
        assert ticket.state == "created"
        assert ticket.external_key == "acme/product#1"
    finally:
        await db.dispose()


async def test_a_ticketed_theme_merged_into_a_ticketed_one_becomes_its_duplicate(
    migrated_url: str,
) -> None:
    github = FakeGitHub()
    db = Database(migrated_url)
    try:
        async with db.session() as session:
            for theme_id, title in ((1, "SSO login loops"), (2, "ログインが無限ループする")):
                session.add(
                    Theme(
                        workspace_id="acme",
                        theme_id=theme_id,
                        title=title,
                        keywords='["login"]',
                        quotes='["The SSO login loops."]',
                        item_count=9,
                        accounts_affected=3,
                        arr_affected=90_000.0,
                    )
                )
                await ticket_store.ensure_ticket(
                    session,
                    workspace_id="acme",
                    theme_id=theme_id,
                    sink="github",
                    theme_key=theme_key("acme", theme_id),
                    title=title,
                    now=T0,
                )
        async with serve(github.app()) as base, httpx.AsyncClient(timeout=10) as client:
            settings = settings_for(
                migrated_url,
                "127.0.0.1:9092",
                "unused.",
                sink="github",
                github_api_url=base,
                github_repo="acme/product",
                github_token=github.token,
            )
            worker = TicketWorker(
                settings=settings,
                db=db,
                sink=GitHubSink(client, api_url=base, repo="acme/product", token=github.token),
                outbox=Outbox(KIT, source="banso/bridge"),
                metrics=BridgeMetrics(CollectorRegistry()),
                clock=FixedClock(T0),
            )
            await worker.run_once()
            assert github.created() == 2
            # Consolidation found theme 2 to be the same problem as theme 1.
            async with db.session() as session:
                merged = await theme_store.get_theme(session, workspace_id="acme", theme_id=2)
                assert merged is not None
                merged.status, merged.merged_into = "merged", 1
                session.add(merged)
                await ticket_store.follow_merge(session, workspace_id="acme", merged=2, survivor=1)
            await worker.run_once()
            await worker.run_once()  # nothing left to say: the note is posted once
        async with db.session() as session:
            twin = await ticket_store.get_ticket(session, workspace_id="acme", theme_id=2)
            original = await ticket_store.get_ticket(session, workspace_id="acme", theme_id=1)
        assert github.created() == 2
        assert [c["number"] for c in github.comments] == [2]
        assert github.comments[0]["body"].startswith("Bansō: duplicate of acme/product#1")
        assert twin is not None
        assert twin.state == "duplicate"
        assert twin.status == "duplicate of acme/product#1"
        assert original is not None
        assert original.state == "created"
        assert not original.needs_update
    finally:
        await db.dispose()
