"""A playbook whose template does not render, in a real Chromium: notify refuses its preview and
its test send with coded problems, and the playbook page words them in English and Japanese
instead of failing. Notify is real (see stack.py); the playbook lives in the operator's own
workspace, so no other test sees it."""

from __future__ import annotations

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_kit.auth import issue_token

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import OPERATOR, SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

PLAYBOOK = "export-tip-draft"
SOURCE = """
id: export-tip-draft
name: Tip after an export (draft)
enabled: false
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
templates:
  tip:
    en: {subject: "A tip for {{ account.name }}", text: "TEXT"}
    ja: {subject: "{{ account.name }} 向けのヒント", text: "TEXT"}
"""
WORKS = SOURCE.replace("TEXT", "Schedule your report.")
# Valid YAML and variables, so notify saves it, but no person's message can be rendered.
BREAKS = SOURCE.replace("TEXT", "{{ account.arr / 0 }}")


def save_playbook(stack: Stack, source: str) -> None:
    token = issue_token(SECRET, stack.ingest_workspace, ["write"])
    answer = httpx.put(
        f"{stack.notify_url}/v1/playbooks/{PLAYBOOK}",
        content=source,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"},
    )
    assert answer.status_code in {200, 201}, answer.text


def problems(browser: webdriver.Chrome, where: str) -> dict[str, str]:
    """The problems listed at `where`, by their code."""
    return {
        item.get_attribute("data-code") or "": item.find_element(By.CSS_SELECTOR, ".message").text
        for item in browser.find_elements(By.CSS_SELECTOR, f"{where} .service-problems li")
    }


def test_a_playbook_that_does_not_render_is_said_so_in_the_readers_language(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    save_playbook(stack, WORKS)
    url = f"{stack.console_url}/w/{stack.ingest_workspace}/playbooks/{PLAYBOOK}"
    sign_in(browser, stack, OPERATOR)
    wait(browser).until(ec.url_contains("/accounts"))
    browser.get(url)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.render")))

    # The playbook breaks while its page is open: the test send is refused, and said why.
    save_playbook(stack, BREAKS)
    browser.find_element(By.CSS_SELECTOR, "section.test-send button[type=submit]").click()
    refusal = wait(browser).until(ec.presence_of_element_located((By.ID, "test-step-problem")))
    assert refusal.text.startswith("Notify refused to send this step")
    assert problems(browser, "#test-step-problem") == {
        "template_failed": (
            "template 'tip' does not render in en: ZeroDivisionError (division by zero)"
        )
    }
    assert not any("A tip for" in str(mail.message["Subject"]) for mail in stack.mail.received)
    assert_accessible(browser)

    # The page itself still shows, with the preview's place saying what is wrong.
    browser.get(url)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".preview-problems")))
    assert browser.find_elements(By.CSS_SELECTOR, "article.render") == []
    assert browser.find_elements(By.CSS_SELECTOR, "section.test-send") == []
    assert problems(browser, ".preview-problems") == {
        "template_failed": (
            "template 'tip' does not render in ja: ZeroDivisionError (division by zero)"
        )
    }
    field = browser.find_element(By.CSS_SELECTOR, ".preview-problems .field-name").text
    assert field == "templates.tip.ja"
    assert_accessible(browser)
    screenshot(browser, "console-playbook-preview-problem")

    switch_language(browser, "ja")
    alert = browser.find_element(By.CSS_SELECTOR, ".preview-problems")
    assert alert.find_element(By.TAG_NAME, "p").text == (
        "notify がこのステップを表示できないため、プレビューもテスト送信もできません："
    )
    assert problems(browser, ".preview-problems") == {
        "template_failed": (
            "テンプレート「tip」を ja で表示できません：ZeroDivisionError（division by zero）"
        )
    }
    assert_accessible(browser)
    screenshot(browser, "console-playbook-preview-problem-ja")
