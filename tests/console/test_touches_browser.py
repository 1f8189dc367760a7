"""Logging a CS touch from an account page, in a real Chromium: the form names what is wrong and
keeps what was typed; a logged touch goes through ingest (a CSM note on the feedback topic) and
shows in the account's feedback from the bridge with who logged it, in English and Japanese."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

NOTE = "Called Initech's admin: they plan to add 20 seats in Q1"


def _touch_row(browser: webdriver.Chrome) -> webdriver.remote.webelement.WebElement | None:
    for row in browser.find_elements(By.CSS_SELECTOR, "section.feedback tbody tr"):
        if NOTE in row.text:
            return row
    browser.refresh()
    return None


def test_a_csm_logs_a_touch_and_sees_it_on_the_account_page(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/accounts/initech")
    section = browser.find_element(By.CSS_SELECTOR, "section.touch")
    assert section.find_element(By.TAG_NAME, "h2").text == "Log a CS touch"

    # No kind, a day in the future: both named, the note kept.
    browser.find_element(By.ID, "touch-note").send_keys(NOTE)
    date = browser.find_element(By.ID, "touch-date")
    browser.execute_script("arguments[0].value = '2099-01-01'", date)
    section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "touch-kind-problem")))
    assert browser.find_element(By.ID, "touch-kind-problem").text == (
        "Choose what kind of touch it was."
    )
    assert "in the future" in browser.find_element(By.ID, "touch-date-problem").text
    assert browser.find_element(By.ID, "touch-note").get_attribute("value") == NOTE
    assert browser.find_element(By.ID, "touch-kind").get_attribute("aria-invalid") == "true"
    assert_accessible(browser)
    screenshot(browser, "console-account-touch-problems")

    Select(browser.find_element(By.ID, "touch-kind")).select_by_value("call")
    date = browser.find_element(By.ID, "touch-date")
    browser.execute_script("arguments[0].value = arguments[1]", date, "")
    date.send_keys("")  # emptied: the day is required
    old = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.CSS_SELECTOR, "section.touch button[type=submit]").click()
    wait(browser).until(ec.staleness_of(old))  # the answer's page, not the one before it
    wait(browser).until(ec.presence_of_element_located((By.ID, "touch-date-problem")))
    assert browser.find_element(By.ID, "touch-date-problem").text == "Enter the day it happened."
    assert Select(browser.find_element(By.ID, "touch-kind")).first_selected_option.text == "Call"

    # Today: logged, and the bridge has it within seconds.
    browser.execute_script(
        "arguments[0].value = new Date().toISOString().slice(0, 10)",
        browser.find_element(By.ID, "touch-date"),
    )
    browser.find_element(By.CSS_SELECTOR, "section.touch button[type=submit]").click()
    wait(browser).until(ec.url_contains("saved=touch"))
    assert "The touch is logged" in browser.find_element(By.CSS_SELECTOR, ".notice.saved").text
    row = wait(browser).until(_touch_row)
    assert row is not None
    assert "CS touch: Call" in row.text
    # Who logged it: the signed-in user, carried by ingest and the bridge as the note's author.
    assert row.find_element(By.CSS_SELECTOR, ".author").text == "by hanako@vendor.example"
    assert_accessible(browser)
    screenshot(browser, "console-account-touch")

    switch_language(browser, "ja")
    row = wait(browser).until(_touch_row)
    assert row is not None
    assert "CS 接点：電話" in row.text
    assert row.find_element(By.CSS_SELECTOR, ".author").text == "hanako@vendor.example が記録"
    assert browser.find_element(By.ID, "touch-title").text == "CS 接点を記録"
    assert_accessible(browser)
    screenshot(browser, "console-account-touch-ja")
