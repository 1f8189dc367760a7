"""Ticket sinks: Jira Cloud, GitHub Issues, Linear and a generic signed webhook."""

from __future__ import annotations

import httpx

from banso_bridge.adapters.sinks.base import ExternalTicket, SinkError, TicketSink
from banso_bridge.adapters.sinks.github import GitHubSink
from banso_bridge.adapters.sinks.jira import JiraSink
from banso_bridge.adapters.sinks.linear import LinearSink
from banso_bridge.adapters.sinks.webhook import WebhookSink
from banso_bridge.config import BridgeSettings
from banso_kit.clock import Clock

__all__ = ["ExternalTicket", "SinkError", "TicketSink", "build_sink"]


def build_sink(
    settings: BridgeSettings, client: httpx.AsyncClient, clock: Clock
) -> TicketSink | None:
    """The configured sink (settings were validated complete), or None."""
    match settings.sink:
        case "jira":
            return JiraSink(
                client,
                base_url=settings.jira_base_url,
                email=settings.jira_email,
                api_token=settings.jira_api_token,
                project_key=settings.jira_project_key,
                issue_type=settings.jira_issue_type,
            )
        case "github":
            return GitHubSink(
                client,
                api_url=settings.github_api_url,
                repo=settings.github_repo,
                token=settings.github_token,
            )
        case "linear":
            return LinearSink(
                client,
                api_url=settings.linear_api_url,
                api_key=settings.linear_api_key,
                team_id=settings.linear_team_id,
            )
        case "webhook":
            return WebhookSink(
                client, url=settings.webhook_url, secret=settings.webhook_secret, clock=clock
            )
        case None:
            return None
