"""A theme's growth and undoing a merge, in a real Chromium: items and accounts per week from the
bridge drawn with Chart.js (and as a table), and an editor undoing a merge from the merged
theme's page, in English and Japanese."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack
from .test_themes_browser import theme_card

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_theme_shows_its_growth_and_a_merge_can_be_undone(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/themes")
    login = theme_card(browser, "Okta single sign-on")
    login_id = login.get_attribute("data-theme") or ""
    login_title = login.find_element(By.CSS_SELECTOR, "h2 a").text
    login.find_element(By.CSS_SELECTOR, "h2 a").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "growth-title")))
    assert browser.find_element(By.ID, "growth-title").text == (
        "Growth: items and accounts per week"
    )
    # Chart.js drew on the canvas; the same figures are in the table, 12 weeks, this one last.
    drawn = browser.execute_script(
        "return Chart.getChart(document.getElementById('growth-chart')).data.datasets[0].data"
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "table.growth-weeks tbody tr")
    assert len(rows) == 12
    # (the table is folded in a <details>: its text is read from the DOM)
    weekly = [
        int(row.find_elements(By.CSS_SELECTOR, "td.num")[0].get_attribute("textContent") or "")
        for row in rows
    ]
    assert drawn == weekly
    items = browser.find_element(By.XPATH, "//dt[.='Items']/following-sibling::dd[1]").text
    assert sum(weekly) == int(items.replace(",", ""))  # every item of the theme is recent
    assert_accessible(browser)
    screenshot(browser, "console-theme-growth")
    switch_language(browser, "ja")
    assert browser.find_element(By.ID, "growth-title").text == "推移：週ごとの件数とアカウント数"
    assert_accessible(browser)
    screenshot(browser, "console-theme-growth-ja")
    switch_language(browser, "en")

    # Merge the invoice theme into the login one, then undo it from the merged theme's page.
    browser.get(f"{stack.console_url}/w/ws_a/themes")
    invoice_url = (
        theme_card(browser, "Invoice PDF download")
        .find_element(By.CSS_SELECTOR, "h2 a")
        .get_attribute("href")
    )
    browser.get(invoice_url or "")
    Select(browser.find_element(By.ID, "theme-into")).select_by_value(login_id)
    browser.find_element(By.CSS_SELECTOR, "form.merge button[type=submit]").click()
    wait(browser).until(ec.url_contains(f"/themes/{login_id}?saved=merged"))
    browser.get(invoice_url or "")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.unmerge")))
    # the theme it went into, by its title
    merged_into = browser.find_element(By.CSS_SELECTOR, ".merged-into")
    assert merged_into.text == f"This theme was merged into “{login_title}”."
    assert_accessible(browser)
    screenshot(browser, "console-theme-unmerge")
    browser.find_element(By.CSS_SELECTOR, "form.unmerge button[type=submit]").click()
    saved = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert saved.text == "The merge is undone: this theme has its items back."
    assert browser.find_elements(By.CSS_SELECTOR, "form.unmerge") == []
    assert browser.find_elements(By.CSS_SELECTOR, "table.theme-items tbody tr")
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status").text == "Open"
    switch_language(browser, "ja")
    assert browser.find_element(By.CSS_SELECTOR, "h1 .status").text == "未対応"
    assert_accessible(browser)
