"""The submission pages in a real browser (Debian chromium): an officer checks a file with a bad
row, reads the report, uploads the fixed file and confirms; a moderator publishes one record
and rejects the other with a reason; the officer sees both, edits one with the typology
checkboxes and withdraws the other; the published record is in the public API. And a page on
a configured write origin makes a CORS write request.

The shared helpers are `tests/browser_driver.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.main import create_app
from api.settings import Settings
from tests.api.partner_keys import LEEDS, Keys, issue_keys
from tests.browser_driver import chromium, console_errors, require_browser, save_screenshot
from tests.live_server import serve_app
from tests.workbook_files import xlsx

HEADER = ["name", "la_codes", "age_min", "age_max", "target_groups", "intervention_types"]
WAIT_S = 20


@pytest.fixture
def keys(session: Session, boundaries: Engine) -> Iterator[Keys]:
    """After `session`, so its clean-up of interventions runs after the history is deleted."""
    require_browser()
    yield from issue_keys(boundaries)


def _wait(driver: Any, condition: Any) -> Any:
    """Wait for a condition; lists the page re-renders (after each action) may go stale
    under a check, which then simply runs again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(condition)


def _text_in(element_id: str, text: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return ec.text_to_be_present_in_element((By.ID, element_id), text)


def _paste_key(driver: Any, key: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, "key")
    field.clear()
    field.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()


def _check(driver: Any, path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "#upload-form button[type=submit]").click()


def _row_of(driver: Any, table: str, name: str) -> Any:
    from selenium.webdriver.common.by import By

    def found(d: Any) -> Any:
        for row in d.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr"):
            if row.find_elements(By.TAG_NAME, "td") and name in row.text:
                return row
        return False

    return _wait(driver, found)


def test_an_officer_submits_a_file_and_a_moderator_publishes_it(
    settings: Settings, keys: Keys, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    bad = [
        HEADER,
        ["Leeds Pathways", LEEDS, 16, 18, "NEET", "mentoring"],
        ["Leeds Summer Bridge", LEEDS, 15, 16, "sned", "transition support"],
    ]
    (tmp_path / "plan.xlsx").write_bytes(xlsx(bad))
    bad[2][4] = "SEND"
    (tmp_path / "plan-fixed.xlsx").write_bytes(xlsx(bad))
    (tmp_path / "scan.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    with serve_app(create_app(settings)) as base, chromium() as driver:
        driver.get(f"{base}/submit")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Submit your LA's interventions"
        _paste_key(driver, "nm_notakey_0000")
        _wait(driver, _text_in("key-error", "not accepted"))
        _paste_key(driver, f"  {keys.leeds[:20]}  {keys.leeds[20:]} ")  # pasted with spaces
        _wait(driver, _text_in("status", "Key accepted"))

        _check(driver, tmp_path / "scan.xlsx")
        _wait(driver, _text_in("status", "PDF document, not a spreadsheet"))

        _check(driver, tmp_path / "plan.xlsx")
        _wait(driver, _text_in("report-summary", "1 problem to fix"))
        problem = driver.find_element(By.CSS_SELECTOR, "#problems tbody tr")
        cells = [td.text for td in problem.find_elements(By.TAG_NAME, "td")]
        assert cells[:4] == ["3", "E3", "target_groups", "sned"]
        assert cells[5] == "Did you mean 'send'?"
        assert not driver.find_element(By.ID, "confirm").is_displayed()
        save_screenshot(driver, "submit-report")

        _check(driver, tmp_path / "plan-fixed.xlsx")
        _wait(driver, _text_in("report-summary", "no problems"))
        driver.find_element(By.ID, "confirm").click()
        _wait(driver, _text_in("status", "2 record(s) are waiting for a moderator"))
        for name in ("Leeds Pathways", "Leeds Summer Bridge"):
            assert "Waiting for a moderator" in _row_of(driver, "records", name).text

        driver.get(f"{base}/submit/moderation")  # the same tab: the key stays for the tab
        driver.find_element(By.ID, "key-forget").click()
        _paste_key(driver, keys.moderator)
        _wait(driver, _text_in("queue", "Leeds Summer Bridge"))
        articles = driver.find_elements(By.CSS_SELECTOR, "#queue article")
        by_name = {a.find_element(By.TAG_NAME, "h3").text: a for a in articles}
        assert "Target groups" in by_name["Leeds Pathways"].text  # the diff, in words
        save_screenshot(driver, "submit-moderation")
        by_name["Leeds Pathways"].find_element(By.XPATH, ".//button[text()='Publish']").click()
        _wait(driver, _text_in("status", "was published"))
        _wait(driver, lambda d: _article(d, "Leeds Pathways") is False)  # the queue re-rendered
        article = _wait(driver, lambda d: _article(d, "Leeds Summer Bridge"))
        article.find_element(By.TAG_NAME, "textarea").send_keys("Give the programme's web page.")
        article.find_element(By.XPATH, ".//button[text()='Reject']").click()
        _wait(driver, _text_in("status", "was rejected"))

        driver.find_element(By.ID, "key-forget").click()
        driver.get(f"{base}/submit")
        _paste_key(driver, keys.leeds)
        assert "Published" in _row_of(driver, "records", "Leeds Pathways").text
        rejected = _row_of(driver, "records", "Leeds Summer Bridge")
        _wait(driver, _text_in("records", "Give the programme's web page."))

        public = httpx.get(f"{base}/api/v1/interventions", params={"q": "Pathways"}).json()
        assert [item["name"] for item in public["items"]] == ["Leeds Pathways"]

        row = _row_of(driver, "records", "Leeds Pathways")
        row.find_element(By.XPATH, ".//button[text()='Edit']").click()
        _wait(driver, lambda d: d.find_element(By.ID, "edit").is_displayed())
        care = driver.find_element(By.ID, "f-target_group-care_experienced")
        label = driver.find_element(By.CSS_SELECTOR, "label[for='f-target_group-care_experienced']")
        assert label.text == "Care experienced"  # a labelled checkbox
        care.click()
        driver.find_element(By.CSS_SELECTOR, "#edit-form button[type=submit]").click()
        _wait(driver, _text_in("status", "sent to a moderator"))
        _wait(
            driver, lambda d: "An edit is waiting" in _row_of(d, "records", "Leeds Pathways").text
        )

        rejected = _row_of(driver, "records", "Leeds Summer Bridge")
        rejected.find_element(By.XPATH, ".//button[text()='Withdraw']").click()
        driver.switch_to.alert.accept()
        _wait(driver, _text_in("status", "was withdrawn"))
        _wait(driver, lambda d: "Withdrawn" in _row_of(d, "records", "Leeds Summer Bridge").text)
        save_screenshot(driver, "submit-records")
        assert console_errors(driver) == [] or all(
            "401" in str(entry.get("message")) for entry in console_errors(driver)
        )


def _article(driver: Any, name: str) -> Any:
    from selenium.webdriver.common.by import By

    for article in driver.find_elements(By.CSS_SELECTOR, "#queue article"):
        if article.find_element(By.TAG_NAME, "h3").text == name:
            return article
    return False


PARTNER_PAGE = """<!doctype html><html lang="en"><title>Partner app</title>
<p id="result">waiting</p>
<script>
const params = new URLSearchParams(location.search);
const api = params.get("api"), key = params.get("key");
fetch(api + "/api/v1/interventions", {
  method: "POST",
  headers: {"Authorization": "Bearer " + key, "Content-Type": "application/json",
            "Idempotency-Key": "partner-app-1"},
  body: JSON.stringify({name: "From the partner app", la_codes: ["E08000035"]}),
}).then(async (r) => {
  const body = await r.json();
  const gone = await fetch(api + "/api/v1/interventions/" + body.id, {
    method: "DELETE", headers: {"Authorization": "Bearer " + key, "If-Match": body.etag}});
  document.getElementById("result").textContent = r.status + " " + gone.status;
}).catch((e) => { document.getElementById("result").textContent = "failed " + e; });
</script></html>"""


def _partner_app() -> Starlette:
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(PARTNER_PAGE)

    return Starlette(routes=[Route("/", page)])


def test_a_page_on_a_configured_origin_writes_across_origins(
    settings: Settings, keys: Keys
) -> None:
    from selenium.webdriver.common.by import By

    with serve_app(_partner_app()) as partner:
        allowed = settings.model_copy(update={"cors_write_origins": [partner]})
        with serve_app(create_app(allowed)) as api, chromium() as driver:
            query = httpx.QueryParams({"api": api, "key": keys.leeds})
            driver.get(f"{partner}/?{query}")
            _wait(driver, lambda d: d.find_element(By.ID, "result").text != "waiting")
            assert driver.find_element(By.ID, "result").text == "201 200"
        with serve_app(create_app(settings)) as closed, chromium() as driver:
            query = httpx.QueryParams({"api": closed, "key": keys.leeds})
            driver.get(f"{partner}/?{query}")
            _wait(driver, lambda d: d.find_element(By.ID, "result").text != "waiting")
            assert driver.find_element(By.ID, "result").text.startswith("failed")
            refused = [json.dumps(entry) for entry in console_errors(driver)]
            assert any("CORS" in entry or "Access-Control" in entry for entry in refused)
