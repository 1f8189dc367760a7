"""Closing the loop: a product manager resolves a ticket in Jira, Jira tells the bridge through
its signed webhook, and notify tells the people who reported the problem."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Sequence

import orjson

from banso_sim.demo.report import LoopSection, ThemeRow
from banso_sim.platform.api import ServiceApi
from banso_sim.sinks.jira import JiraServer
from banso_sim.sinks.smtp import Mail, SmtpSink

# Subjects of the built-in "the issue you reported is fixed" e-mails (English and Japanese).
FIXED_SUBJECTS = ("Fixed:", "ご報告いただいた問題を修正しました")


def jira_signature(secret: str, body: bytes) -> str:
    """Jira Cloud's webhook signature header value: HMAC-SHA256 of the body, hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def jira_webhook_path(bridge: ServiceApi, workspace_id: str) -> str | None:
    """Where Jira posts the workspace's issue events (None: bridge has no such route yet)."""
    if await bridge.offers("/v1/webhooks/{sink}/{workspace_id}", "post"):
        return f"/v1/webhooks/jira/{workspace_id}"
    return None


def fixed_mails(mails: Sequence[Mail]) -> list[Mail]:
    return [mail for mail in mails if mail.subject.startswith(FIXED_SUBJECTS)]


def ticket_to_resolve(themes: Sequence[ThemeRow], jira: JiraServer) -> str:
    """The ticket of the biggest product problem by ARR: a theme whose items are mostly support
    tickets and requests (not praise or check-in notes); else the first ticket raised."""
    ticketed = [theme for theme in themes if theme.ticket and jira.issue(theme.ticket)]
    problems = [t for t in ticketed if (t.complaint_share or 0.0) >= 0.5]
    chosen = max(problems or ticketed, key=lambda t: t.arr, default=None)
    if chosen is not None and chosen.ticket is not None:
        return chosen.ticket
    return next(iter(jira.issues))


async def close_the_loop(
    bridge: ServiceApi,
    jira: JiraServer,
    smtp: SmtpSink,
    secret: str,
    workspace_id: str,
    themes: Sequence[ThemeRow],
    *,
    settle_s: float = 8.0,
    timeout_s: float = 120.0,
) -> LoopSection:
    if not jira.issues:
        return LoopSection(False, "no ticket was created, so none could be resolved")
    path = await jira_webhook_path(bridge, workspace_id)
    if path is None:
        return LoopSection(False, "bridge: the Jira resolve webhook is not available yet")
    key = ticket_to_resolve(themes, jira)
    assert key is not None
    issue = jira.issue(key)
    assert issue is not None
    before = len(fixed_mails(smtp.mails))
    body = orjson.dumps(jira.resolve(key))
    response = await bridge.send(
        "POST",
        path,
        content=body,
        content_type="application/json",
        headers={"X-Hub-Signature": jira_signature(secret, body)},
        bearer=False,
    )
    if response.status_code >= 400:
        return LoopSection(
            False,
            f"bridge refused the resolve webhook: {response.status_code} {response.text[:200]}",
        )
    # Wait for notify's e-mails to the reporters, until none arrived for `settle_s`.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    seen, quiet_since = before, loop.time()
    while loop.time() < deadline:
        count = len(fixed_mails(smtp.mails))
        if count != seen:
            seen, quiet_since = count, loop.time()
        elif count > before and loop.time() - quiet_since >= settle_s:
            break
        await asyncio.sleep(0.5)
    told = fixed_mails(smtp.mails)[before:]
    domains = {address.rsplit("@", 1)[-1] for mail in told for address in mail.rcpt_tos}
    note = "" if told else f"no e-mail to the reporters within {timeout_s:.0f} s"
    return LoopSection(
        True, note, ticket=key, title=issue.summary, accounts=len(domains), emails=len(told)
    )
