"""The browser tests share one stack and its users: what a test changes in a user's settings is
put back after it (conftest's `users_keep_their_settings`), so the next test signs in to the
console as the stack made it."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import sign_in, switch_language, wait
from .stack import Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_users_language_chosen_in_a_test_is_put_back(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    saved = stack.user_settings()
    assert saved["hanako@vendor.example"] in {None, "en"}
    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    switch_language(browser, "ja")
    assert stack.user_settings()["hanako@vendor.example"] == "ja"

    stack.restore_user_settings(saved)
    assert stack.user_settings() == saved
    browser.refresh()
    wait(browser).until(lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Portfolio")
