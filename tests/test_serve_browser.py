"""What a person sees: headless Chromium (Debian's chromium + chromium-driver, via Selenium) browses
the summit's page and the query page of a real `kg serve`, and runs a query from the form."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.serve import ServeSettings, create_app
from servers import serve_in_thread

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KG_CHROMEDRIVER", "/usr/bin/chromedriver")
SUMMIT_PATH = "/id/event/csto-kazakhstan-2022-01-10/csto-summit"
ATTENDEES = (
    "Vladimir Putin",
    "Alexander Lukashenko",
    "Nikol Pashinyan",
    "Emomali Rahmon",
    "Akylbek Japarov",
    "Stanislav Zas",
)


@pytest.fixture(scope="module")
def server_url(built_dist: Path) -> Iterator[str]:
    with serve_in_thread(create_app(ServeSettings(dist_dir=built_dist)), "/queries") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    if missing:
        pytest.fail(
            f"headless Chromium is needed for the browser test but {', '.join(missing)} is missing: "
            "install it with `apt-get install -y chromium chromium-driver` (Debian) and `pip install selenium`"
        )
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1600",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shot(driver: Any, tmp_path: Path, name: str) -> Path:
    """Save a screenshot under the test's tmp_path (and copy it to $KG_SCREENSHOTS if set, to look at)."""
    path = tmp_path / name
    driver.save_screenshot(str(path))
    if os.environ.get("KG_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["KG_SCREENSHOTS"]) / name)
    return path


def _text(driver: Any, css: str) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.CSS_SELECTOR, css).text)


@pytest.mark.slow
def test_a_person_browses_the_summit(browser: Any, server_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server_url + SUMMIT_PATH)  # the resource IRI: 303 to the HTML document
    assert browser.current_url == f"{server_url}/doc{SUMMIT_PATH}"
    assert _text(browser, "h1#label") == "CSTO video summit on the situation in Kazakhstan"
    assert _text(browser, "#types") == "summit"  # the label of kgo:Summit
    properties = _text(browser, "#properties")
    for person in ATTENDEES:
        assert person in properties
    quotes = [q.text for q in browser.find_elements(By.CSS_SELECTOR, "#properties q.exact")]
    assert "Presiden Federasi Rusia Vladimir Putin" in quotes  # the evidence of Putin's attendance
    assert "Kerusuhan Kazakhstan, Tokayev Paparkan Situasi pada Pertemuan CSTO" in properties  # its article
    assert _shot(browser, tmp_path, "summit.png").stat().st_size > 10_000

    browser.find_element(By.LINK_TEXT, "Vladimir Putin").click()
    assert browser.current_url == f"{server_url}/doc/id/person/vladimir-putin"
    assert _text(browser, "h1#label") == "Vladimir Putin"


@pytest.mark.slow
def test_a_person_runs_a_query_from_the_query_page(browser: Any, server_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server_url}/query")
    stored = _text(browser, "#stored-queries")
    assert "meeting-participants" in stored
    _shot(browser, tmp_path, "query-page.png")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys(
        "SELECT ?name WHERE {\n"
        f"  <https://w3id.org/conflict-kg{SUMMIT_PATH}> kgo:attendee ?person .\n"
        '  ?person rdfs:label ?name FILTER(lang(?name) = "en")\n'
        "} ORDER BY ?name"
    )
    Select(browser.find_element(By.ID, "format")).select_by_value("html")
    browser.find_element(By.ID, "run").click()
    # The answer arrives after a round trip to /sparql: wait for it rather than race it.
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "#row-count"), "rows"))
    table = _text(browser, "table#results")
    for person in ATTENDEES:
        assert person in table
    assert _text(browser, "#row-count") == "7 rows"
    assert _shot(browser, tmp_path, "query-results.png").stat().st_size > 10_000
