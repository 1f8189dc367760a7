"""The theme board in a real Chromium: themes weighed by accounts and ARR, a theme's accounts and
quotes, rename and merge by an editor (errors named at the field), splitting items off into a new
theme, Japanese, tenancy. The bridge, scoring and Kafka are real (see stack.py)."""

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
    login_title = login.find_element(By.CSS_SELECTOR, "h2 a").text
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
    # each item's account by its name, leading to the account's page
    item_accounts = browser.find_elements(
        By.CSS_SELECTOR, "table.theme-items a[href*='/accounts/']"
    )
    assert "Northwind Traders" in {link.text for link in item_accounts}
    assert "northwind" not in {link.text for link in item_accounts}
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

    # The merged theme keeps its address and points to the survivor, by its title.
    survivor_url = browser.current_url.split("?")[0]
    browser.get(theme_url)
    merged_into = wait(browser).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".merged-into"))
    )
    assert merged_into.text == f"This theme was merged into “{login_title}”."
    link = merged_into.find_element(By.TAG_NAME, "a")
    assert link.text == login_title
    assert (link.get_attribute("href") or "").split("?")[0] == survivor_url
    assert browser.find_elements(By.CSS_SELECTOR, "form.merge") == []

    browser.get(survivor_url)
    switch_language(browser, "ja")
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status").text == "未対応"
    assert browser.find_element(By.ID, "accounts-title").text == "影響を受けるアカウント"
    assert_accessible(browser)
    screenshot(browser, "console-theme-ja")


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


# Splitting runs after the board test above (same module, file order): it takes the theme with
# the most items, whichever that is once the bridge has grouped the stack's feedback and the
# PM merged two themes, so no other test's theme changes under it.
def item_ids(browser: webdriver.Chrome) -> list[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "table.theme-items tbody tr")
    return [row.get_attribute("data-item") or "" for row in rows]


def largest_theme(browser: webdriver.Chrome) -> WebElement:
    """The board's card of the theme with the most items."""

    def items(card: WebElement) -> int:
        figure = card.find_element(By.XPATH, ".//dt[.='Items']/following-sibling::dd[1]")
        return int(figure.text.replace(",", ""))

    cards = browser.find_elements(By.CSS_SELECTOR, "li.theme")
    assert cards
    return max(cards, key=items)


def test_an_editor_splits_two_items_off_into_a_new_theme(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/themes")
    # The theme with the most items (which one depends on how the bridge grouped the stack's
    # feedback by the time this test runs; splitting works the same on any of them).
    export = largest_theme(browser)
    export_id = export.get_attribute("data-theme") or ""
    export_title = export.find_element(By.CSS_SELECTOR, "h2 a").text
    export.find_element(By.CSS_SELECTOR, "h2 a").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "split-form")))
    original_url = browser.current_url
    before = item_ids(browser)
    assert len(before) >= 3

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
    # It names the theme it came from by its title, linked.
    split_from = browser.find_element(By.CSS_SELECTOR, ".split-from")
    assert split_from.text == f"Split off from the theme “{export_title}”."
    link = split_from.find_element(By.TAG_NAME, "a")
    assert link.text == export_title
    assert (link.get_attribute("href") or "").endswith(f"/themes/{export_id}")
    assert_accessible(browser)
    screenshot(browser, "console-theme-split")

    switch_language(browser, "ja")
    assert browser.find_element(By.CSS_SELECTOR, ".split-from").text == (
        f"「{export_title}」から切り出されたテーマです。"
    )
    assert browser.find_element(By.ID, "split-title").text == "新しいテーマに切り出す"
    assert_accessible(browser)
    screenshot(browser, "console-theme-split-ja")

    # The original keeps the other items.
    browser.get(original_url)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.theme-items")))
    after = item_ids(browser)
    assert set(before[2:]) <= set(after)  # (the page lists the latest 20)
    assert not set(chosen) & set(after)
