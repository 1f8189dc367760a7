"""Each ticket sink against a local server that checks the request shape its API documents."""

from __future__ import annotations

import httpx
import pytest

from banso_bridge.adapters.sinks import SinkError
from banso_bridge.adapters.sinks.github import GitHubSink
from banso_bridge.adapters.sinks.jira import JiraSink
from banso_bridge.adapters.sinks.linear import LinearSink
from banso_bridge.adapters.sinks.webhook import WebhookSink
from banso_bridge.domain.tickets.evidence import TicketDraft
from tests.bridge.adapters.trackers import FakeGitHub, FakeJira, FakeLinear, FakeWebhookReceiver
from tests.support.clocks import FixedClock
from tests.support.http import serve

DRAFT = TicketDraft(
    title="[Customer feedback] 請求書 · pdf · ダウンロード",
    summary_lines=("Accounts affected: 3 (33% in yellow or red health)", "ARR affected: 90,000"),
    quotes=("請求書のPDFがダウンロードできません", "The invoice PDF download fails"),
    keywords=("請求書", "pdf", "download"),
    theme_url="http://127.0.0.1:8003/v1/themes/4",
    label="banso-0123456789-theme-4",
)


async def test_jira_creates_finds_by_label_and_comments() -> None:
    jira = FakeJira()
    async with serve(jira.app()) as base, httpx.AsyncClient() as client:
        sink = JiraSink(
            client, base_url=base, email=jira.email, api_token=jira.token, project_key="PROD"
        )
        assert await sink.find(DRAFT.label) is None
        created = await sink.create(DRAFT)
        assert created.key == "PROD-1"
        assert created.url == f"{base}/browse/PROD-1"
        fields = jira.issues[0]["fields"]
        assert fields["summary"] == DRAFT.title
        assert fields["issuetype"] == {"name": "Task"}
        assert DRAFT.label in fields["labels"]
        text = str(fields["description"])
        assert "請求書のPDFがダウンロードできません" in text
        assert DRAFT.theme_url in text
        found = await sink.find(DRAFT.label)
        assert found is not None
        assert found.key == "PROD-1"
        await sink.comment(found, "Bansō: this problem keeps coming in.\n\n- Accounts affected: 4")
        assert jira.comments[0]["key"] == "PROD-1"
        search = [r for r in jira.requests if r.path.endswith("/search/jql")][0]
        assert 'labels = "banso-0123456789-theme-4"' in search.body["jql"]
    assert not jira.shape_errors


async def test_jira_refuses_bad_credentials_for_good_and_retries_outages() -> None:
    jira = FakeJira(fail_creates=1)
    async with serve(jira.app()) as base, httpx.AsyncClient() as client:
        wrong = JiraSink(
            client, base_url=base, email=jira.email, api_token="nope", project_key="PROD"
        )
        with pytest.raises(SinkError) as refused:
            await wrong.create(DRAFT)
        assert not refused.value.retryable
        sink = JiraSink(
            client, base_url=base, email=jira.email, api_token=jira.token, project_key="PROD"
        )
        with pytest.raises(SinkError) as outage:
            await sink.create(DRAFT)
        assert outage.value.retryable
        assert (await sink.create(DRAFT)).key == "PROD-1"


async def test_github_creates_finds_by_label_and_comments() -> None:
    github = FakeGitHub()
    async with serve(github.app()) as base, httpx.AsyncClient() as client:
        sink = GitHubSink(client, api_url=base, repo="acme/product", token=github.token)
        assert await sink.find(DRAFT.label) is None
        created = await sink.create(DRAFT)
        assert created.key == "acme/product#1"
        assert created.url == f"{base}/acme/product/issues/1"
        issue = github.issues[0]
        assert issue["title"] == DRAFT.title
        assert DRAFT.label in issue["labels"]
        assert "> 請求書のPDFがダウンロードできません" in issue["body"]
        found = await sink.find(DRAFT.label)
        assert found is not None
        assert found.key == created.key
        await sink.comment(found, "Bansō: this problem keeps coming in.")
        assert github.comments == [{"number": 1, "body": "Bansō: this problem keeps coming in."}]
        listing = [r for r in github.requests if r.method == "GET"][0]
        assert listing.headers["x-github-api-version"] == "2022-11-28"
    assert not github.shape_errors


async def test_github_rate_limit_is_retryable() -> None:
    github = FakeGitHub(fail_creates=1, fail_status=429)
    async with serve(github.app()) as base, httpx.AsyncClient() as client:
        sink = GitHubSink(client, api_url=base, repo="acme/product", token=github.token)
        with pytest.raises(SinkError) as limited:
            await sink.create(DRAFT)
        assert limited.value.retryable


async def test_linear_issue_create_finds_by_marker_and_comments() -> None:
    linear = FakeLinear()
    async with serve(linear.app()) as base, httpx.AsyncClient() as client:
        sink = LinearSink(
            client, api_url=f"{base}/graphql", api_key=linear.api_key, team_id=linear.team
        )
        assert await sink.find(DRAFT.label) is None
        created = await sink.create(DRAFT)
        assert created.key == "ENG-1"
        assert created.id == "uuid-1"
        request = [r for r in linear.requests if "issueCreate" in r.body["query"]][0]
        assert request.headers["authorization"] == linear.api_key  # personal keys go bare
        assert request.body["variables"]["input"]["teamId"] == linear.team
        assert DRAFT.label in request.body["variables"]["input"]["description"]
        found = await sink.find(DRAFT.label)
        assert found is not None
        assert found.key == "ENG-1"
        await sink.comment(found, "Bansō: this problem keeps coming in.")
        assert linear.comments == [
            {"issueId": "uuid-1", "body": "Bansō: this problem keeps coming in."}
        ]
    assert not linear.shape_errors


async def test_linear_graphql_errors_are_classified() -> None:
    linear = FakeLinear(fail_creates=1)
    async with serve(linear.app()) as base, httpx.AsyncClient() as client:
        sink = LinearSink(
            client, api_url=f"{base}/graphql", api_key=linear.api_key, team_id=linear.team
        )
        with pytest.raises(SinkError) as limited:
            await sink.create(DRAFT)
        assert limited.value.retryable
        wrong = LinearSink(client, api_url=f"{base}/graphql", api_key="nope", team_id=linear.team)
        with pytest.raises(SinkError) as refused:
            await wrong.create(DRAFT)
        assert not refused.value.retryable


async def test_webhook_is_signed_and_repeats_are_recognisable() -> None:
    receiver = FakeWebhookReceiver()
    async with serve(receiver.app()) as base, httpx.AsyncClient() as client:
        sink = WebhookSink(
            client,
            url=f"{base}/hooks/tickets",
            secret=receiver.secret,
            clock=FixedClock(1_700_000_000.0),
        )
        first = await sink.create(DRAFT)
        again = await sink.create(DRAFT)  # a retry after a lost answer
        assert first.key == "FB-1"
        assert again.key == DRAFT.label
        assert len(receiver.issues) == 1
        request = receiver.requests[0]
        assert request.headers["webhook-id"] == DRAFT.label
        assert request.headers["webhook-timestamp"] == "1700000000"
        assert request.body["quotes"] == list(DRAFT.quotes)
        await sink.comment(first, "Bansō: this problem keeps coming in.")
        assert receiver.comments[0]["type"] == "ticket.updated"
    # The receiver verified every signature (HMAC-SHA256 over id.timestamp.body).
    assert not receiver.shape_errors


async def test_webhook_with_the_wrong_secret_is_refused() -> None:
    receiver = FakeWebhookReceiver()
    async with serve(receiver.app()) as base, httpx.AsyncClient() as client:
        sink = WebhookSink(
            client, url=f"{base}/hooks/tickets", secret="x" * 40, clock=FixedClock(1e9)
        )
        with pytest.raises(SinkError) as refused:
            await sink.create(DRAFT)
        assert not refused.value.retryable
    assert receiver.issues == []
