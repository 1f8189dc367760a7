"""A playbook's steps say what each send step sends, in the reader's language, over HTTP with
notify faked on the wire: its template's subject with "…" where each message puts its own words
(the playbook's default language when the reader's has none, marked as such), else what the
channel does; the template's key beside it as secondary text."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from banso_console.adapters.notify import NotifyClient
from banso_console.adapters.service_api import ServiceApi, WorkspaceTokens
from banso_console.api.deps import ConsoleContext, get_context

from .http_support import console_client, csrf_of, sign_in

PAGE = "/w/ws_a/playbooks/first-steps"
DEFINITION = {
    "id": "first-steps",
    "default_locale": "en",
    "steps": [
        {"send": {"channel": "email", "template": "onboarding_guide"}},
        {"wait": "3d"},
        {"send": {"channel": "inapp", "template": "tips.second_day"}},
        {"send": {"channel": "slack", "template": "csm.heads_up"}},
    ],
    "templates": {
        "onboarding_guide": {
            "en": {
                "subject": "{{ user.first_name or 'Hi' }}, your first step in {{ product.name }}",
                "text": "Hello",
            },
            "ja": {
                "subject": "{{ product.name }} の最初の一歩をご案内します",
                "text": "こんにちは",
            },
        },
        # in English only: a Japanese reader reads the English title, marked English
        "tips.second_day": {"en": {"subject": "Two tips for your second day", "text": "Tips"}},
        # a Slack text has no subject: what the step does, and its template's key
        "csm.heads_up": {"en": {"text": "{{ account.name }} signed up"}},
    },
}
PLAYBOOK = {
    "id": "first-steps",
    "version": 1,
    "name": "First steps",
    "names": {"en": "First steps", "ja": "はじめの一歩"},
    "descriptions": {"en": "", "ja": ""},
    "enabled": True,
    "builtin": False,
    "created_at": None,
    "created_by": None,
    "trigger": "signed_up",
    "definition": DEFINITION,
    "source": "id: first-steps\n",
}
ARM = {"accounts": 0, "converted": 0, "rate": None}
REPORT = {
    "playbook_id": "first-steps",
    "sent": 0,
    "pending": 0,
    "failed": 0,
    "suppressed": {},
    "holdout_percent": 10,
    "treatment": ARM,
    "holdout": ARM,
    "uplift": None,
}
PREVIEW = {
    "channel": "email",
    "person": {"id": "sample", "name": "Alex", "sample": True},
    "renders": [
        {"locale": locale, "template_locale": locale, "subject": "Hi", "text": "Hello"}
        for locale in ("ja", "en")
    ],
}


def answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/v1/playbooks/first-steps":
        return httpx.Response(200, json=PLAYBOOK)
    if path == "/v1/playbooks/first-steps/report":
        return httpx.Response(200, json=REPORT)
    if path == "/v1/playbooks/first-steps/preview":
        return httpx.Response(200, json=PREVIEW)
    return httpx.Response(404, json={"error": "not_found", "detail": path})


@pytest.fixture
async def console(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    tokens = WorkspaceTokens("fake-services-secret-" + "x" * 32, ttl_s=300)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(answer), base_url="http://notify.test"
    ) as http:

        def faked(request: Request) -> ConsoleContext:
            context = get_context(request)
            return dataclasses.replace(
                context, notify=NotifyClient(ServiceApi("notify", http, tokens))
            )

        def prepare(app: FastAPI) -> None:
            app.dependency_overrides[get_context] = faked

        async for client in console_client(database_url, prepare):
            yield client


def steps(html: str) -> list[str]:
    """Each step's text, its tags dropped, in order."""
    found = re.search(r'<ol class="steps">(.*?)</ol>', html, flags=re.S)
    assert found, "the page lists the steps"
    items = re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


async def test_each_send_step_says_what_it_sends_in_the_readers_language(
    console: httpx.AsyncClient,
) -> None:
    await sign_in(console)
    page = await console.get(PAGE)
    assert page.status_code == 200
    assert steps(page.text) == [
        "Send an email: “…, your first step in …” Template onboarding_guide",
        "Wait 3 days",
        "Show an in-app message: “Two tips for your second day” Template tips.second_day",
        "Post to Slack Template csm.heads_up",
    ]
    assert "<code>onboarding_guide</code>" in page.text  # the key, as code

    form = {"language": "ja", "csrf_token": csrf_of(page.text), "back": PAGE}
    await console.post("/preferences/language", data=form)
    page = await console.get(PAGE)
    assert steps(page.text) == [
        "メールを送信：「… の最初の一歩をご案内します」 テンプレート onboarding_guide",
        "3 日 待つ",
        "アプリ内メッセージを表示：「Two tips for your second day」 テンプレート tips.second_day",
        "Slack に投稿 テンプレート csm.heads_up",
    ]
    # the English title on a Japanese page is marked as English; the Japanese one is not marked
    assert '<span class="step-subject" lang="en">Two tips for your second day</span>' in page.text
    assert '<span class="step-subject">… の最初の一歩をご案内します</span>' in page.text
