"""Sources and keys in a real Chromium: an administrator creates a source and sees its write key
once, ingest takes events with it, revokes it and ingest refuses it; issues an API token that
scoring accepts, revokes it and scoring refuses it; errors named at the field; Japanese; editors
refused. Ingest, scoring and Kafka are real (see stack.py)."""

from __future__ import annotations

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import OPERATOR, Stack

# The first test of the session also starts the stack (five services, Kafka topics).
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def track(stack: Stack, write_key: str) -> int:
    answer = httpx.post(
        f"{stack.ingest_url}/v1/track",
        json={"userId": "u-1", "event": "Report Created"},
        auth=(write_key, ""),
    )
    return answer.status_code


def portfolio(stack: Stack, token: str) -> int:
    answer = httpx.get(
        f"{stack.scoring_url}/v1/portfolio", headers={"Authorization": f"Bearer {token}"}
    )
    return answer.status_code


def test_an_operator_creates_and_revokes_a_write_key_and_an_api_token(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    workspace = stack.ingest_workspace
    sign_in(browser, stack, OPERATOR)
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    # the header names each workspace ingest knows by its name (its id on hover); ws_a, which
    # ingest does not know, by its id
    named = browser.find_element(By.LINK_TEXT, "Vendor ops")
    assert named.get_attribute("title") == workspace
    assert browser.find_elements(By.LINK_TEXT, "ws_a")
    named.click()
    wait(browser).until(ec.url_contains(f"/w/{workspace}/"))
    browser.find_element(By.LINK_TEXT, "Sources and keys").click()
    wait(browser).until(ec.url_contains(f"/w/{workspace}/sources"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sources and keys Vendor ops"
    assert browser.title == "Sources and keys · Vendor ops · Bansō"
    assert (
        "No source yet."
        in browser.find_element(By.ID, "sources-title").find_element(By.XPATH, "..").text
    )
    assert_accessible(browser)

    browser.find_element(By.CSS_SELECTOR, "form.add-source button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "source_name-problem")))
    assert problem.text == "Name the source, e.g. web backend."
    assert_accessible(browser)
    browser.find_element(By.ID, "source_name").send_keys("web backend")
    browser.find_element(By.CSS_SELECTOR, "form.add-source button[type=submit]").click()
    key = wait(browser).until(ec.presence_of_element_located((By.ID, "new-secret"))).text
    assert (
        "Copy it now: it is shown this once."
        in browser.find_element(By.CSS_SELECTOR, ".secret").text
    )
    row = browser.find_element(By.CSS_SELECTOR, "table.sources tbody tr")
    assert "web backend" in row.text
    assert "Active" in row.text
    assert key not in row.text  # only its prefix is listed
    assert_accessible(browser)
    assert track(stack, key) == 200

    # Shown once: the page read again has no key.
    browser.get(f"{stack.console_url}/w/{workspace}/sources")
    assert browser.find_elements(By.ID, "new-secret") == []
    assert key not in browser.page_source

    browser.find_element(By.CSS_SELECTOR, "form.revoke button[type=submit]").click()
    notice = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert notice.text == "The source is revoked: ingest refuses its keys from now on."
    assert "Revoked" in browser.find_element(By.CSS_SELECTOR, "table.sources tbody tr").text
    wait(browser).until(lambda _: track(stack, key) == 401)

    # An API token: a bad expiry is named and what was typed kept; the token works, then not.
    browser.find_element(By.ID, "token_name").send_keys("nightly export")
    browser.find_element(By.ID, "token_days").clear()
    browser.find_element(By.ID, "token_days").send_keys("0")
    browser.find_element(By.CSS_SELECTOR, "form.issue-token button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "token_days-problem")))
    assert problem.text == "Enter a whole number of days from 1 to 1,095."
    assert browser.find_element(By.ID, "token_name").get_attribute("value") == "nightly export"
    assert_accessible(browser)
    browser.find_element(By.ID, "token_days").clear()
    browser.find_element(By.ID, "token_days").send_keys("30")
    browser.find_element(By.CSS_SELECTOR, "form.issue-token button[type=submit]").click()
    token = wait(browser).until(ec.presence_of_element_located((By.ID, "new-secret"))).text
    assert portfolio(stack, token) == 200
    screenshot(browser, "console-sources")
    browser.get(f"{stack.console_url}/w/{workspace}/sources")
    browser.find_element(By.CSS_SELECTOR, "form.revoke-token button[type=submit]").click()
    notice = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert notice.text == "The token is revoked."
    wait(browser).until(lambda _: portfolio(stack, token) == 401)
    # its scope in words, not the API's key
    assert browser.find_element(By.CSS_SELECTOR, "table.tokens td.scopes").text == "Read"

    switch_language(browser, "ja")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("ソースとキー")
    assert "失効" in browser.find_element(By.CSS_SELECTOR, "table.tokens tbody tr").text
    assert browser.find_element(By.CSS_SELECTOR, "table.tokens td.scopes").text == "読み取り"
    assert_accessible(browser)


def test_an_editor_has_no_sources_and_keys(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_elements(By.LINK_TEXT, "Sources and keys") == []
    browser.get(f"{stack.console_url}/w/ws_a/sources")
    assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
    assert browser.find_elements(By.CSS_SELECTOR, "form.add-source") == []
