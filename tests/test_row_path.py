"""The two writers of reports agree: dataset rows are written as N-Triples lines by kg.mapping.RowMapper
(for speed), articles through report_core, participation_core and figure_core on rdflib. For the
properties those functions write, both give reports, participations and figures the same kinds of value
(an IRI, or a literal of the same datatype), so a query written for one answers on the other."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node
from tests.datasets import BASE, NO_REGISTRY, import_graph

from kg.namespaces import KGO, SCHEMA
from kg.sources import ucdp

SAMPLE = Path(__file__).parent / "cases" / "ucdp" / "conflict_data_BGD.csv"

#: what report_core, participation_core and figure_core write, by the class of the resource
CORE: dict[URIRef, tuple[URIRef, ...]] = {
    KGO.Report: (KGO.reportOf, KGO.startDate, KGO.datePrecision, KGO.endDate, KGO.location, KGO.geoPrecision),
    KGO.Participation: (KGO.inEvent, KGO.inReport, KGO.agent, KGO.role),
    KGO.Figure: (
        KGO.figureOf,
        KGO.inReport,
        KGO.counts,
        KGO.qualifier,
        SCHEMA.value,
        SCHEMA.minValue,
        SCHEMA.maxValue,
        KGO.asOf,
    ),
}


@pytest.fixture(scope="module")
def rows() -> Graph:
    return import_graph(ucdp.DATASET, [SAMPLE], "bgd", NO_REGISTRY)[1]


def kinds(graph: Graph, cls: Node, prop: Node) -> set[str]:
    """The kinds of value `prop` has on the instances of `cls`: "IRI", or a literal's datatype."""
    return {
        "IRI" if isinstance(o, URIRef) else str(getattr(o, "datatype", None))
        for s in graph.subjects(RDF.type, cls)
        for o in graph.objects(s, prop)
    }


@pytest.mark.parametrize(("cls", "prop"), [(c, p) for c, props in CORE.items() for p in props])
def test_rows_and_articles_give_the_same_kind_of_value(
    seed_graph: Graph, rows: Graph, cls: URIRef, prop: URIRef
) -> None:
    in_articles, in_rows = kinds(seed_graph, cls, prop), kinds(rows, cls, prop)
    assert in_articles, f"no {prop} on a {cls} of the bundled articles: pick a property both paths write"
    assert in_rows == in_articles


def test_every_resource_of_a_class_has_what_both_paths_require(seed_graph: Graph, rows: Graph) -> None:
    """The properties every article report/participation/figure has, every row's has too."""
    for cls, props in CORE.items():
        for prop in props:
            everywhere_in_articles = all((s, prop, None) in seed_graph for s in seed_graph.subjects(RDF.type, cls))
            if everywhere_in_articles:
                missing = [s for s in rows.subjects(RDF.type, cls) if (s, prop, None) not in rows]
                assert not missing, f"{len(missing)} row {cls} without {prop}, e.g. {missing[0]}"


@pytest.mark.parametrize(
    ("dataset", "sample"),
    [("ucdp", SAMPLE), ("gdelt", Path(__file__).parent / "cases" / "gdelt" / "gdelt2_written.tsv")],
)
def test_lines_put_apart_are_the_unread_candidates_and_together_the_same_lines(dataset: str, sample: Path) -> None:
    """With the predicates validation reads, a row's lines are the same lines, some of them apart: only
    those of predicates the shapes do not read."""
    from kg.config import Settings
    from kg.mapping import RowMapper
    from kg.sources.dataset import get_dataset, import_files
    from kg.store import read_rdf
    from kg.validation_fast import read_predicates

    read = read_predicates(read_rdf([Settings().shapes_file]))
    assert read is not None
    imported = import_files(get_dataset(dataset), [sample], "x", NO_REGISTRY)
    whole = RowMapper(imported.release, NO_REGISTRY, BASE)
    split = RowMapper(imported.release, NO_REGISTRY, BASE, read=read)
    every = [line for report in imported.reports for line in whole.lines(report)]
    kept: list[str] = []
    apart: list[str] = []
    for report in imported.reports:
        kept += split.lines(report, apart)
    assert sorted(kept + apart) == sorted(every)
    assert apart and not {line.split(" ", 2)[1][1:-1] for line in apart} & read
    without = RowMapper(imported.release, NO_REGISTRY, BASE, read=read)  # no list to put them in: all lines
    assert [line for report in imported.reports for line in without.lines(report)] == every
