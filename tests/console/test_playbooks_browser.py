"""The playbooks screen in a real Chromium: each playbook's status and results, a send step
previewed in Japanese and English side by side and sent once as a test, the uplift section,
tenancy. Notify, scoring and
Kafka are real (see stack.py); the playbooks are notify's built-ins."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import Stack

# The first test of the session also starts the stack (five services, Kafka topics).
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def renders(browser: webdriver.Chrome) -> dict[str, str]:
    return {
        render.get_attribute("data-locale") or "": render.find_element(
            By.CSS_SELECTOR, ".subject"
        ).text
        for render in browser.find_elements(By.CSS_SELECTOR, "article.render")
    }


def test_a_cs_lead_reads_the_playbooks_and_previews_a_nudge_in_both_languages(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.find_element(By.LINK_TEXT, "Playbooks").click()
    wait(browser).until(ec.url_contains("/w/ws_a/playbooks"))
    rows = {
        row.get_attribute("data-playbook"): row
        for row in browser.find_elements(By.CSS_SELECTOR, "table.playbooks tbody tr")
    }
    assert {"re-engagement-14d", "health-red-csm-alert"} <= set(rows)
    quiet = rows["re-engagement-14d"].text
    assert "Re-engagement after 14 quiet days" in quiet
    assert "No activity" in quiet
    assert "On" in quiet
    assert "10 %" in quiet  # its holdout
    assert "Not enough data yet" in quiet
    assert_accessible(browser)
    screenshot(browser, "console-playbooks")

    browser.find_element(By.LINK_TEXT, "Re-engagement after 14 quiet days").click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.render")))
    subjects = renders(browser)
    assert subjects["en"] == "Picking up where you left off in our product"
    assert subjects["ja"] == "our product でお待ちしています"
    assert "Hi Alex" in browser.find_element(By.CSS_SELECTOR, "article[data-locale=en] .text").text
    assert browser.find_element(By.CSS_SELECTOR, ".no-uplift").text.startswith(
        "Not enough data yet"
    )
    # the step says what it sends (its subject, "…" where each message has its own words),
    # its template's key beside it for whoever edits the YAML
    step = browser.find_element(By.CSS_SELECTOR, ".steps li").text.split("\n")
    assert step == ["Send an email: “Picking up where you left off in …”", "Template we_miss_you"]
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(
        "Re-engagement after 14 quiet days"
    )
    assert browser.find_element(By.CSS_SELECTOR, "p.description").text == (
        "A user with no usage event for 14 days is invited back, with what changed meanwhile."
    )
    assert_accessible(browser)

    # A test send: a bad address is named at the field and kept; a good one gets the message,
    # marked as a test, from notify through a real SMTP server.
    address = browser.find_element(By.ID, "test-to")
    assert address.get_attribute("value") == "hanako@vendor.example"
    address.clear()
    address.send_keys("qa at vendor")
    browser.find_element(By.CSS_SELECTOR, "input[name=locale][value=ja]").click()
    browser.find_element(By.CSS_SELECTOR, ".test-send button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "test-to-problem")))
    assert problem.text == "The email address needs an @ and a domain, like name@example.com."
    assert browser.find_element(By.ID, "test-to").get_attribute("value") == "qa at vendor"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=locale][value=ja]").is_selected()
    assert_accessible(browser)
    browser.find_element(By.ID, "test-to").clear()
    browser.find_element(By.ID, "test-to").send_keys("qa@vendor.example")
    browser.find_element(By.CSS_SELECTOR, ".test-send button[type=submit]").click()
    sent = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert sent.text.startswith("The test message is sent.")
    wait(browser).until(lambda _: stack.mail.received)
    mail = stack.mail.received[-1]
    assert mail.rcpt_tos == ["qa@vendor.example"]
    assert mail.message["Subject"] == "[テスト] our product でお待ちしています"

    # A step that sends nothing is named, and the first message is shown instead.
    browser.get(browser.current_url.split("?")[0] + "?step=7")
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "step-problem")))
    assert problem.text.startswith("That step sends nothing")
    assert renders(browser)["en"] == "Picking up where you left off in our product"

    switch_language(browser, "ja")
    assert browser.find_element(By.ID, "preview-title").text == "プレビュー"
    assert "開始条件：利用がない期間" in browser.find_element(By.TAG_NAME, "main").text
    step = browser.find_element(By.CSS_SELECTOR, ".steps li").text.split("\n")
    assert step == ["メールを送信：「… でお待ちしています」", "テンプレート we_miss_you"]
    assert renders(browser)["ja"] == "our product でお待ちしています"
    # the playbook's name and description in the reader's language (the built-ins have both)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(
        "14日間利用のないユーザーへの再訪のお誘い"
    )
    assert browser.title.startswith("14日間利用のないユーザーへの再訪のお誘い")
    assert browser.find_element(By.CSS_SELECTOR, "p.description").text == (
        "14日間利用イベントのないユーザーに、その間の変更点とともに再訪をお誘いします。"
    )
    assert_accessible(browser)
    browser.get(browser.current_url.split("?")[0])
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.render")))
    screenshot(browser, "console-playbook-ja")

    browser.find_element(By.CSS_SELECTOR, "p.crumbs a").click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.playbooks")))
    quiet_ja = browser.find_element(By.CSS_SELECTOR, "tr[data-playbook=re-engagement-14d] th a")
    assert quiet_ja.text == "14日間利用のないユーザーへの再訪のお誘い"
    assert "Re-engagement" not in browser.find_element(By.CSS_SELECTOR, "table.playbooks").text
    assert_accessible(browser)


def test_a_viewer_previews_but_sends_no_test(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "ken@other.example")  # a viewer of ws_b
    wait(browser).until(ec.url_contains("/w/ws_b/accounts"))
    browser.get(f"{stack.console_url}/w/ws_b/playbooks/re-engagement-14d")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.render")))
    assert browser.find_elements(By.CSS_SELECTOR, ".test-send") == []
    assert_accessible(browser)


def test_playbooks_of_another_workspace_are_refused(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "ken@other.example")
    wait(browser).until(ec.url_contains("/w/ws_b/accounts"))
    for path in ("/w/ws_a/playbooks", "/w/ws_a/playbooks/re-engagement-14d"):
        browser.get(f"{stack.console_url}{path}")
        assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
        assert "Re-engagement" not in browser.page_source
