"""The live event debugger in a real Chromium: an administrator watches a source's events arrive
without reloading (htmx polling ingest's admin API), a rejected event with its reason, a source
picked, in English and Japanese; an editor is refused. Ingest and Kafka are real (see stack.py)."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import ADMIN_TOKEN, SECRET, Stack, create_user

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def outcomes(browser: webdriver.Chrome) -> dict[str, str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    return {
        row.get_attribute("data-message") or "": row.get_attribute("data-outcome") or ""
        for row in rows
    }


def test_an_operator_watches_events_arrive_with_the_reasons_of_rejected_ones(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    workspace = httpx.post(
        f"{stack.ingest_url}/v1/admin/workspaces", json={"name": "Debugger"}, headers=ADMIN
    ).json()["workspace_id"]
    web, app = [
        httpx.post(
            f"{stack.ingest_url}/v1/admin/workspaces/{workspace}/sources",
            json={"name": name},
            headers=ADMIN,
        ).json()
        for name in ("web backend", "mobile app")
    ]
    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_DATA_DIR": str(stack.data),
    }
    operator = f"ops-{uuid.uuid4().hex[:6]}@vendor.example"
    create_user(env, operator, "admin", [workspace])

    sign_in(browser, stack, operator)
    wait(browser).until(ec.url_contains(f"/w/{workspace}/accounts"))
    browser.find_element(By.LINK_TEXT, "Live events").click()
    wait(browser).until(ec.url_contains(f"/w/{workspace}/events"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Live events")
    assert "No event has arrived" in browser.find_element(By.ID, "events").text
    assert_accessible(browser)

    sent = httpx.post(
        f"{stack.ingest_url}/v1/batch",
        json={
            "batch": [
                {"type": "track", "event": "Report Exported", "userId": "u-1", "messageId": "ok-1"},
                {"type": "track", "userId": "u-1", "messageId": "bad-1"},
            ]
        },
        auth=(web["write_key"], ""),
    )
    assert sent.status_code == 200, sent.text
    # no reload: the table polls
    wait(browser).until(lambda b: outcomes(b) == {"bad-1": "rejected", "ok-1": "accepted"})
    rejected = browser.find_element(By.CSS_SELECTOR, "#events tr[data-message='bad-1']")
    assert "Rejected" in rejected.text
    assert "A track without an event name" in rejected.text
    accepted = browser.find_element(By.CSS_SELECTOR, "#events tr[data-message='ok-1']")
    assert "Report Exported" in accepted.text
    assert "u-1" in accepted.text
    # each event's source by its name, in the rows the table's refresh brought
    assert accepted.find_elements(By.TAG_NAME, "td")[1].text == "web backend"
    assert web["source_id"] not in browser.find_element(By.ID, "events").text

    other = httpx.post(
        f"{stack.ingest_url}/v1/track",
        json={"event": "Signed In", "userId": "u-2", "messageId": "app-1"},
        auth=(app["write_key"], ""),
    )
    assert other.status_code == 200
    wait(browser).until(lambda b: "app-1" in outcomes(b))
    signed_in = browser.find_element(By.CSS_SELECTOR, "#events tr[data-message='app-1']")
    assert signed_in.find_elements(By.TAG_NAME, "td")[1].text == "mobile app"
    assert_accessible(browser)
    screenshot(browser, "console-events")

    Select(browser.find_element(By.ID, "source")).select_by_visible_text("mobile app")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser).until(ec.url_contains(f"source={app['source_id']}"))
    wait(browser).until(lambda b: outcomes(b) == {"app-1": "accepted"})

    switch_language(browser, "ja")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("ライブイベント")
    browser.get(f"{stack.console_url}/w/{workspace}/events?source={web['source_id']}")
    wait(browser).until(lambda b: "bad-1" in outcomes(b))
    rejected = browser.find_element(By.CSS_SELECTOR, "#events tr[data-message='bad-1']")
    assert "拒否" in rejected.text
    assert "イベント名のない track" in rejected.text
    assert rejected.find_elements(By.TAG_NAME, "td")[1].text == "web backend"
    assert_accessible(browser)
    screenshot(browser, "console-events-ja")


def test_an_editor_is_refused_the_live_events(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert "Live events" not in browser.find_element(By.CSS_SELECTOR, "nav.sections").text
    browser.get(f"{stack.console_url}/w/ws_a/events")
    assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
