"""Splitting items off a theme in a real Chromium: an editor ticks two items of a theme, names the
new theme and lands on it with exactly those items; nothing ticked is named at the form with what
was typed kept; English and Japanese. The bridge and Kafka are real (see stack.py)."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack
from .test_themes_browser import theme_card

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def item_ids(browser: webdriver.Chrome) -> list[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "table.theme-items tbody tr")
    return [row.get_attribute("data-item") or "" for row in rows]


def test_an_editor_splits_two_items_off_into_a_new_theme(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/themes")
    export = theme_card(browser, "The export is broken again")
    export_id = export.get_attribute("data-theme") or ""
    export.find_element(By.CSS_SELECTOR, "h2 a").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "split-form")))
    original_url = browser.current_url
    before = item_ids(browser)
    assert len(before) == 4

    # Nothing ticked: said at the form, the name typed is kept.
    browser.find_element(By.ID, "theme-split_title").send_keys("CSV export times out")
    browser.find_element(By.CSS_SELECTOR, "form.split button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "theme-split_items")))
    assert problem.text == "Tick the items to split off."
    title = browser.find_element(By.ID, "theme-split_title").get_attribute("value")
    assert title == "CSV export times out"
    assert item_ids(browser) == before
    assert_accessible(browser)

    chosen = before[:2]
    for feedback_id in chosen:
        browser.find_element(
            By.CSS_SELECTOR, f"tr[data-item='{feedback_id}'] input[type=checkbox]"
        ).click()
    browser.find_element(By.CSS_SELECTOR, "form.split button[type=submit]").click()
    saved = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert saved.text.startswith("The items are split off into this new theme")
    assert "?saved=split" in browser.current_url
    assert f"/themes/{export_id}?" not in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("CSV export times out")
    assert sorted(item_ids(browser)) == sorted(chosen)
    link = browser.find_element(By.CSS_SELECTOR, ".split-from a")
    assert (link.get_attribute("href") or "").endswith(f"/themes/{export_id}")
    assert_accessible(browser)
    screenshot(browser, "console-theme-split")

    switch_language(browser, "ja")
    assert browser.find_element(By.CSS_SELECTOR, ".split-from").text.startswith(
        "別のテーマから切り出されたテーマです。"
    )
    assert browser.find_element(By.ID, "split-title").text == "新しいテーマに切り出す"
    assert_accessible(browser)
    switch_language(browser, "en")

    # The original keeps the other items.
    browser.get(original_url)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.theme-items")))
    assert sorted(item_ids(browser)) == sorted(before[2:])
