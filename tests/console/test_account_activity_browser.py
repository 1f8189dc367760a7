"""An account page for the CSM, in a real Chromium: the feedback the account sent with the theme
(and ticket) each item went into, from the bridge, and the nudges notify sent, held or suppressed
for it, with the reason — in English and Japanese (each short header on one line at 1,280 px),
and axe-clean."""

from __future__ import annotations

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_kit.auth import issue_token

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait, wrapped_headers
from .stack import INVOICE, SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def _read(url: str, path: str, **params: str) -> object:
    token = issue_token(SECRET, "ws_a", ["read"])
    response = httpx.get(
        f"{url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_an_account_page_shows_its_feedback_with_themes_and_its_nudges(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    feedback = _read(stack.bridge_url, "/v1/accounts/northwind/feedback", limit="20")
    assert isinstance(feedback, dict)
    invoice = [item for item in feedback["items"] if item["text"] == INVOICE[0]]
    assert invoice, feedback  # the stack's feature requests from Northwind
    assert all(item["account_id"] == "northwind" for item in feedback["items"])
    theme = invoice[0]["theme"]
    assert theme is not None
    nudges = _read(stack.notify_url, "/v1/nudges", account_id="northwind", limit="50")
    assert isinstance(nudges, list)

    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/accounts/northwind")
    section = browser.find_element(By.CSS_SELECTOR, "section.feedback")
    assert section.find_element(By.TAG_NAME, "h2").text == "Feedback from this account"
    rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [row.get_attribute("data-feedback") for row in rows] == [
        item["feedback_id"] for item in feedback["items"]
    ]
    row = next(r for r in rows if r.get_attribute("data-feedback") == invoice[0]["feedback_id"])
    assert "Feature request" in row.text
    assert INVOICE[0] in row.text
    link = row.find_element(By.CSS_SELECTOR, "a[href*='/themes/']")
    assert link.text == theme["title"]
    assert (link.get_attribute("href") or "").endswith(f"/w/ws_a/themes/{theme['theme_id']}")

    nudge_rows = browser.find_elements(By.CSS_SELECTOR, "section.nudges tbody tr")
    assert [r.get_attribute("data-nudge") for r in nudge_rows] == [str(n["id"]) for n in nudges]
    if not nudges:
        assert (
            "No nudge has gone to this account yet."
            in browser.find_element(By.CSS_SELECTOR, "section.nudges").text
        )
    assert_accessible(browser)
    screenshot(browser, "console-account-activity")

    switch_language(browser, "ja")
    section = browser.find_element(By.CSS_SELECTOR, "section.feedback")
    assert section.find_element(By.TAG_NAME, "h2").text == "このアカウントからのフィードバック"
    assert "機能要望" in section.text
    assert browser.find_element(By.CSS_SELECTOR, "#nudges-title").text == "このアカウントへのナッジ"
    assert wrapped_headers(browser, "section.feedback table") == []
    assert_accessible(browser)
    screenshot(browser, "console-account-activity-ja")
