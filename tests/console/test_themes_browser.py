"""The theme board in a real Chromium: themes weighed by accounts and ARR, a theme's accounts and
quotes, rename and merge by an editor (errors named at the field), Japanese, tenancy. The bridge,
scoring and Kafka are real (see stack.py)."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack

# The first test of the session also starts the stack (five services, Kafka topics).
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def dollars(text: str) -> int:
    return int(text.replace("$", "").replace(",", ""))


def theme_card(browser: webdriver.Chrome, quote: str) -> WebElement:
    """The board's card of the theme whose quote says `quote`."""
    cards = browser.find_elements(By.CSS_SELECTOR, "li.theme")
    found = [card for card in cards if quote in card.find_element(By.CSS_SELECTOR, ".quote").text]
    assert len(found) == 1, [card.text for card in cards]
    return found[0]


def test_a_product_manager_reads_the_board_renames_and_merges_themes(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.find_element(By.LINK_TEXT, "Themes").click()
    wait(browser).until(ec.url_contains("/w/ws_a/themes"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Themes")

    # The bridge's grouping depends on the order it reads Kafka's partitions in: what the board
    # promises is that a theme's weight is that of the accounts behind it.
    invoice = theme_card(browser, "Invoice PDF download")
    assert "invoice" in [
        keyword.text for keyword in invoice.find_elements(By.CSS_SELECTOR, ".keyword")
    ]
    assert "English 100%" in invoice.find_element(By.CSS_SELECTOR, ".languages").text
    assert invoice.find_element(By.CSS_SELECTOR, ".ticket").text == "None yet"
    card_accounts = int(invoice.find_element(By.CSS_SELECTOR, ".accounts-affected").text)
    card_arr = dollars(invoice.find_element(By.CSS_SELECTOR, ".arr-affected").text)
    login = theme_card(browser, "Okta single sign-on")
    assert dollars(login.find_element(By.CSS_SELECTOR, ".arr-affected").text) >= 800_000
    login_id = login.get_attribute("data-theme") or ""
    assert_accessible(browser)
    screenshot(browser, "console-themes")

    invoice.find_element(By.CSS_SELECTOR, "h2 a").click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.theme-accounts")))
    theme_url = browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table.theme-accounts tbody tr")
    assert {"northwind", "globex"} <= {row.get_attribute("data-account") for row in rows}
    assert len(rows) == card_accounts
    arr = [dollars(row.find_elements(By.CSS_SELECTOR, "td")[1].text) for row in rows]
    assert sum(arr) == card_arr  # northwind 120,000 + globex 300,000 (+ any other)
    assert "Northwind Traders" in browser.find_element(By.CSS_SELECTOR, ".theme-accounts").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.theme-items tbody tr")
    assert_accessible(browser)

    # A title too long: named at the field, what was typed kept.
    long_title = "Invoice " + "x" * 200
    browser.find_element(By.ID, "theme-title").send_keys(long_title)
    browser.find_element(By.CSS_SELECTOR, "form.rename button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "theme-title-problem")))
    assert problem.text == "The title is too long (200 characters at most)."
    assert browser.find_element(By.ID, "theme-title").get_attribute("value") == long_title
    assert_accessible(browser)

    browser.find_element(By.ID, "theme-title").clear()
    browser.find_element(By.ID, "theme-title").send_keys("Invoice PDF export broken")
    browser.find_element(By.CSS_SELECTOR, "form.rename button[type=submit]").click()
    saved = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert saved.text == "The title is saved."
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Invoice PDF export broken")

    # Merging needs a target; then the survivor carries both themes' accounts.
    browser.find_element(By.CSS_SELECTOR, "form.merge button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "theme-into-problem")))
    assert problem.text == "Choose the theme to merge this one into."
    assert_accessible(browser)
    Select(browser.find_element(By.ID, "theme-into")).select_by_value(login_id)
    browser.find_element(By.CSS_SELECTOR, "form.merge button[type=submit]").click()
    saved = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert saved.text == "The themes are merged into this one."
    assert f"/themes/{login_id}?" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table.theme-accounts tbody tr")
    assert {"northwind", "globex", "initech"} <= {row.get_attribute("data-account") for row in rows}

    # The merged theme keeps its address and points to the survivor.
    survivor_url = browser.current_url.split("?")[0]
    browser.get(theme_url)
    wait(browser).until(ec.presence_of_element_located((By.LINK_TEXT, "Go to that theme")))
    assert browser.find_elements(By.CSS_SELECTOR, "form.merge") == []

    browser.get(survivor_url)
    switch_language(browser, "ja")
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status").text == "未対応"
    assert browser.find_element(By.ID, "accounts-title").text == "影響を受けるアカウント"
    assert_accessible(browser)
    screenshot(browser, "console-theme-ja")
    switch_language(browser, "en")


def test_themes_of_another_workspace_are_refused(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "ken@other.example")
    wait(browser).until(ec.url_contains("/w/ws_b/accounts"))
    browser.find_element(By.LINK_TEXT, "Themes").click()
    wait(browser).until(ec.url_contains("/w/ws_b/themes"))
    assert "No theme yet" in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser)
    for path in ("/w/ws_a/themes", "/w/ws_a/themes/1"):
        browser.get(f"{stack.console_url}{path}")
        assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
        assert "invoice" not in browser.page_source.lower()
