"""Praise on the theme board, in a real Chromium: a theme of customers' compliments is listed and
marked as praise, and says it is never filed as a ticket (the bridge's `praise` field), in English
and Japanese."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import SETTLE_S, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

# Compliments no other feedback of the stack shares a word with, as NPS promoters write them.
PRAISE = (
    "Love the new Gantt view, it is wonderful.",
    "The Gantt view is great, thank you!",
    "ガントビューが素晴らしいです。ありがとうございます！",
)
COUNT = 9


def _themes(stack: Stack) -> list[dict[str, Any]]:
    themes: list[dict[str, Any]] = stack.bridge("GET", "/v1/themes", params={"limit": 500}).json()[
        "themes"
    ]
    return themes


def praise_theme(stack: Stack) -> dict[str, Any]:
    """Publish the compliments and wait until the bridge lists a praise theme holding them."""
    stack.send_feedback(PRAISE, COUNT, user="fan", kind="nps_comment", score=10)
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        found = [t for t in _themes(stack) if t["praise"] and "gantt" in t["keywords"]]
        if found:
            return found[0]
        time.sleep(0.3)
    raise AssertionError("the bridge listed no praise theme for the compliments")


def test_a_praise_theme_is_marked_on_the_board_and_never_filed(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    theme = praise_theme(stack)
    assert theme["status"] == "open"
    theme_id = str(theme["theme_id"])
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))

    # The bridge may still merge young praise themes while the page loads, so the themes it
    # calls praise are read before and after: a card may be marked only if the bridge called
    # its theme praise at one of the two reads, and must be if it did at both.
    before = {str(t["theme_id"]) for t in _themes(stack) if t["praise"]}
    browser.get(f"{stack.console_url}/w/ws_a/themes")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.theme")))
    # Exactly the themes the bridge calls praise are marked; the problem themes are not.
    after = {str(t["theme_id"]) for t in _themes(stack) if t["praise"]}
    if theme_id not in after:  # merged into another praise theme meanwhile
        theme_id = min(after & before, key=int)
    card = browser.find_element(By.CSS_SELECTOR, f"li[data-theme='{theme_id}']")
    assert card.find_element(By.CSS_SELECTOR, ".status-praise").text == "Praise"
    assert card.find_element(By.CSS_SELECTOR, "dd.ticket").text == "Not filed: praise"
    cards = browser.find_elements(By.CSS_SELECTOR, "li.theme")
    marked = {
        c.get_attribute("data-theme")
        for c in cards
        if c.find_elements(By.CSS_SELECTOR, ".status-praise")
    }
    shown = {c.get_attribute("data-theme") for c in cards}
    assert marked <= before | after, "a problem theme is marked as praise"
    assert before & after & shown <= marked, "a praise theme is not marked"
    assert shown - marked, "the board shows problem themes too"
    assert_accessible(browser)

    browser.get(f"{stack.console_url}/w/ws_a/themes/{theme_id}")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.praise-note")))
    assert "never filed as a ticket" in browser.find_element(By.CSS_SELECTOR, "p.praise-note").text
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status-praise").text == "Praise"
    assert browser.find_element(By.CSS_SELECTOR, "dd.ticket").text == "Not filed: praise"
    assert_accessible(browser)
    screenshot(browser, "console-theme-praise")

    switch_language(browser, "ja")
    browser.get(f"{stack.console_url}/w/ws_a/themes/{theme_id}")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.praise-note")))
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status-praise").text == "称賛"
    assert "チケットとして起票されることはありません" in (
        browser.find_element(By.CSS_SELECTOR, "p.praise-note").text
    )
    assert browser.find_element(By.CSS_SELECTOR, "dd.ticket").text == "起票しません（称賛）"
    assert_accessible(browser)
    screenshot(browser, "console-theme-praise-ja")
