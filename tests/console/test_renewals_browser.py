"""The portfolio for the CS lead, in a real Chromium: the renewals of the next 90 days by band,
with the soonest accounts, in English and Japanese (scoring's portfolio, sorted by renewal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from banso_kit.auth import issue_token

from .browser import assert_accessible, screenshot, sign_in, switch_language, wait
from .stack import SECRET, Stack

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.timeout(600)]


def test_the_portfolio_shows_the_renewals_of_the_next_90_days_by_band(
    stack: Stack, browser: webdriver.Chrome
) -> None:
    token = issue_token(SECRET, "ws_a", ["read"])
    listed = httpx.get(
        f"{stack.scoring_url}/v1/portfolio",
        params={"limit": "500"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["accounts"]
    now = datetime.now(UTC)
    due = sorted(
        (
            a
            for a in listed
            if a["renewal_at"]
            and now <= datetime.fromisoformat(a["renewal_at"]) < now + timedelta(days=90)
        ),
        key=lambda a: a["renewal_at"],
    )
    assert due, listed  # the stack's accounts renew within the quarter: something to show
    expected: dict[str, tuple[int, float]] = {}
    for account in due:
        count, arr = expected.get(account["band"], (0, 0.0))
        expected[account["band"]] = (count + 1, arr + (account["arr"] or 0.0))

    sign_in(browser, stack, "hanako@vendor.example")
    wait(browser).until(ec.url_contains("/w/ws_a/accounts"))
    section = browser.find_element(By.CSS_SELECTOR, "section.renewals")
    assert section.find_element(By.TAG_NAME, "h2").text == "Renewals in the next 90 days"
    rows = section.find_elements(By.CSS_SELECTOR, "table.renewals-by-band tbody tr")
    shown = {
        row.get_attribute("data-band"): row.find_elements(By.TAG_NAME, "td")[0].text for row in rows
    }
    assert shown == {band: str(count) for band, (count, _) in expected.items()}
    total = section.find_element(By.CSS_SELECTOR, "tfoot").text
    assert f"${sum(arr for _, arr in expected.values()):,.0f}" in total
    soonest = [
        li.get_attribute("data-account")
        for li in section.find_elements(By.CSS_SELECTOR, ".soonest li")
    ]
    assert soonest == [a["account_id"] for a in due[:5]]
    assert_accessible(browser)
    screenshot(browser, "console-portfolio-renewals")

    switch_language(browser, "ja")
    section = browser.find_element(By.CSS_SELECTOR, "section.renewals")
    assert section.find_element(By.TAG_NAME, "h2").text == "今後 90 日以内の更新"
    assert "更新日が近いアカウント" in section.text
    assert_accessible(browser)
