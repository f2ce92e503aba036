""" "Since the start of the year" is bounded by the document's date (issue 14): a report dated to the
start of a year lasts from 1 January to the day its document was published, unless it gives an end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.annotation import load_corpus
from kg.mapping import build_graph
from kg.namespaces import DEFAULT_BASE, KGO

MINIMAL = Path(__file__).parent / "cases" / "mapping" / "minimal"
REPORT = URIRef(DEFAULT_BASE + "id/report/testville-2023-03-03/rally")


def _mapped(tmp_path: Path, edit: dict[str, str]) -> Graph:
    case = tmp_path / "case"
    shutil.copytree(MINIMAL, case)
    ann = next((case / "articles").glob("*/annotation.yaml"))
    text = ann.read_text()
    for old, new in edit.items():
        assert old in text
        text = text.replace(old, new)
    ann.write_text(text)
    return build_graph(load_corpus(case / "registry.yaml", [ann]), DEFAULT_BASE).graph


def _day(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


DAY = "date: 2023-03-03\n    precision: day"


@pytest.mark.parametrize(
    ("edit", "end"),
    [
        # the minimal article was published on 4 March 2023: "since the start of the year" is 1 January to 4 March
        ({DAY: "date: 2023\n    precision: start-of-year"}, "2023-03-04"),
        # an end the source gives is kept
        ({DAY: "date: 2023\n    precision: start-of-year\n    end_date: 2023-02-01"}, "2023-02-01"),
        # other precisions get no end from the document's date
        ({DAY: "date: 2023-03\n    precision: month"}, None),
    ],
    ids=["to-publication", "given-end", "month-unbounded"],
)
def test_start_of_year_ends_on_the_document_date(tmp_path: Path, edit: dict[str, str], end: str | None) -> None:
    g = _mapped(tmp_path, edit)
    assert (REPORT, KGO.startDate, None) in g
    assert set(g.objects(REPORT, KGO.endDate)) == ({_day(end)} if end else set())


def test_the_seed_reports_since_the_start_of_2022_end_on_10_january(seed_graph: Graph) -> None:
    """Tokayev's "sejak awal tahun ini", reported on 10 January 2022: 1 to 10 January."""
    base = DEFAULT_BASE + "id/report/csto-kazakhstan-2022-01-10/"
    for key in ("kazakhstan-unrest", "fuel-price-demonstrations"):
        report = URIRef(base + key)
        assert seed_graph.value(report, KGO.startDate) == _day("2022-01-01")
        assert set(seed_graph.objects(report, KGO.endDate)) == {_day("2022-01-10")}
