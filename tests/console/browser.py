"""Debian's Chromium driven by Selenium (chromium and chromium-driver packages), and axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .stack import PASSWORD, Stack

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "services" / "console" / "node_modules" / "axe-core" / "axe.min.js"


def chromium(language: str = "en-US,en") -> webdriver.Chrome:
    binary = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        raise AssertionError(
            "Debian's chromium and chromium-driver are needed: "
            "apt-get install -y chromium chromium-driver"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        f"--lang={language.split(',')[0]}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def serious_violations(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page in the browser."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make setup` (npm ci)")
    browser.execute_script(AXE.read_text())
    violations: list[dict[str, Any]] = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e)}]));"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v.get("help"),
            "nodes": len(v.get("nodes", [])),
        }
        for v in violations
        if v.get("impact") in {"serious", "critical"}
    ]


def console_errors(browser: webdriver.Chrome) -> list[str]:
    """Errors pages logged since the last call (script errors, refused by the CSP, missing
    assets), but the statuses pages answer with by design (a 400 query, a 401 or 422 form, a
    403 page, a 429 sign-in)."""
    entries: list[dict[str, Any]] = browser.get_log("browser")  # type: ignore[no-untyped-call]
    by_design = tuple(f"status of {status} " for status in (400, 401, 403, 422, 429))
    return [
        entry["message"]
        for entry in entries
        if entry.get("level") == "SEVERE" and not any(s in entry["message"] for s in by_design)
    ]


def wait(browser: webdriver.Chrome) -> WebDriverWait[webdriver.Chrome]:
    # A page being replaced by the next one: look again. Mid-navigation chromedriver can also
    # answer with a generic error ("Node with given id does not belong to the document").
    return WebDriverWait(
        browser,
        20,
        # Stale and missing elements, and that generic error, are all WebDriverExceptions.
        ignored_exceptions=(WebDriverException,),
    )


def sign_in(browser: webdriver.Chrome, stack: Stack, email: str, password: str = PASSWORD) -> None:
    if "/login" not in browser.current_url:
        browser.get(f"{stack.console_url}/login")
    browser.find_element(By.ID, "email").clear()
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()


def assert_accessible(browser: webdriver.Chrome) -> None:
    assert serious_violations(browser) == [], browser.current_url
    assert console_errors(browser) == [], browser.current_url


def switch_language(browser: webdriver.Chrome, to: str) -> None:
    browser.find_element(By.CSS_SELECTOR, "form.language button").click()
    wait(browser).until(lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == to)


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    """With BANSO_SCREENSHOTS set to a folder, keep the page as <folder>/<name>.png (the README's
    pictures: `BANSO_SCREENSHOTS=docs/screenshots pytest tests/console/test_*browser*.py`)."""
    folder = os.environ.get("BANSO_SCREENSHOTS")
    if folder:
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1280, min(max(int(height), 800), 2400))
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))
        browser.set_window_size(1280, 1000)


def wrapped_headers(browser: webdriver.Chrome, table: str) -> list[str]:
    """The header cells of the table (a CSS selector) whose text takes more than one line: its
    height is over 1.5 times the cell's line-height."""
    wrapped: list[str] | None = browser.execute_script(
        "const table = document.querySelector(arguments[0]);"
        "if (!table) return null;"
        "return [...table.querySelectorAll('thead th')].filter(th => {"
        "  const text = document.createRange(); text.selectNodeContents(th);"
        "  const line = parseFloat(getComputedStyle(th).lineHeight);"
        "  return text.getBoundingClientRect().height > 1.5 * line;"
        "}).map(th => th.textContent.trim());",
        table,
    )
    assert wrapped is not None, f"no {table} on {browser.current_url}"
    return wrapped


def widths_with_headers_unwrapped(browser: webdriver.Chrome, table: str) -> tuple[int, int]:
    """The table's width as shown, and as it would be with each header kept on one line."""
    widths: list[int] = browser.execute_script(
        "const table = document.querySelector(arguments[0]);"
        "const heads = [...table.querySelectorAll('thead th')];"
        "const shown = table.scrollWidth;"
        "heads.forEach(th => th.style.whiteSpace = 'nowrap');"
        "const unwrapped = table.scrollWidth;"
        "heads.forEach(th => th.style.whiteSpace = '');"
        "return [shown, unwrapped];",
        table,
    )
    return widths[0], widths[1]


def editor_text(browser: webdriver.Chrome, editor_id: str) -> str:
    """The text of a YAML editor (a textarea) as the page holds it."""
    value: str = browser.execute_script(f"return document.getElementById('{editor_id}').value")
    return value


def type_draft(browser: webdriver.Chrome, editor_id: str, text: str) -> None:
    """Put a whole draft in a YAML editor (as a paste would) and let the page see the change."""
    editor = browser.find_element(By.ID, editor_id)
    browser.execute_script("arguments[0].value = arguments[1];", editor, text)
    editor.send_keys(" ")  # a keystroke of the user's own, so the field is really edited
    browser.execute_script("arguments[0].value = arguments[0].value.slice(0, -1);", editor)
