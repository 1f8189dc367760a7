"""A nudge held for its person's identify, on the account page in a real Chromium: the CSM reads
that it waits for the person's details, and the playbook by its name (not its id) in the reader's
language; a nudge of the same moment to the account's CSM names the CSM (not their id), in
English and Japanese; the account's owner, whose `csm` trait is an object, by name and e-mail;
the tables' short headers each on one line on a laptop in Japanese, wrapping again on a phone.
Notify is real (see stack.py);
the playbook and the account live in the operator's own workspace, so no other test sees them."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_kit.auth import Scope, issue_token
from tests.notify.service.support import account_traits, identified, used
from tests.scoring.service.support import publish
from tests.support.waiting import eventually

from .browser import (
    assert_accessible,
    screenshot,
    sign_in,
    switch_language,
    wait,
    widths_with_headers_unwrapped,
    wrapped_headers,
)
from .stack import OPERATOR, SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]

HANDOVER = """
id: handover-welcome
name: {en: Welcome after a hand-over, ja: 引き継ぎ後のご挨拶}
trigger: {type: usage_event, event: Handover Requested}
steps:
  - send: {channel: email, template: welcome}
templates:
  welcome:
    en: {subject: "Welcome, {{ user.name or 'there' }}", text: "Your team is ready."}
    ja: {subject: "{{ user.name or 'ご担当者' }} 様、ようこそ", text: "チームの準備ができました。"}
"""

# The same moment tells the account's CSM, by e-mail.
HANDOVER_CSM = """
id: handover-csm
name: {en: Tell the CSM of a hand-over, ja: 引き継ぎを担当 CSM に知らせる}
trigger: {type: usage_event, event: Handover Requested}
recipient: {kind: csm}
steps:
  - send: {channel: email, template: told}
templates:
  told:
    en: {subject: "{{ account.name }} asked for a hand-over", text: "Say hello."}
    ja: {subject: "{{ account.name }} から引き継ぎの依頼", text: "ご挨拶を。"}
"""
CSM = {"id": "csm_7", "email": "kei@vendor.example", "name": "Kei Sato"}


def _headers(stack: Stack, scope: Scope) -> dict[str, str]:
    token = issue_token(SECRET, stack.ingest_workspace, [scope])
    return {"Authorization": f"Bearer {token}"}


def _names_its_playbook(browser: webdriver.Chrome, stack: Stack, name: str) -> None:
    """The nudge's Playbook cell reads the playbook's name and leads to the playbook's page."""
    link = browser.find_element(By.CSS_SELECTOR, "section.nudges td a[href$='/handover-welcome']")
    assert link.text == name
    assert link.get_attribute("href") == (
        f"{stack.console_url}/w/{stack.ingest_workspace}/playbooks/handover-welcome"
    )
    assert "handover-welcome" not in browser.find_element(By.CSS_SELECTOR, "section.nudges").text


def _to_the_csm(browser: webdriver.Chrome) -> str:
    """The To cell of the nudge to the account's CSM."""
    row = browser.find_element(
        By.XPATH, "//section[@class='nudges']//tr[td/a[contains(@href, '/handover-csm')]]"
    )
    return row.find_elements(By.TAG_NAME, "td")[3].text


def _owner(browser: webdriver.Chrome) -> str:
    """The account's Owner, as the Account card shows it."""
    return " ".join(browser.find_element(By.CSS_SELECTOR, "section.facts dd.owner").text.split())


def test_a_nudge_waiting_for_its_persons_identify_says_so_on_the_account_page(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    ws = stack.ingest_workspace
    for playbook_id, yaml in (("handover-welcome", HANDOVER), ("handover-csm", HANDOVER_CSM)):
        saved = httpx.put(
            f"{stack.notify_url}/v1/playbooks/{playbook_id}",
            content=yaml,
            headers={**_headers(stack, "admin"), "Content-Type": "application/yaml"},
        )
        assert saved.status_code in {200, 201}, saved.text
    # long enough for the page to be read while the nudge still waits
    policy = httpx.put(
        f"{stack.notify_url}/v1/policy",
        json={"address_wait_s": 900},
        headers=_headers(stack, "admin"),
    )
    assert policy.status_code == 200, policy.text
    # The workspace identifies its people (Ben); Cy's first event comes before her identify.
    events = [
        account_traits("waitco", ws=ws, name="Waitco", csm=CSM),
        identified("ben", "waitco", ws=ws),
        used("cy", "waitco", event="Handover Requested", ws=ws),
    ]
    asyncio.run(publish(stack.kafka_bootstrap, stack.topic_prefix, events))

    def held() -> bool:
        nudges = httpx.get(
            f"{stack.notify_url}/v1/nudges",
            params={"account_id": "waitco"},
            headers=_headers(stack, "read"),
        ).json()
        to_cy = [(n["state"], n["reason"]) for n in nudges if n["recipient"]["kind"] == "user"]
        to_csm = [n["recipient"] for n in nudges if n["recipient"]["kind"] == "csm"]
        return to_cy == [("held", "awaiting_person")] and to_csm == [
            {"kind": "csm", "id": "csm_7", "name": "Kei Sato"}
        ]

    asyncio.run(eventually(held))

    sign_in(browser, stack, OPERATOR)
    wait(browser).until(ec.url_contains("/accounts"))
    browser.get(f"{stack.console_url}/w/{ws}/accounts/waitco")
    nudges = browser.find_element(By.CSS_SELECTOR, "section.nudges")
    assert "Waiting for the person's details (name, language, address)" in nudges.text
    _names_its_playbook(browser, stack, "Welcome after a hand-over")
    assert _to_the_csm(browser) == "Kei Sato the account's CSM"
    assert "csm_7" not in nudges.text
    assert _owner(browser) == "Kei Sato kei@vendor.example"
    assert_accessible(browser)
    screenshot(browser, "console-account-waiting-person")

    switch_language(browser, "ja")
    nudges = browser.find_element(By.CSS_SELECTOR, "section.nudges")
    assert "利用者の情報（名前・言語・宛先）の到着待ち" in nudges.text
    _names_its_playbook(browser, stack, "引き継ぎ後のご挨拶")  # its author gave a Japanese name
    assert _to_the_csm(browser) == "Kei Sato 担当 CSM"
    assert _owner(browser) == "Kei Sato kei@vendor.example"
    # 1,280 px wide: no header wraps (Japanese wraps between any two characters: チャネ/ル)
    for table in ("section.nudges table", "section.measures table"):
        assert wrapped_headers(browser, table) == [], table
    assert_accessible(browser)
    screenshot(browser, "console-account-waiting-person-ja")

    # On a phone the headers wrap again rather than widen the table past the screen.
    browser.set_window_size(390, 844)
    shown, unwrapped = widths_with_headers_unwrapped(browser, "section.nudges table")
    assert shown < unwrapped
