"""The labelled pairs kg link is measured on: the Kazakhstan documents' hand links and the dev set's
hand-labelled file name real reports, the counts follow from the annotations, and on both sets the
linker finds the true pairs it is known to find and none of the hard negatives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.link.decisions import read_yaml
from kg.link.measure import (
    ROOT,
    corpus_graph,
    hand_links,
    load_true_pairs,
    meltt_links,
    scorer_links,
    strip_links,
    universe,
)
from kg.link.records import ReportRecord, read_reports
from kg.namespaces import DEFAULT_BASE

REPORT = DEFAULT_BASE + "id/report/"
DEV_PAIRS = ROOT / "tests" / "cases" / "link" / "dev-set-pairs.yaml"


def _reports(registry: Path, articles: Path) -> tuple[list[ReportRecord], list[ReportRecord]]:
    graph = corpus_graph(registry, articles)
    return read_reports(graph), read_reports(strip_links(graph))


@pytest.fixture(scope="module")
def kazakhstan() -> tuple[list[ReportRecord], list[ReportRecord]]:
    return _reports(ROOT / "data" / "registry.yaml", ROOT / "data" / "articles")


@pytest.fixture(scope="module")
def dev_set() -> tuple[list[ReportRecord], list[ReportRecord]]:
    return _reports(
        ROOT / "tests" / "cases" / "extract" / "registry.yaml", ROOT / "tests" / "cases" / "extract" / "gold"
    )


def test_kazakhstan_hand_links(kazakhstan: tuple[list[ReportRecord], list[ReportRecord]]) -> None:
    hand, stripped = kazakhstan
    # 16 + 2 + 4 + 3 reports in four documents: (25² − 16² − 2² − 4² − 3²) / 2 = 170 cross-document pairs, and
    # the Logang massacre article's one report, paired with each of the 25: 195
    assert len(hand) == 26 and len(universe(stripped)) == 195
    # the unrest in four documents (6 pairs), Almaty in three (3), Zhanaozen in two (1)
    assert len(hand_links(hand)) == 10
    assert hand_links(stripped) == set()  # stripped: every report is its own event


def test_the_dev_set_labels_name_real_reports(dev_set: tuple[list[ReportRecord], list[ReportRecord]]) -> None:
    _, stripped = dev_set
    keys = {r.iri for r in stripped}
    data = read_yaml(DEV_PAIRS)
    for section in ("links", "hard_negatives"):
        for entry in data[section]:
            assert REPORT + entry["a"] in keys and REPORT + entry["b"] in keys, entry
            assert entry["why"]
    assert len(universe(stripped)) == 266


def test_the_linker_on_the_dev_set(dev_set: tuple[list[ReportRecord], list[ReportRecord]]) -> None:
    _, stripped = dev_set
    truth = load_true_pairs(DEV_PAIRS, DEFAULT_BASE)
    negatives = {tuple(sorted((REPORT + e["a"], REPORT + e["b"]))) for e in read_yaml(DEV_PAIRS)["hard_negatives"]}
    found = scorer_links(stripped)
    assert found == truth
    assert not found & negatives
    # the baseline takes the part for the whole: the church bombings for the whole series
    church = tuple(
        sorted(
            (
                REPORT + "wikipedia-en-2018-surabaya-bombings/church-bombings",
                REPORT + "wikipedia-id-2018-pengeboman-surabaya/pengeboman",
            )
        )
    )
    assert church in meltt_links(stripped)


def test_hand_links_are_between_documents() -> None:
    from dataclasses import replace

    one = ReportRecord(
        iri=REPORT + "doc-a/x",
        event="e",
        document="doc-a",
        dataset=False,
        start=dt.date(2024, 1, 1),
        end=None,
        precision="day",
        geo_precision=None,
        place=None,
        within=(),
        types=(),
        codes=(),
        actors=(),
        figures=(),
        labels=(),
    )
    same_doc = replace(one, iri=REPORT + "doc-a/y")
    other_doc = replace(one, iri=REPORT + "doc-b/z", document="doc-b")
    assert hand_links([one, same_doc, other_doc]) == {(one.iri, other_doc.iri), (same_doc.iri, other_doc.iri)}
