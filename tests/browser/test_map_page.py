"""The map page in Debian's Chromium against a live server with the real May 2023 boundaries
and the sample: it draws every LA, its counts are the JSON API's for the same filter, a click
on Leeds lists Leeds's interventions, the gaps view and place search work, and the console
stays clean. Screenshots go to `artefacts/browser/`.

This directory has no `__init__.py` on purpose: `tests.browser` is the helper module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from api.main import create_app
from api.settings import Settings
from tests.browser_driver import chromium, console_errors, save_screenshot
from tests.live_server import serve_app

LEEDS = "E08000035"
WAIT_S = 60


@pytest.fixture
def live(boundaries: Engine, seeded: Session, settings: Settings) -> Iterator[str]:
    with serve_app(create_app(settings)) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def _api_counts(base: str, **filters: str) -> dict[str, int]:
    params = {"geometry": "none", "context": "false", **filters}
    features = httpx.get(f"{base}/api/v1/areas", params=params).json()["features"]
    return {f["properties"]["code"]: f["properties"]["intervention_count"] for f in features}


def _table(driver: Any) -> dict[str, str]:
    """The LA table beside the map: code → the value cell's text."""
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#la-rows tr')).map("
        "r => [r.dataset.code, r.querySelector('td.value').textContent]);"
    )
    return dict(rows)


def _wait(driver: Any, condition: Any, message: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT_S).until(condition, message)


def test_the_map_page_in_a_real_browser(live: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{live}/map")
    _wait(
        browser,
        lambda d: d.find_element(By.ID, "map").get_attribute("data-ready") == "true",
        "the map never finished loading",
    )
    shapes = browser.find_elements(By.CSS_SELECTOR, "path.la-shape")
    assert len(shapes) >= 150
    everything = _api_counts(live)
    assert _table(browser) == {code: str(n) for code, n in everything.items()}

    # A target group: the counts shown become the JSON API's for that filter.
    send = _api_counts(live, target_group="send")
    assert send != everything  # the filter changes something, so the check can fail
    Select(browser.find_element(By.ID, "f-target_group")).select_by_value("send")
    expected = {code: str(n) for code, n in send.items()}
    _wait(browser, lambda d: _table(d) == expected, "the table never showed the SEND counts")

    # Clicking Leeds on the map lists Leeds's interventions under the filter.
    listed = httpx.get(
        f"{live}/api/v1/interventions",
        params={"la": LEEDS, "target_group": "send", "limit": 100, "sort": "name"},
    ).json()
    assert listed["total"] > 0
    browser.find_element(By.CSS_SELECTOR, f'path[data-code="{LEEDS}"]').click()
    _wait(
        browser,
        lambda d: (
            d.find_element(By.ID, "details-title").text == "Leeds"
            and len(d.find_elements(By.CSS_SELECTOR, "#interventions > li")) == len(listed["items"])
        ),
        "clicking Leeds did not list Leeds's interventions",
    )
    names = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#interventions h3")]
    assert names == [item["name"] for item in listed["items"]]
    assert "Source:" in browser.find_element(By.ID, "interventions").text
    save_screenshot(browser, "map_page")

    # The gaps view: LAs with nothing for a target group at a transition point.
    Select(browser.find_element(By.ID, "f-target_group")).select_by_value("")
    browser.find_element(By.ID, "gaps-on").click()
    coverage = httpx.get(
        f"{live}/api/v1/coverage",
        params={"target_group": "care_experienced", "transition_point": "year_11_post_16"},
    ).json()
    gaps = {
        item["code"]: "Has provision" if item["covered"] else "Gap" for item in coverage["items"]
    }
    _wait(browser, lambda d: _table(d) == gaps, "the gaps view never matched /api/v1/coverage")
    save_screenshot(browser, "map_page_gaps")

    # Search by place name.
    place = browser.find_element(By.ID, "place")
    place.send_keys("Cornwall")
    browser.find_element(By.CSS_SELECTOR, "#find button[type=submit]").click()
    _wait(
        browser,
        lambda d: d.find_element(By.ID, "details-title").text == "Cornwall",
        "searching for Cornwall did not choose it",
    )
    assert console_errors(browser) == []


def test_home_page_links_and_offline_docs(live: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{live}/")
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a")}
    assert {f"{live}{path}" for path in ("/map", "/docs", "/ogc", "/submit")} <= hrefs
    browser.get(f"{live}/docs")
    _wait(
        browser,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 10,
        "Swagger UI did not render the operations from local assets",
    )
    sources = browser.execute_script(
        "return Array.from(document.querySelectorAll('script[src], link[href]')).map(e => e.src || e.href);"
    )
    assert all(src.startswith(live) or src.startswith("data:") for src in sources)
    assert console_errors(browser) == []
