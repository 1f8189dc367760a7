"""The send policy in a real Chromium: an administrator reads notify's frequency caps, send
window, quiet hours and CSM alert budget, is told at each field what is wrong (what was typed
kept), and saves a change that notify then answers with; in English and Japanese."""

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


def fill(browser: webdriver.Chrome, field: str, value: str) -> None:
    element = browser.find_element(By.ID, field)
    element.clear()
    element.send_keys(value)


def value(browser: webdriver.Chrome, field: str) -> str:
    return browser.find_element(By.ID, field).get_attribute("value") or ""


def save(browser: webdriver.Chrome) -> None:
    old = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.CSS_SELECTOR, "form.send-policy button[type=submit]").click()
    wait(browser).until(ec.staleness_of(old))


def notify_policy(stack: Stack) -> dict[str, object]:
    token = issue_token(SECRET, "ws_a", ["read"])
    response = httpx.get(
        f"{stack.notify_url}/v1/policy", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    policy: dict[str, object] = response.json()
    return policy


def test_an_administrator_changes_the_send_policy(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "aiko@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.find_element(By.LINK_TEXT, "Send policy").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "csm_daily_budget")))
    assert value(browser, "cap-user_daily-max") == "3"
    assert value(browser, "cap-user_daily-per") == "1d"
    assert value(browser, "window_start") == "09:00"
    assert value(browser, "csm_daily_budget") == "5"
    assert value(browser, "csm_review_times") == "09:00, 13:00"
    assert_accessible(browser)

    # Wrong values: each named at its field, everything typed kept, nothing saved.
    fill(browser, "cap-user_daily-per", "2 days")
    fill(browser, "csm_daily_budget", "-1")
    browser.execute_script("document.getElementById('quiet_start').value = '22:00';")
    save(browser)
    assert browser.find_element(By.ID, "cap-user_daily-per-problem").text.startswith(
        "Enter a period like 12h, 1d or 1w"
    )
    assert browser.find_element(By.ID, "csm_daily_budget-problem").text == (
        "Enter a whole number of alerts from 0 to 1,000."
    )
    assert browser.find_element(By.ID, "quiet_end-problem").text.startswith(
        "Quiet hours need both a start and an end"
    )
    assert value(browser, "cap-user_daily-per") == "2 days"
    assert value(browser, "csm_daily_budget") == "-1"
    assert value(browser, "quiet_start") == "22:00"
    budget = browser.find_element(By.ID, "csm_daily_budget")
    assert budget.get_attribute("aria-invalid") == "true"
    assert notify_policy(stack)["csm_daily_budget"] == 5
    assert_accessible(browser)
    screenshot(browser, "console-send-policy-problems")

    fill(browser, "cap-user_daily-per", "1d")
    fill(browser, "cap-user_daily-max", "4")
    fill(browser, "csm_daily_budget", "8")
    fill(browser, "csm_review_times", "09:00, 15:30")
    browser.execute_script(
        "document.getElementById('quiet_start').value = '';"
        "document.getElementById('quiet_end').value = '';"
    )
    save(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".saved").text.startswith(
        "The send policy is saved"
    )
    assert value(browser, "cap-user_daily-max") == "4"
    assert value(browser, "csm_daily_budget") == "8"
    saved = notify_policy(stack)
    assert saved["csm_daily_budget"] == 8
    assert saved["csm_review_times"] == ["09:00:00", "15:30:00"]
    assert saved["caps"]["user_daily"]["max"] == 4  # type: ignore[index]
    assert saved["product_name"] == "our product"  # the rest of the policy is kept
    assert_accessible(browser)
    screenshot(browser, "console-send-policy")

    switch_language(browser, "ja")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("送信ポリシー")
    fill(browser, "csm_daily_budget", "たくさん")
    save(browser)
    assert browser.find_element(By.ID, "csm_daily_budget-problem").text == (
        "0〜1,000 の整数でアラート数を入力してください。"
    )
    assert value(browser, "csm_daily_budget") == "たくさん"
    assert_accessible(browser)
    screenshot(browser, "console-send-policy-ja")


def test_only_administrators_see_the_send_policy(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "hanako@vendor.example")  # an editor of ws_a
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_elements(By.LINK_TEXT, "Send policy") == []
    browser.get(f"{stack.console_url}/w/ws_a/send-policy")
    assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
