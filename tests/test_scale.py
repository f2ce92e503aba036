"""The benchmark corpus generator and the fast SHACL engine, checked against pyshacl."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kg import pipeline
from kg.config import Settings
from kg.validation import Report, read_report, run_shacl
from kg.validation_fast import ShapesNotSupported, prepare_shapes, pyshacl_results, run_fast, validate_fast

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate

PER_KIND = 3


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, list[generate.Expected]]:
    """The small tier with three violations of every kind: mapped, then faulted at the RDF level."""
    corpus = generate.generate(tmp_path_factory.mktemp("bad"), "small", violations=PER_KIND)
    mapped = pipeline.map_corpus(Settings(articles_dir=corpus.articles, registry_file=corpus.registry))
    expected = generate.inject_violations(mapped.graph, PER_KIND) + generate.lonely_meeting_violations(corpus)
    return mapped.graph, expected


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate.generate(tmp_path / "a", "tiny")
    b = generate.generate(tmp_path / "b", "tiny")
    files = sorted(p.relative_to(a.root) for p in a.root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b.root) for p in b.root.rglob("*") if p.is_file())
    assert all((a.root / f).read_bytes() == (b.root / f).read_bytes() for f in files)


def test_generated_corpus_loads_maps_and_conforms(tmp_path: Path, shapes_graph: Graph, ontology_graph: Graph) -> None:
    corpus = generate.generate(tmp_path, "tiny")
    settings = Settings(articles_dir=corpus.articles, registry_file=corpus.registry)
    mapped = pipeline.map_corpus(settings)
    assert len(mapped.graph) > 2000
    report = pipeline.check(mapped, settings)
    assert report.conforms, report.lines()[:5]
    assert validate_fast(mapped.graph, shapes_graph, ontology_graph).conforms


def test_every_kind_is_injected(bad: tuple[Graph, list[generate.Expected]]) -> None:
    _, expected = bad
    kinds = {e.kind for e in expected}
    assert kinds == set(generate.iter_kinds())
    assert all(sum(e.kind == k for e in expected) == PER_KIND for k in kinds)


def test_pyshacl_reports_exactly_the_announced_violations(
    bad: tuple[Graph, list[generate.Expected]], shapes_graph: Graph, ontology_graph: Graph
) -> None:
    graph, expected = bad
    _, report = run_shacl(graph, shapes_graph, ontology_graph)
    assert sorted(r.key() for r in pyshacl_results(report)) == sorted((e.focus, e.path, e.component) for e in expected)


def test_fast_engine_reports_what_pyshacl_reports(
    bad: tuple[Graph, list[generate.Expected]], shapes_graph: Graph, ontology_graph: Graph
) -> None:
    graph, _ = bad
    _, report = run_shacl(graph, shapes_graph, ontology_graph)
    reference = sorted((r.key(), r.source_shape) for r in pyshacl_results(report))
    data = [graph.serialize(format="nt", encoding="utf-8"), ontology_graph.serialize(format="nt", encoding="utf-8")]
    results = run_fast(data, prepare_shapes(shapes_graph))
    fast = sorted((r.key(), r.source_shape) for r in results)
    assert fast == reference
    # SPARQL-based results run once over the whole graph: pyshacl's messages, {?var} filled in the same way
    sparql = str(SH.SPARQLConstraintComponent)
    messages = sorted((r.key(), r.message) for r in results if r.component == sparql)
    assert messages and messages == sorted(
        (r.key(), r.message) for r in pyshacl_results(report) if r.component == sparql
    )
    # the lines kg validate prints are pyshacl's, word for word: what lets the fast engine be its default
    lines = validate_fast(graph, shapes_graph, ontology_graph).lines()
    assert len(lines) == len(reference)
    assert lines == Report(False, read_report(report, graph)).lines()


def test_unsupported_literal_qualified_shape_is_refused() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ;
            sh:qualifiedValueShape [ sh:languageIn ("en") ] ; sh:qualifiedMinCount 2 ] .""",
        format="turtle",
    )
    with pytest.raises(ShapesNotSupported):
        prepare_shapes(shapes)
