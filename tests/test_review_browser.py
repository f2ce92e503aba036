"""What a curator does: headless Chromium (as in test_serve_browser.py) turns the draft `kg extract` made of an
invented article into a curated annotation on a real `kg review` server on 127.0.0.1, with the keyboard
(j/n, a, r, e) and the edit forms; `kg build` then accepts the project, and the file's comment survived.

With KG_SCREENSHOTS=docs the screenshots are also copied to docs/ (docs/review-*.png); a plain run writes
them only under the test's tmp_path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.cli import main
from kg.review.app import create_app
from servers import serve_in_thread
from test_review import COMMENT, KEY, make_draft_project, review_settings
from test_serve_browser import _shot, browser

__all__ = ["browser"]  # the browser fixture of test_serve_browser.py, shared

CURATED_ON = dt.date(2026, 3, 5)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_draft_project(tmp_path / "project").parent.parent.parent


@pytest.fixture
def review_url(project: Path) -> Iterator[str]:
    app = create_app(review_settings(project, today=CURATED_ON))
    with serve_in_thread(app, f"/doc/{KEY}", timeout_s=60, poll_s=0.1) as url:
        yield url


def _fact(driver: Any, kind: str, text: str) -> Any:
    """The fact of `kind` whose title or summary contains `text` (exactly one)."""
    from selenium.webdriver.common.by import By

    found = [
        f
        for f in driver.find_elements(By.CSS_SELECTOR, f"section.fact.{kind}")
        if text in f.find_element(By.CSS_SELECTOR, "h3").text + " " + f.text
    ]
    assert len(found) == 1, f"{len(found)} {kind} facts show {text!r}"
    return found[0]


def _after_reload(driver: Any, act: Any) -> None:
    """Do `act` (which submits a form) and wait until the next page has loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    act()
    WebDriverWait(driver, 60).until(ec.staleness_of(old))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _settled(driver: Any, read: Any) -> Any:
    """What `read` returns, retried while the page's script replaces the nodes it reads (up to 30 s)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    result: list[Any] = []

    def attempt(_driver: Any) -> bool:
        result[:] = [read()]
        return True

    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException, WebDriverException)).until(attempt)
    return result[0]


def _keys(driver: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(keys).perform()


def _note(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.ID, "note").text)


@pytest.mark.slow
def test_a_curator_turns_the_draft_into_a_curated_annotation(
    browser: Any, review_url: str, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    annotation = project / "data" / "articles" / KEY / "annotation.yaml"
    browser.get(review_url + "/")  # one draft: straight to its page
    assert browser.current_url == f"{review_url}/doc/{KEY}"
    marks = browser.find_elements(By.CSS_SELECTOR, "pre.text mark")
    assert "12 people were injured" in [m.text for m in marks]  # the injured figure's evidence, at its span
    selected = browser.find_element(By.CSS_SELECTOR, "section.fact.selected")
    assert "draft" in selected.get_attribute("class")  # the first fact to decide is selected on load
    _shot(browser, tmp_path, "review-page.png")
    first = selected.get_attribute("id")
    _keys(browser, "j")  # next fact to decide, and back
    second = browser.find_element(By.CSS_SELECTOR, "section.fact.selected").get_attribute("id")
    assert second != first
    _keys(browser, "k")
    assert browser.find_element(By.CSS_SELECTOR, "section.fact.selected").get_attribute("id") == first
    next(m for m in marks if m.text == "12 people were injured").click()  # a highlight selects its fact
    injured = browser.find_element(By.CSS_SELECTOR, "section.fact.selected")
    assert "figure" in injured.get_attribute("class").split()
    assert injured.find_element(By.CSS_SELECTOR, "blockquote").text == "12 people were injured"
    assert len(browser.find_elements(By.CSS_SELECTOR, "mark.selected")) == 1

    # reject: the police reported the protest, they did not take part in it (select it, press r)
    role = _fact(browser, "role", "participant: police")
    role.click()
    assert role.get_attribute("class").split().count("selected") == 1
    _after_reload(browser, lambda: _keys(browser, "r"))
    assert _note(browser) == "events.0.roles.0 rejected; the annotation conforms"
    assert "actor: police\n" not in annotation.read_text(encoding="utf-8")

    # edit: "More than 30 people were arrested" is Mayor Doe's claim, and "more than" (press e, pick from lists)
    figure = _fact(browser, "figure", "arrested")
    figure.click()
    _keys(browser, "e")
    Select(figure.find_element(By.NAME, "f-qualifier")).select_by_value("more-than")
    Select(figure.find_element(By.NAME, "f-according_to")).select_by_value("claim-1")
    _after_reload(browser, lambda: figure.find_element(By.CSS_SELECTOR, "details.edit button").click())
    assert "edited and accepted" in _note(browser)

    # an invalid edit: 30 February; the loader's message beside the fact, the file unchanged
    event = _fact(browser, "event", "armed-attack")
    before = annotation.read_bytes()
    event.click()
    _keys(browser, "e")
    date = event.find_element(By.NAME, "f-date")
    date.clear()
    date.send_keys("2026-02-30")
    _after_reload(browser, lambda: event.find_element(By.CSS_SELECTOR, "details.edit button").click())
    # read once the page's script has settled (it may replace a node just found: the driver then reports the node
    # as gone, "Node with given id does not belong to the document")
    message, classes = _settled(
        browser,
        lambda: (
            (ev := _fact(browser, "event", "armed-attack")).find_element(By.CSS_SELECTOR, "ul.messages").text,
            ev.get_attribute("class").split(),
        ),
    )
    assert "events.1.date: '2026-02-30' is an impossible date" in message
    assert annotation.read_bytes() == before
    assert "selected" in classes  # the page opens at the fact that failed
    event = _settled(browser, lambda: _fact(browser, "event", "armed-attack"))
    _shot(browser, tmp_path, "review-invalid-edit.png")
    date = event.find_element(By.NAME, "f-date")
    assert date.get_attribute("value") == "2026-02-30"  # what was typed is kept, to correct it
    date.clear()
    date.send_keys("2026-03-03")
    _after_reload(browser, lambda: event.find_element(By.CSS_SELECTOR, "details.edit button").click())
    assert "events.1 edited and accepted" in _note(browser)

    # accept the rest with the keyboard: n (next fact to decide), a (accept)
    for _ in range(20):
        left = browser.find_element(By.ID, "left").text
        if left == "every fact is decided":
            break
        _keys(browser, "n")
        _after_reload(browser, lambda: _keys(browser, "a"))
        assert "accepted; the annotation conforms" in _note(browser)
    assert browser.find_element(By.ID, "left").text == "every fact is decided"
    _after_reload(browser, lambda: browser.find_element(By.CSS_SELECTOR, "#curate button").click())
    assert browser.find_element(By.ID, "curated").text == "curated 2026-03-05"
    _shot(browser, tmp_path, "review-curated.png")

    text = annotation.read_text(encoding="utf-8")
    assert COMMENT in text  # the curator's comment survived every decision
    assert not re.search(r"^ *(- )?(status|rule|confidence):", text, re.MULTILINE)
    assert "curated: '2026-03-05'" in text
    assert "qualifier: more-than" in text and "according_to: [claim-1]" in text
    assert "date: '2026-03-03'" in text

    monkeypatch.chdir(project)
    assert main(["build"]) == 0  # the project's own kg.toml: the curated article is built
    built = (project / "dist" / "kg.nt").read_text(encoding="utf-8")
    assert f"/id/report/{KEY}/armed-attack-1>" in built
    assert "curationStatus" not in built
