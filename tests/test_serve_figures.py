"""The event page of `kg serve` shows the event's figures as a table by as-of date and source, and a
linked event's page the figures of all its reports: on the bundled data the Logang massacre, reported by
an English Wikipedia article and by UCDP GED row 73811 and linked by data/links.yaml.

The server is uvicorn on a free port of 127.0.0.1 and the client httpx, over a real socket. The expected
rows are written by hand from data/articles/wikipedia-en-logang-massacre/annotation.yaml and
data/ucdp/bgd-sample/logang-1992.csv (row 73811: deaths_a 0, deaths_b 0, deaths_civilians 138,
deaths_unknown 0, low 138, best 138, high 300).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from kg.serve import ServeSettings, create_app
from servers import serve_in_thread

ID = "https://w3id.org/conflict-kg/id/"
ARTICLE_EVENT = ID + "event/wikipedia-en-logang-massacre/massacre"
UCDP_EVENT = ID + "event/ucdp-ged/bgd-sample/73811"
#: <base>id/event/linked/ + the first 16 hex digits of the SHA-256 of the sorted component IRIs joined by a newline
LINKED = ID + "event/linked/" + hashlib.sha256(f"{UCDP_EVENT}\n{ARTICLE_EVENT}".encode()).hexdigest()[:16]
UCDP_LABEL = "Government of Bangladesh - Civilians, Logang town, 1992-04-10"  # dyad, place, date (kg's row label)
STATE = "People's Republic of Bangladesh"
VICTIMS = "victims of the Logang massacre who were interviewed"


class _Table(HTMLParser):
    """The cells' text of every row of the table with the given id."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _table(html: str, table_id: str) -> list[list[str]]:
    parser = _Table(table_id)
    parser.feed(html)
    return parser.rows


@pytest.fixture(scope="module")
def url(built_dist: Path) -> Iterator[str]:
    with serve_in_thread(create_app(ServeSettings(dist_dir=built_dist, workers=1, timeout_s=30)), "/queries") as u:
        yield u


def _page(url: str, iri: str) -> str:
    response = httpx.get(url + "/" + iri.removeprefix("https://w3id.org/conflict-kg/"), headers={"Accept": "text/html"},
                         follow_redirects=True, timeout=60)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.text


def test_the_linked_event_page_shows_the_figures_of_both_reports_side_by_side(url: str) -> None:
    rows = _table(_page(url, LINKED), "figures")
    assert rows[0] == [
        "event",
        "as of",
        "source",
        "counts",
        "who",
        "value",
        "bounds",
        "qualifier",
        "claimant",
        "status",
    ]
    ucdp, article = "UCDP GED (bgd-sample)", "Logang massacre"
    assert rows[1:] == [
        # UCDP's five figures as of the row's end date; a day's figures by source, kind, who, value
        [UCDP_LABEL, "1992-04-10", ucdp, "killed", "", "138", "138–300", "about", "", "current"],
        [UCDP_LABEL, "1992-04-10", ucdp, "killed", "Civilians", "0", "", "exact", "", "current"],
        [UCDP_LABEL, "1992-04-10", ucdp, "killed", "Government of Bangladesh", "0", "", "exact", "", "current"],
        [UCDP_LABEL, "1992-04-10", ucdp, "killed", "civilians", "138", "", "exact", "", "current"],
        [UCDP_LABEL, "1992-04-10", ucdp, "killed", "unknown", "0", "", "exact", "", "current"],
        # the article's four, as of its retrieval date (its revision's date is unknown)
        [article, "2026-12-07", article, "displaced", "people who escaped to Tripura state in India", "2000", "≥ 2001",
         "more than", "", "current"],
        [article, "2026-12-07", article, "houses burned or destroyed", "houses burned", "545", "≥ 546", "more than",
         VICTIMS, "current"],
        [article, "2026-12-07", article, "killed", "", "12", "", "exact", STATE, "current"],
        [article, "2026-12-07", article, "killed", "", "400", "≥ 401", "more than", "", "current"],
    ]  # fmt: skip


def test_a_component_page_shows_its_own_figures_and_links_to_its_linked_event(url: str) -> None:
    html = _page(url, ARTICLE_EVENT)
    rows = _table(html, "figures")
    assert rows[0][0] == "as of"  # no event column: the figures are the page's own event's
    assert [(r[2], r[4], r[7]) for r in rows[1:]] == [
        ("displaced", "2000", ""),
        ("houses burned or destroyed", "545", VICTIMS),
        ("killed", "12", STATE),
        ("killed", "400", ""),
    ]
    incoming = _table(html, "incoming")
    assert ["one event of 2 linked events", "component (kgo:component)", ""] in incoming
    ucdp_rows = _table(_page(url, UCDP_EVENT), "figures")
    assert [r[4] for r in ucdp_rows[1:]] == ["138", "0", "0", "138", "0"]


def test_a_superseded_figure_is_shown_with_its_status(url: str) -> None:
    """The unrest in Kazakhstan: the early revision's 18 security forces killed is superseded by the current
    revision's 19; Tokayev's 16 stands, on his claim."""
    rows = _table(_page(url, ID + "event/kazakhstan-unrest-2022"), "figures")
    killed = {(r[3], r[4]): (r[0], r[7], r[8]) for r in rows[1:] if r[2] == "killed"}
    security = "Kazakh security forces (law enforcement and military)"
    assert killed[security, "16"] == ("2022-01-10", "Kassym-Jomart Tokayev", "current")
    assert killed[security, "18"] == ("2022-01-10", "", "superseded")
    assert killed[security, "19"] == ("2026-12-06", "", "current")
