"""`make demo` creates the console's demo user and prints its sign-in: that user, created the way
the demo does (banso_sim's ServiceScript, a random password on standard input), signs in in a real
Chromium and works in the demo's workspace, in English and Japanese."""

from __future__ import annotations

import os

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_sim.demo.environment import DEMO_USER, ServiceScript

from .browser import ROOT, assert_accessible, sign_in, switch_language, wait
from .stack import SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_the_demo_user_signs_in_and_sees_the_demo_workspace(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_DATA_DIR": str(stack.data),
    }
    script = ServiceScript(ROOT, env)
    first = script.create_console_user("ws_a")
    password = script.create_console_user("ws_a")  # every run of the demo resets it
    assert password != first
    assert len(password) >= 12

    sign_in(browser, stack, DEMO_USER, first)
    problem = wait(browser).until(ec.presence_of_element_located((By.ID, "password-problem")))
    assert problem.text == "The email address or the password is wrong."

    sign_in(browser, stack, DEMO_USER, password)
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Portfolio")
    assert "Northwind Traders" in browser.find_element(By.CSS_SELECTOR, "table.accounts").text
    assert_accessible(browser)
    # An administrator: sources and keys, and the console's users, are in its navigation.
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav a")]
    assert "Sources and keys" in links
    assert "Users" in links
    switch_language(browser, "ja")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("ポートフォリオ")
    assert_accessible(browser)
