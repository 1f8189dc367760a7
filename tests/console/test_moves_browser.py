"""What moved this week, for the CS lead, in a real Chromium: the accounts that turned critical,
at risk or healthy in the last 7 days of event time (scoring's `/v1/portfolio/moves`), with the
counts, the ARR at risk, and links to the accounts, in English and Japanese."""

from __future__ import annotations

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_kit.auth import issue_token

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_the_portfolio_shows_what_moved_this_week(stack: Stack, browser: webdriver.Chrome) -> None:
    token = issue_token(SECRET, "ws_a", ["read"])
    moved = httpx.get(
        f"{stack.scoring_url}/v1/portfolio/moves",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    # The stack's Northwind went from at risk to critical two days ago, when its tickets came.
    assert ("northwind", "yellow", "red") in [
        (m["account_id"], m["from_band"], m["to_band"]) for m in moved["moves"]
    ], moved

    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    section = browser.find_element(By.CSS_SELECTOR, "section.moves")
    assert section.find_element(By.TAG_NAME, "h2").text == "What moved this week"
    counts = {
        li.get_attribute("data-band"): li.text
        for li in section.find_elements(By.CSS_SELECTOR, ".move-counts li[data-band]")
    }
    assert counts["red"].startswith("Turned critical")
    assert str(moved["by_band"]["red"]["accounts"]) in counts["red"]
    assert f"${moved['by_band']['red']['arr']:,.0f}" in counts["red"]
    assert f"${moved['arr_at_risk']:,.0f}" in section.find_element(By.CSS_SELECTOR, ".risk").text
    rows = section.find_elements(By.CSS_SELECTOR, "table.moved-accounts tbody tr")
    assert [row.get_attribute("data-account") for row in rows] == [
        m["account_id"] for m in moved["moves"]
    ]
    northwind = next(r for r in rows if r.get_attribute("data-account") == "northwind")
    assert "At risk" in northwind.text
    assert "Critical" in northwind.text
    assert "$120,000" in northwind.text
    assert_accessible(browser)
    screenshot(browser, "console-portfolio-moves")

    switch_language(browser, "ja")
    section = browser.find_element(By.CSS_SELECTOR, "section.moves")
    assert section.find_element(By.TAG_NAME, "h2").text == "今週の変化"
    assert "危険になった" in section.text
    assert "悪化したアカウントの ARR" in section.text
    northwind = section.find_element(By.CSS_SELECTOR, "tr[data-account='northwind']")
    assert "要注意" in northwind.text
    assert "危険" in northwind.text
    assert_accessible(browser)
    screenshot(browser, "console-portfolio-moves-ja")

    northwind.find_element(By.TAG_NAME, "a").click()
    wait(browser).until(ec.url_contains("/w/ws_a/accounts/northwind"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Northwind Traders")
