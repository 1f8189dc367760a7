"""The console in a real Chromium: sign in, the portfolio, a red account in Japanese, the language
switch, tenancy, and axe-core on every page. Scoring and Kafka are real (see stack.py)."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import OPERATOR, PASSWORD, Stack

# The first test of the session also starts the stack (five services, Kafka topics).
pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def account_rows(browser: webdriver.Chrome) -> list[str]:
    rows = browser.find_elements(By.CSS_SELECTOR, "table.accounts tbody tr")
    return [row.get_attribute("data-account") or "" for row in rows]


# The override form's button (the CS touch form above it shares its card style).
SET_OVERRIDE = "section[aria-labelledby=override-title] button[type=submit]"


def test_signing_in_shows_the_portfolio_sorted_by_arr_at_risk(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    browser.get(f"{stack.console_url}/w/ws_a/accounts")
    wait(browser).until(ec.url_contains("/login"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in to Bansō"
    assert_accessible(browser)

    sign_in(browser, stack, "hanako@vendor.example", "not the password")
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "password-problem")))
    assert problem.text == "The email address or the password is wrong."
    assert browser.find_element(By.ID, "email").get_attribute("value") == "hanako@vendor.example"
    assert browser.find_element(By.ID, "password").get_attribute("value") == ""
    assert_accessible(browser)

    browser.find_element(By.ID, "email").clear()
    sign_in(browser, stack, "", PASSWORD)
    email_problem = wait(browser).until(ec.presence_of_element_located((By.ID, "email-problem")))
    assert email_problem.text == "Enter your email address."

    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Portfolio")
    assert account_rows(browser) == ["northwind", "globex", "initech"]
    risk = browser.find_element(By.CSS_SELECTOR, ".card.risk .figure").text
    assert risk == "$420,000"
    first = browser.find_element(By.CSS_SELECTOR, "table.accounts tbody tr")
    assert "Northwind Traders" in first.text
    assert "Critical" in first.text
    assert "$120,000" in first.text
    assert_accessible(browser)
    screenshot(browser, "console-portfolio")

    search = browser.find_element(By.ID, "q")
    search.send_keys("glob")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser).until(lambda b: account_rows(b) == ["globex"])
    assert "q=glob" in browser.current_url  # htmx kept the address in step with the filters
    # The summary follows the filters (htmx swaps it out of band).
    wait(browser).until(
        lambda b: b.find_element(By.CSS_SELECTOR, ".card.risk .figure").text == "$300,000"
    )


def test_too_many_wrong_passwords_refuse_the_account_for_a_while(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    def answered(password: str = PASSWORD) -> None:
        """Sign in and wait for the answer to replace the page (a mark left on the old page is
        gone: asking chromedriver whether an old element went stale can fail mid-navigation)."""
        browser.execute_script("window.bansoOldPage = true")
        sign_in(browser, stack, "kaito@vendor.example", password)
        wait(browser).until(
            lambda b: b.execute_script(
                "return window.bansoOldPage === undefined && document.readyState === 'complete'"
            )
        )

    for _ in range(5):
        answered("not the password")
        problem = wait(browser).until(ec.presence_of_element_located((By.ID, "password-problem")))
        assert problem.text == "The email address or the password is wrong."
    answered()  # the right password, too late
    wait(browser).until(ec.text_to_be_present_in_element((By.ID, "password-problem"), "Too many"))
    assert browser.find_element(By.ID, "password-problem").text == (
        "Too many wrong passwords for this email address from your network. "
        "Try again in 15 minutes."
    )
    assert browser.find_element(By.ID, "email").get_attribute("value") == "kaito@vendor.example"
    assert "/login" in browser.current_url
    assert_accessible(browser)
    screenshot(browser, "console-sign-in-refused")
    # The page in Japanese says the same.
    browser.find_element(By.LINK_TEXT, "日本語").click()
    wait(browser).until(lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja")
    answered()
    wait(browser).until(ec.text_to_be_present_in_element((By.ID, "password-problem"), "15 分後"))


def test_a_red_account_reads_its_drivers_in_japanese_and_the_choice_is_kept(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    switch_language(browser, "ja")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("ポートフォリオ")
    assert browser.find_element(By.CSS_SELECTOR, ".card.risk .figure").text == "$420,000"
    assert_accessible(browser)

    browser.find_element(By.LINK_TEXT, "Northwind Traders").click()
    wait(browser).until(ec.url_contains("/accounts/northwind"))
    assert browser.find_element(By.CSS_SELECTOR, ".summary .band").text == "危険"
    drivers = [
        item.text for item in browser.find_elements(By.CSS_SELECTOR, ".drivers li .sentence")
    ]
    assert drivers, "a red account has drivers"
    assert any(text.startswith("ライセンス利用率：4%") for text in drivers), drivers
    assert all("ポイント" in text for text in drivers), drivers
    assert browser.find_elements(By.CSS_SELECTOR, ".drivers .detail") == []
    seats = browser.find_element(By.XPATH, "//h2[text()='シート数とアクティブユーザー']/..").text
    assert "50 シート中 2 人がアクティブ" in seats
    drawn = browser.execute_script(
        "return Chart.getChart(document.getElementById('history-chart')) !== undefined"
    )
    assert drawn is True
    assert_accessible(browser)
    screenshot(browser, "console-account-ja")

    # The choice is the user's: it holds in a new session.
    browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait(browser).until(ec.url_contains("/login"))
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"

    browser.get(f"{stack.console_url}/w/ws_a/accounts/northwind")
    switch_language(browser, "en")
    assert "/accounts/northwind" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".summary .band").text == "Critical"
    english = [
        item.text for item in browser.find_elements(By.CSS_SELECTOR, ".drivers li .sentence")
    ]
    assert any(text.startswith("Licence utilisation: 4%") for text in english), english
    screenshot(browser, "console-account-en")


def test_a_user_of_one_workspace_is_refused_another_workspaces_pages(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "ken@other.example")
    wait(browser).until(ec.url_contains("/w/ws_b/accounts"))
    wait(browser).until(lambda b: "Umbrella Corporation" in b.page_source)
    assert account_rows(browser) == ["umbrella"]
    assert "Northwind" not in browser.page_source

    for path in ("/w/ws_a/accounts", "/w/ws_a/accounts/northwind"):
        browser.get(f"{stack.console_url}{path}")
        assert browser.find_element(By.TAG_NAME, "h1").text == "You cannot see this page"
        assert "Northwind" not in browser.page_source
        assert "$120,000" not in browser.page_source
    assert_accessible(browser)


def test_an_administrator_adds_a_user_who_can_then_sign_in(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "aiko@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.find_element(By.LINK_TEXT, "Users").click()
    wait(browser).until(ec.url_contains("/admin/users"))
    assert_accessible(browser)

    browser.find_element(By.ID, "new-email").send_keys("jiro@vendor.example")
    browser.find_element(By.ID, "new-password").send_keys("too short")
    browser.find_element(By.ID, "new-workspaces").send_keys("ws_a")
    browser.find_element(By.CSS_SELECTOR, ".add-user button[type=submit]").click()
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "new-password-problem")))
    assert problem.text == "The password needs at least 12 characters."
    assert browser.find_element(By.ID, "new-email").get_attribute("value") == (
        "jiro@vendor.example"
    )
    assert browser.find_element(By.ID, "new-workspaces").get_attribute("value") == "ws_a"
    assert_accessible(browser)

    browser.find_element(By.ID, "new-password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, ".add-user button[type=submit]").click()
    notice = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    assert notice.text == "jiro@vendor.example can now sign in."

    browser.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    wait(browser).until(ec.url_contains("/login"))
    sign_in(browser, stack, "jiro@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_elements(By.LINK_TEXT, "Users") == []  # a viewer: no users page


def test_the_users_page_names_the_workspaces_ingest_knows(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, OPERATOR)
    wait(browser).until(ec.url_contains("/accounts"))
    browser.get(f"{stack.console_url}/admin/users")
    ops = browser.find_element(By.XPATH, f"//tr[th[text()='{OPERATOR}']]")
    # ingest names the workspace it created ("Vendor ops"; its id on hover); ws_a is not one
    # of ingest's: its id
    assert ops.find_elements(By.TAG_NAME, "td")[1].text == "ws_a, Vendor ops"
    named = ops.find_element(By.CSS_SELECTOR, "td.user-workspaces span")
    assert named.get_attribute("title") == stack.ingest_workspace
    yours = browser.find_element(By.ID, "new-workspaces-yours")
    assert yours.text == f"Yours: ws_a, Vendor ops ({stack.ingest_workspace})"
    assert_accessible(browser)

    switch_language(browser, "ja")
    yours = browser.find_element(By.ID, "new-workspaces-yours")
    assert yours.text == f"あなたのワークスペース: ws_a, Vendor ops ({stack.ingest_workspace})"
    ops = browser.find_element(By.XPATH, f"//tr[th[text()='{OPERATOR}']]")
    assert ops.find_elements(By.TAG_NAME, "td")[1].text == "ws_a, Vendor ops"


def test_an_editor_overrides_a_band_and_sees_it_on_the_page(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    # It changes initech's band for whatever runs after it (the stack is the session's).
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/accounts/initech")
    assert browser.find_element(By.CSS_SELECTOR, ".summary .band").text == "Healthy"
    assert_accessible(browser)

    browser.find_element(By.CSS_SELECTOR, "input[name=band][value=red]").click()
    browser.find_element(By.ID, "override-days").clear()
    browser.find_element(By.ID, "override-days").send_keys("30")
    browser.find_element(By.CSS_SELECTOR, SET_OVERRIDE).click()
    problem = wait(browser).until(
        ec.presence_of_element_located((By.ID, "override-reason-problem"))
    )
    assert problem.text == "Say why: the reason is kept with the override."
    assert browser.find_element(By.CSS_SELECTOR, "input[name=band][value=red]").is_selected()
    assert browser.find_element(By.ID, "override-days").get_attribute("value") == "30"
    assert_accessible(browser)

    browser.find_element(By.ID, "override-reason").send_keys("Champion left; escalation open")
    browser.find_element(By.CSS_SELECTOR, SET_OVERRIDE).click()
    saved = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert saved.text == "The override is saved."
    assert browser.find_element(By.CSS_SELECTOR, ".summary .band").text == "Critical"
    notices = [n.text for n in browser.find_elements(By.CSS_SELECTOR, ".notice")]
    assert any("Champion left; escalation open" in text for text in notices), notices

    # Another override while this one holds is refused unless it says it replaces it.
    browser.find_element(By.CSS_SELECTOR, "input[name=band][value=yellow]").click()
    browser.find_element(By.ID, "override-reason").send_keys("Call went well")
    browser.find_element(By.CSS_SELECTOR, SET_OVERRIDE).click()
    conflict = wait(browser).until(
        ec.presence_of_element_located((By.ID, "override-replace-problem"))
    )
    assert "Another override is in force" in conflict.text
    browser.find_element(By.ID, "override-replace").click()
    browser.find_element(By.CSS_SELECTOR, SET_OVERRIDE).click()
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".saved")))
    assert browser.find_element(By.CSS_SELECTOR, ".summary .band").text == "At risk"
