"""The demo's stand-ins answer like the services they stand in for, and keep what they got."""

from __future__ import annotations

import aiosmtplib
import httpx
import pytest

from banso_sim.sinks.http import serve_app
from banso_sim.sinks.jira import JiraServer, adf_text
from banso_sim.sinks.slack import WebhookSink
from banso_sim.sinks.smtp import SmtpSink, serve_smtp

AUTH = ("pm@example.com", "token")
DOC = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Bansō key: bth-1"}]}]}  # fmt: skip


def jira_client(jira: JiraServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=jira.app()), base_url="http://jira.test", auth=AUTH
    )


async def test_jira_creates_finds_comments_and_resolves_an_issue() -> None:
    jira = JiraServer(project="PROD")
    async with jira_client(jira) as client:
        created = await client.post(
            "/rest/api/3/issue",
            json={
                "fields": {
                    "project": {"key": "PROD"},
                    "issuetype": {"name": "Task"},
                    "summary": "CSV export garbles Japanese",
                    "labels": ["bth-1", "customer-feedback"],
                    "description": DOC,
                }
            },  # fmt: skip
        )
        assert created.status_code == 201
        assert created.json()["key"] == "PROD-1"
        found = await client.post(
            "/rest/api/3/search/jql",
            json={"jql": 'project = "PROD" AND labels = "bth-1" ORDER BY created ASC'},
        )
        assert [issue["key"] for issue in found.json()["issues"]] == ["PROD-1"]
        missing = await client.post(
            "/rest/api/3/search/jql", json={"jql": 'project = "PROD" AND labels = "bth-2"'}
        )
        assert missing.json()["issues"] == []
        comment = await client.post("/rest/api/3/issue/PROD-1/comment", json={"body": DOC})
        assert comment.status_code == 201
    issue = jira.issue("PROD-1")
    assert issue is not None
    assert len(issue.comments) == 1
    assert adf_text(issue.fields["description"]) == "Bansō key: bth-1"
    webhook = jira.resolve("PROD-1")
    assert webhook["webhookEvent"] == "jira:issue_updated"
    assert webhook["issue"]["fields"]["status"]["statusCategory"]["key"] == "done"
    assert webhook["issue"]["fields"]["resolution"] == {"name": "Fixed"}
    assert "bth-1" in webhook["issue"]["fields"]["labels"]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"project": {"key": "OTHER"}, "issuetype": {"name": "Task"}, "summary": "x"}, "project"),
        ({"project": {"key": "PROD"}, "issuetype": {"name": "Task"}, "summary": " "}, "summary"),
        ({"project": {"key": "PROD"}, "summary": "x"}, "issuetype"),
        (
            {
                "project": {"key": "PROD"},
                "issuetype": {"name": "Task"},
                "summary": "x",
                "description": "plain",
            },
            "description",
        ),  # fmt: skip
    ],
)
async def test_jira_refuses_what_jira_refuses(fields: dict[str, object], problem: str) -> None:
    jira = JiraServer(project="PROD")
    async with jira_client(jira) as client:
        response = await client.post("/rest/api/3/issue", json={"fields": fields})
    assert response.status_code == 400
    assert problem in response.json()["errors"]
    assert jira.issues == {}


async def test_jira_wants_credentials() -> None:
    jira = JiraServer()
    transport = httpx.ASGITransport(app=jira.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://jira.test") as client:
        response = await client.post("/rest/api/3/issue", json={"fields": {}})
    assert response.status_code == 401


async def test_the_smtp_sink_keeps_every_mail_it_accepts() -> None:
    sink = SmtpSink()
    async with serve_smtp(sink) as port:
        await aiosmtplib.send(
            "Subject: =?utf-8?b?5L+u5q2j44GX44G+44GX44Gf?=\r\nMessage-ID: <n1@banso.local>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n",
            sender="notify@banso.local",
            recipients=["taro.yamada@sakura.example"],
            hostname="127.0.0.1",
            port=port,
        )
        assert await sink.wait_for(1, timeout_s=10)
    (mail,) = sink.to("taro.yamada@sakura.example")
    assert mail.subject == "修正しました"
    assert mail.message_id == "<n1@banso.local>"
    assert mail.text.strip() == "hello"
    assert not await SmtpSink().wait_for(1, timeout_s=0.01)


async def test_the_slack_stand_in_records_posts_and_answers_ok() -> None:
    slack = WebhookSink()
    async with serve_app(slack.app()) as url, httpx.AsyncClient() as client:
        response = await client.post(f"{url}/services/T/B/x", json={"text": ":red_circle: red"})
        bad = await client.post(f"{url}/services/T/B/x", content=b"not json")
    assert (response.status_code, response.text) == (200, "ok")
    assert bad.status_code == 400
    assert [post.text for post in slack.posts] == [":red_circle: red"]
