"""Reading the report's facts from the services' APIs and the stand-ins' records."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Any, TypeVar

import httpx

from banso_sim.demo.purity import TicketScores, TopicIndex, score_tickets
from banso_sim.demo.report import (
    AccountRow,
    HealthSection,
    NudgesSection,
    PlaybookRow,
    ThemeRow,
    ThemesSection,
)
from banso_sim.platform.api import ServiceApi
from banso_sim.sinks.jira import Issue, JiraServer
from banso_sim.sinks.slack import WebhookSink
from banso_sim.sinks.smtp import SmtpSink
from banso_sim.world.model import World

T = TypeVar("T")
_BAND_ORDER = {"red": 0, "yellow": 1, "green": 2, "unknown": 3}


async def _bounded(calls: Sequence[Callable[[], Awaitable[T]]], limit: int = 8) -> list[T]:
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(call) for call in calls)))


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


# -- health -------------------------------------------------------------------------------------


async def _portfolio(scoring: ServiceApi) -> dict[str, dict[str, Any]]:
    """Every account scoring keeps, with the traits it was sent (name, plan, ARR)."""
    accounts: dict[str, dict[str, Any]] = {}
    offset: int | None = 0
    while offset is not None:
        page = await scoring.get("/v1/portfolio", limit=500, offset=offset)
        for row in _rows(page, "accounts"):
            accounts[str(row.get("account_id"))] = row
        offset = page.get("next_offset") if isinstance(page, dict) else None
    return accounts


async def _days(scoring: ServiceApi, account_id: str) -> list[tuple[date, str]]:
    """The account's band at the end of each event-time day, oldest first (scoring's history)."""
    points: list[tuple[date, str]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"granularity": "day", "limit": 1000}
        if cursor is not None:
            params["cursor"] = cursor
        body = await scoring.get(f"/v1/accounts/{account_id}/health/history", **params)
        points += [
            (date.fromisoformat(str(item["day"])), str(item.get("band", "unknown")))
            for item in _rows(body, "items")
            if item.get("day")
        ]
        cursor = body.get("next_cursor") if isinstance(body, dict) else None
        if cursor is None:
            return sorted(points)


async def collect_health(scoring: ServiceApi, world: World) -> HealthSection:
    """Bands, names, plans, ARR and the band-per-day chart, all from scoring's APIs; the
    simulated world only says which story each account was given (the ground truth)."""
    if not await scoring.ready():
        return HealthSection(False, "scoring: not running")
    if not await scoring.offers("/v1/portfolio"):
        return HealthSection(False, "scoring: not available yet")
    portfolio = await _portfolio(scoring)
    stories = {account.id: account.archetype.value for account in world.accounts}

    async def health_of(account_id: str) -> tuple[str, Any, list[tuple[date, str]]]:
        try:
            health = await scoring.get(f"/v1/accounts/{account_id}/health")
            days = await _days(scoring, account_id)
        except httpx.HTTPStatusError:
            return account_id, None, []
        return account_id, health, days

    results = await _bounded([partial(health_of, account_id) for account_id in sorted(portfolio)])
    section = HealthSection(True)
    series: dict[str, list[tuple[date, str]]] = {}
    for account_id, health, days in results:
        story = stories.get(account_id, "unknown")
        if health is None:
            section.bands["unknown"] += 1
            section.by_story.setdefault(story, Counter())["unknown"] += 1
            continue
        body = health.get("health", {})
        band = str(body.get("band", "unknown"))
        traits = portfolio[account_id]
        row = AccountRow(
            account_id=account_id,
            name=str(traits.get("name") or account_id),
            band=band,
            score=body.get("score"),
            arr=float(traits.get("arr") or 0.0),
            plan=str(traits.get("plan") or "-"),
            drivers=tuple(str(d.get("text", "")) for d in body.get("drivers", [])),
            signals=tuple(f"{s.get('kind')}: {s.get('text')}" for s in body.get("signals", [])),
            story=story,
        )
        section.bands[band] += 1
        section.arr_by_band[band] = section.arr_by_band.get(band, 0.0) + row.arr
        section.by_story.setdefault(story, Counter())[band] += 1
        if band in ("red", "yellow"):
            section.at_risk.append(row)
        if any(s.get("kind") == "expansion" for s in body.get("signals", [])):
            section.expansion.append(row)
        series[account_id] = days
    section.at_risk.sort(key=lambda r: (_BAND_ORDER.get(r.band, 9), -r.arr))
    section.expansion.sort(key=lambda r: -r.arr)
    section.timeline = band_timeline(series)
    return section


def band_timeline(
    series: Mapping[str, Sequence[tuple[date, str]]],
) -> list[tuple[date, Counter[str]]]:
    """Accounts per band at the end of each event-time day scoring has history for (an account
    counts from its first day)."""
    days = sorted({day for points in series.values() for day, _ in points})
    timeline = []
    for day in days:
        counts: Counter[str] = Counter()
        for points in series.values():
            band = None
            for moment, value in points:
                if moment > day:
                    break
                band = value
            if band is not None:
                counts[band] += 1
        timeline.append((day, counts))
    return timeline


# -- themes and tickets -------------------------------------------------------------------------


def _first(record: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if record.get(name) is not None:
            return record[name]
    return default


def _rows(body: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    if isinstance(body, dict):
        for name in (key, "items", "data"):
            if isinstance(body.get(name), list):
                return [row for row in body[name] if isinstance(row, dict)]
    return []


def theme_row(record: Mapping[str, Any], ticket: Mapping[str, Any] | None = None) -> ThemeRow:
    """A theme from bridge's API; `ticket` is its entry in `GET /v1/tickets`, if any."""
    found = record.get("ticket")
    ticket = ticket or (found if isinstance(found, dict) else {})
    quotes = [
        q.get("text") if isinstance(q, dict) else q
        for q in _first(record, "quotes", "representative_quotes", default=[])
    ]
    languages = _first(record, "languages", "language_mix", default={}) or {}
    share = _first(record, "at_risk_share", "share_at_risk", "unhealthy_share")
    return ThemeRow(
        theme_id=str(_first(record, "theme_id", "id", default="?")),
        title=str(_first(record, "title", "label", default="(untitled)")),
        keywords=tuple(str(k) for k in _first(record, "keywords", default=[])),
        languages={str(k): float(v) for k, v in dict(languages).items()},
        items=int(_first(record, "item_count", "items", "size", default=0)),
        accounts=int(_first(record, "accounts_affected", "accounts", default=0)),
        arr=float(_first(record, "arr_affected", "arr", default=0.0)),
        at_risk_share=None if share is None else float(share),
        status=str(_first(record, "status", default="open")),
        ticket=_first(ticket, "external_key", "key") or record.get("ticket_key"),
        ticket_url=_first(ticket, "url") or record.get("ticket_url"),
        quotes=tuple(str(q) for q in quotes if q)[:3],
        held_back=record.get("held_back"),
    )


@dataclass(frozen=True, slots=True)
class JiraCount:
    """The demo's Jira issues: this workspace's, how many of them were filed twice for one
    theme, and those of other workspaces (the services keep the workspaces of earlier demo runs,
    and their bridge files what becomes due in them into this run's Jira as well)."""

    ours: int
    filed_twice: int
    other_workspaces: int


def count_jira(issues: Iterable[Issue], our_keys: Collection[str]) -> JiraCount:
    """`our_keys`: the issue keys the bridge recorded for this workspace's tickets. An issue is
    this workspace's when it carries the theme label of one of them (so a twin filed for one of
    its themes counts here, as filed twice)."""
    issues = list(issues)
    ours_labels = {
        label
        for issue in issues
        if issue.key in our_keys
        for label in issue.labels
        if label != "customer-feedback"
    }
    ours = [issue for issue in issues if ours_labels.intersection(issue.labels)]
    labels = Counter(label for issue in ours for label in issue.labels if label in ours_labels)
    return JiraCount(
        ours=len(ours),
        filed_twice=sum(count - 1 for count in labels.values() if count > 1),
        other_workspaces=len(issues) - len(ours),
    )


async def collect_themes(
    bridge: ServiceApi, jira: JiraServer, index: TopicIndex | None = None
) -> ThemesSection:
    tickets_in_jira = len(jira.issues)
    if not await bridge.ready():
        return ThemesSection(False, "bridge: not running", tickets_in_jira=tickets_in_jira)
    if not await bridge.offers("/v1/themes"):
        return ThemesSection(False, "bridge: not available yet", tickets_in_jira=tickets_in_jira)
    body = await bridge.get("/v1/themes", limit=500)
    tickets: dict[str, Mapping[str, Any]] = {}
    merged_tickets = 0
    if await bridge.offers("/v1/tickets"):
        for ticket in _rows(await bridge.get("/v1/tickets", limit=500), "tickets"):
            tickets[str(ticket.get("theme_id"))] = ticket
            merged_tickets += ticket.get("state") == "duplicate"
    count = count_jira(
        jira.issues.values(),
        {str(ticket["external_key"]) for ticket in tickets.values() if ticket.get("external_key")},
    )
    themes = [
        theme_row(record, tickets.get(str(_first(record, "theme_id", "id"))))
        for record in _rows(body, "themes")
    ]
    # bridge lists themes by its priority; the report keeps that order
    themes = [t for t in themes if t.status not in ("merged", "dismissed")]
    if await bridge.offers("/v1/themes/{theme_id}"):
        themes[:DETAILED] = await _bounded(
            [partial(_with_kinds, bridge, theme) for theme in themes[:DETAILED]]
        )
    scores = None
    if index is not None and await bridge.offers("/v1/themes/{theme_id}"):
        scores = await _scores(bridge, [t for t in themes if t.ticket], index)
    return ThemesSection(
        True,
        themes=themes,
        total_themes=len(themes),
        feedback_items=sum(t.items for t in themes),
        tickets_in_jira=count.ours,
        duplicate_tickets=count.filed_twice,
        merged_tickets=merged_tickets,
        other_workspaces_tickets=count.other_workspaces,
        scores=scores,
    )


async def _scores(
    bridge: ServiceApi, ticketed: Sequence[ThemeRow], index: TopicIndex
) -> TicketScores:
    """Purity and coverage of the tickets over (up to 500 of) each ticketed theme's items."""

    async def texts(theme: ThemeRow) -> list[str]:
        detail = await bridge.get(f"/v1/themes/{theme.theme_id}", items=500)
        return [str(item.get("text", "")) for item in _rows(detail, "items")]

    found = await _bounded([partial(texts, theme) for theme in ticketed])
    return score_tickets(
        {str(theme.ticket): items for theme, items in zip(ticketed, found, strict=True)}, index
    )


DETAILED = 15
"""Themes whose items are read to tell product problems from praise and check-in notes."""


async def _with_kinds(bridge: ServiceApi, theme: ThemeRow) -> ThemeRow:
    detail = await bridge.get(f"/v1/themes/{theme.theme_id}", items=100)
    kinds = Counter(str(item.get("kind")) for item in _rows(detail, "items"))
    return replace(theme, kinds=dict(kinds))


# -- nudges -------------------------------------------------------------------------------------


def playbook_row(playbook: Mapping[str, Any], report: Mapping[str, Any]) -> PlaybookRow:
    uplift = report.get("uplift") or {}
    ci = uplift.get("ci95") or {}
    return PlaybookRow(
        playbook_id=str(playbook.get("id")),
        name=str(playbook.get("name", playbook.get("id"))),
        sent=int(report.get("sent", 0)),
        failed=int(report.get("failed", 0)),
        pending=int(report.get("pending", 0)),
        suppressed={str(k): int(v) for k, v in (report.get("suppressed") or {}).items()},
        converted=int(report.get("converted", 0)),
        treatment_rate=(report.get("treatment") or {}).get("rate"),
        holdout_rate=(report.get("holdout") or {}).get("rate"),
        uplift=uplift.get("difference"),
        ci_low=ci.get("low"),
        ci_high=ci.get("high"),
    )


async def collect_nudges(notify: ServiceApi, smtp: SmtpSink, slack: WebhookSink) -> NudgesSection:
    emails = len(smtp.mails)
    emails_ja = sum(1 for mail in smtp.mails if _japanese(mail.subject))
    if not await notify.ready():
        return NudgesSection(False, "notify: not running", emails=emails, emails_ja=emails_ja)
    if not await notify.offers("/v1/playbooks/{playbook_id}/report"):
        return NudgesSection(False, "notify: not available yet", emails=emails)
    playbooks = await notify.get("/v1/playbooks")
    rows = []
    for playbook in _rows(playbooks, "playbooks"):
        report = await notify.get(f"/v1/playbooks/{playbook['id']}/report")
        rows.append(playbook_row(playbook, report))
    return NudgesSection(
        True,
        playbooks=rows,
        emails=emails,
        emails_ja=emails_ja,
        slack_alerts=len(slack.posts),
    )
