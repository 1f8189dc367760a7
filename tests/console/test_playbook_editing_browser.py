"""Changing a playbook in a real Chromium: an administrator's misspelt template variable is
refused with notify's message on its line and the YAML kept; a fix saved as a new version; the
playbook turned off and on; the versions with who made each, a version saved through the API by
its token's name; in English and Japanese. Notify and ingest are real (see stack.py); the playbook
is the built-in onboarding guide (no other test uses it)."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from .browser import (
    assert_accessible,
    editor_text,
    screenshot,
    sign_in,
    switch_language,
    type_draft,
    wait,
)
from .stack import ADMIN_TOKEN, SECRET, Stack, create_user

EDITOR = "playbook-yaml"

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

PLAYBOOK = "onboarding-first-key-action"
SUBJECT = "your first step in {{ product.name }}"


def submit(browser: webdriver.Chrome, selector: str) -> None:
    old = browser.find_element(By.TAG_NAME, "main")
    browser.find_element(By.CSS_SELECTOR, selector).click()
    wait(browser).until(ec.staleness_of(old))


def versions(browser: webdriver.Chrome) -> dict[str, str]:
    return {
        row.get_attribute("data-version") or "": " ".join(row.text.split())
        for row in browser.find_elements(By.CSS_SELECTOR, "table.versions tbody tr")
    }


def test_an_administrator_edits_switches_and_reads_the_versions_of_a_playbook(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    sign_in(browser, stack, "aiko@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/playbooks/{PLAYBOOK}")
    wait(browser).until(ec.presence_of_element_located((By.ID, "playbook-yaml")))
    original = editor_text(browser, EDITOR)
    assert SUBJECT in original
    assert versions(browser) == {"1": "1 (current) Built in — On"}
    assert_accessible(browser)

    # A misspelt template variable: refused, named on its line with notify's suggestion, kept.
    misspelt = original.replace(SUBJECT, SUBJECT.replace("product.name", "product.nmae"))
    type_draft(browser, EDITOR, misspelt)
    submit(browser, ".playbook-edit .yaml-form button[type=submit]")
    [problem] = browser.find_elements(By.CSS_SELECTOR, "li.yaml-problem")
    line = int(problem.get_attribute("data-line") or 0)
    assert misspelt.split("\n")[line - 1].strip().startswith("subject:")
    text = " ".join(problem.text.split())
    assert text.startswith(f"Line {line} · templates.onboarding_guide.en.subject —")
    assert "unknown variable 'product.nmae'" in text
    assert "did you mean 'product.name'?" in text
    assert editor_text(browser, EDITOR) == misspelt
    [marked] = browser.find_elements(By.CSS_SELECTOR, ".yaml-gutter span.problem")
    assert marked.get_attribute("textContent") == str(line)
    assert versions(browser) == {"1": "1 (current) Built in — On"}
    assert_accessible(browser)
    screenshot(browser, "console-playbook-edit-problem")

    # Fixed and changed: a new version, made by this administrator.
    changed = original.replace(SUBJECT, "your first five minutes in {{ product.name }}")
    type_draft(browser, EDITOR, changed)
    submit(browser, ".playbook-edit .yaml-form button[type=submit]")
    assert browser.find_element(By.CSS_SELECTOR, ".playbook-edit .saved").text == (
        "Saved as version 2."
    )
    assert editor_text(browser, EDITOR) == changed
    saved = versions(browser)
    assert saved["2"].startswith("2 (current)")
    # by the administrator, named as a person reads it (not notify's audit string)
    assert saved["2"].endswith(" aiko@vendor.example On")
    assert "console:" not in saved["2"]
    assert "token" not in saved["2"]

    # Off, then on again: each a version, the switch's state on the page.
    submit(browser, ".playbook-edit form.switch button[value=off]")
    assert browser.find_element(By.CSS_SELECTOR, ".playbook-edit .saved").text.startswith(
        "The playbook is off (version 3)"
    )
    assert "Off" in browser.find_element(By.TAG_NAME, "h1").text
    assert versions(browser)["3"].endswith("Off")
    assert_accessible(browser)
    screenshot(browser, "console-playbook-versions")
    submit(browser, ".playbook-edit form.switch button[value=on]")
    assert versions(browser)["4"].endswith("On")
    assert "On" in browser.find_element(By.TAG_NAME, "h1").text

    switch_language(browser, "ja")
    assert browser.find_element(By.ID, "edit-title").text == "このプレイブックを変更"
    # the built-in, saved as the administrator's own versions, keeps its Japanese name
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(
        "最初の主要な操作が未完了の新規ユーザーへのオンボーディング案内"
    )
    type_draft(browser, EDITOR, misspelt)
    submit(browser, ".playbook-edit .yaml-form button[type=submit]")
    [problem] = browser.find_elements(By.CSS_SELECTOR, "li.yaml-problem")
    worded = " ".join(problem.text.split())
    assert worded.startswith(
        f"{line} 行目 · templates.onboarding_guide.en.subject — "
        "テンプレート「onboarding_guide」（ロケール en）の変数「product.nmae」は使えません"
    )
    assert "「product.name」の誤りではありませんか？" in worded
    assert editor_text(browser, EDITOR) == misspelt
    assert versions(browser)["4"].endswith("有効")
    assert_accessible(browser)
    screenshot(browser, "console-playbook-edit-problem-ja")


def test_only_administrators_change_playbooks(stack: Stack, browser: webdriver.Chrome) -> None:
    sign_in(browser, stack, "hanako@vendor.example")  # an editor of ws_a
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    browser.get(f"{stack.console_url}/w/ws_a/playbooks/{PLAYBOOK}")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.render")))
    assert browser.find_elements(By.CSS_SELECTOR, ".playbook-edit") == []


DEPLOYED = """
id: deployed-tip
name: {en: Tip deployed from CI, ja: CI から配備したヒント}
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
templates:
  tip:
    en: {subject: "A tip", text: "Schedule your report."}
    ja: {subject: "ヒント", text: "レポートを予約しましょう。"}
"""


def test_a_version_saved_through_the_api_names_its_token(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    # a workspace of its own: its token is listed on no other test's sources page
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    created = httpx.post(
        f"{stack.ingest_url}/v1/admin/workspaces", json={"name": "CI deploys"}, headers=admin
    )
    assert created.status_code == 201, created.text
    ws = created.json()["workspace_id"]
    issued = httpx.post(
        f"{stack.ingest_url}/v1/admin/workspaces/{ws}/tokens",
        json={"name": "deploy from CI", "scopes": ["admin"], "expires_in_days": 1},
        headers=admin,
    )
    assert issued.status_code == 201, issued.text
    saved = httpx.put(
        f"{stack.notify_url}/v1/playbooks/deployed-tip",
        content=DEPLOYED,
        headers={
            "Authorization": f"Bearer {issued.json()['token']}",
            "Content-Type": "application/yaml",
        },
    )
    assert saved.status_code in {200, 201}, saved.text

    env = {
        **os.environ,
        "BANSO_ENV": "test",
        "BANSO_SECRET": SECRET,
        "BANSO_DATA_DIR": str(stack.data),
    }
    operator = f"ci-{uuid.uuid4().hex[:6]}@vendor.example"
    create_user(env, operator, "admin", [ws])

    sign_in(browser, stack, operator)
    wait(browser).until(ec.url_contains("/accounts"))
    browser.get(f"{stack.console_url}/w/{ws}/playbooks/deployed-tip")
    # the token by the name it was issued with (ingest's), not its id
    assert versions(browser)["1"].endswith(" API token deploy from CI On")
    assert issued.json()["token_id"] not in browser.find_element(By.TAG_NAME, "main").text
    switch_language(browser, "ja")
    assert versions(browser)["1"].endswith(" API トークン deploy from CI 有効")
