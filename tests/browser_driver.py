"""Headless Debian Chromium driven by Selenium, for tests of the pages people use.

The browser is Debian's `chromium` with its `chromium-driver` (installed by
`scripts/ensure-chromium.sh`); Selenium is pointed at both paths so it never tries to download
a browser or driver. Without them the browser tests skip, except under CI=true, where that is
a failure. Screenshots go to `BROWSER_ARTEFACTS` (default `artefacts/browser/` in the checkout),
the path the README names.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("NEETMAP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NEETMAP_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTEFACTS = Path(os.environ.get("BROWSER_ARTEFACTS", REPO_ROOT / "artefacts" / "browser"))

#: Flags for a closed network: without the background-networking ones Chromium keeps trying
#: to reach Google's hosts at every start.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def require_browser() -> None:
    """Skip (or, in CI, fail) when Debian's chromium and chromium-driver are not installed."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    if not missing:
        return
    message = f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[object]:
    """A fresh headless Chromium (its own empty profile) with browser console logs collected."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="neetmap-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: object) -> list[dict[str, object]]:
    """The browser console's SEVERE entries since the last call."""
    logs: list[dict[str, object]] = driver.get_log("browser")  # type: ignore[attr-defined]
    return [entry for entry in logs if entry.get("level") == "SEVERE"]


def save_screenshot(driver: object, name: str) -> Path:
    """Save a PNG of the current page under ARTEFACTS and return its path."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    return path
