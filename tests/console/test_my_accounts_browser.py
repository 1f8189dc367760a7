"""A CSM's morning, in a real Chromium: "My accounts" narrows the portfolio to the accounts whose
owner (the csm_email or csm trait scoring keeps) is the signed-in user; a CS lead opens another CSM's book
from the owner column; both in English and Japanese."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def _listed(browser: webdriver.Chrome) -> set[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "#accounts table.accounts tbody tr[data-account]")
    return {row.get_attribute("data-account") or "" for row in rows}


def _moves_and_renewals(browser: webdriver.Chrome) -> set[str]:
    shown = browser.find_elements(
        By.CSS_SELECTOR,
        "section.moves tr[data-account], section.renewals .soonest li[data-account]",
    )
    return {row.get_attribute("data-account") or "" for row in shown}


def test_my_accounts_and_another_csms_book(stack: Stack, browser: webdriver.Chrome) -> None:
    # hanako owns northwind and initech; taro owns globex (tests/scoring/service/portfolio_data).
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    wait(browser).until(lambda b: _listed(b) == {"northwind", "globex", "initech"})
    everyones = _moves_and_renewals(browser)
    assert everyones  # the stack's accounts moved this week and renew within the quarter

    browser.find_element(By.ID, "my-accounts").click()
    wait(browser).until(ec.url_contains("csm=hanako%40vendor.example"))
    wait(browser).until(lambda b: _listed(b) == {"northwind", "initech"})
    # The book's own moves and renewals, not the workspace's.
    assert _moves_and_renewals(browser) == everyones & {"northwind", "initech"}
    assert browser.find_element(By.ID, "csm").get_attribute("value") == "hanako@vendor.example"
    assert_accessible(browser)
    screenshot(browser, "console-my-accounts")

    # Back to every CSM, then taro's book from the owner column.
    browser.find_element(By.ID, "all-owners").click()
    wait(browser).until(lambda b: _listed(b) == {"northwind", "globex", "initech"})
    browser.find_element(By.CSS_SELECTOR, "a.owner[href*='taro%40vendor.example']").click()
    wait(browser).until(lambda b: _listed(b) == {"globex"})

    # Nobody's accounts: the page says whose they would be, instead of an empty table.
    field = browser.find_element(By.ID, "csm")
    field.clear()
    field.send_keys("nobody@vendor.example")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser).until(
        lambda b: "nobody@vendor.example" in b.find_element(By.CSS_SELECTOR, "p.count").text
    )
    assert _listed(browser) == set()

    switch_language(browser, "ja")
    browser.find_element(By.ID, "my-accounts").click()
    wait(browser).until(lambda b: _listed(b) == {"northwind", "initech"})
    assert browser.find_element(By.ID, "my-accounts").text == "自分の担当アカウント"
    label = browser.find_element(By.CSS_SELECTOR, "label[for=csm]").text
    assert label == "担当 CSM（メールアドレス）"
    assert_accessible(browser)
    screenshot(browser, "console-my-accounts-ja")
