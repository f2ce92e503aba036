"""The link vocabulary: every term `kg link` writes is declared in ontology/kg.ttl (English and
Indonesian labels and definitions, domains and ranges), the links graph is consistent with the
PROV-O alignment, and kg link refuses to write a links graph that breaks the links' shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg import reasoning
from kg.errors import ValidationFailed
from kg.link import link_graph
from kg.link.check import check_links
from kg.namespaces import KGO
from kg.reasoning import ReasonerSettings
from kg.store import read_rdf

BASE = "https://w3id.org/conflict-kg/"
ROOT = Path(__file__).parents[1]
CASES = ROOT / "tests" / "cases" / "link"
ACCEPT = """\
links:
  - {a: doc-c/protest, b: doc-a/riot, decision: accepted, who: A. Curator, when: 2026-12-07, why: the same march}
"""


@pytest.fixture(scope="module")
def case() -> Graph:
    return read_rdf([CASES / "reports.ttl"])


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return read_rdf([ROOT / "ontology" / "shapes.ttl"])


@pytest.fixture(scope="module")
def links(case: Graph, shapes: Graph, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Links of the case with one proposed and one curated link (both statuses)."""
    file = tmp_path_factory.mktemp("links") / "links.yaml"
    file.write_text(ACCEPT, encoding="utf-8")
    return link_graph(case, BASE, file, shapes).nquads


def _triples(nquads: bytes) -> Graph:
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def test_every_kgo_term_kg_link_writes_is_declared(links: bytes, ontology_graph: Graph) -> None:
    g = _triples(links)
    used = {p for p in g.predicates() if str(p).startswith(str(KGO))}
    used |= {o for o in g.objects(None, RDF.type) if str(o).startswith(str(KGO))}
    assert used >= {KGO.ReportLink, KGO.linkedReport, KGO.linkScore, KGO.rulesVersion, KGO.linkFeature}
    assert used >= {KGO.linkStatus, KGO.component, KGO.Event}
    for term in used - {KGO.Event}:  # (kgo:Event, older, is defined in English only)
        for prop in (RDFS.label, SKOS.definition):
            languages = {getattr(x, "language", None) for x in ontology_graph.objects(term, prop)}
            assert {"en", "id"} <= languages, (term, prop)
    assert (KGO.ReportLink, RDFS.subClassOf, PROV.Entity) in ontology_graph  # it is attributed (PROV-O)
    assert (KGO.ReportLink, OWL.disjointWith, KGO.Event) in ontology_graph
    assert set(ontology_graph.objects(KGO.linkedReport, RDFS.range)) == {KGO.Report}
    assert set(ontology_graph.objects(KGO.component, RDFS.domain)) == {KGO.Event}
    assert set(ontology_graph.objects(KGO.component, RDFS.range)) == {KGO.Event}


@pytest.mark.parametrize("engine", ["rules", pytest.param("hermit", marks=pytest.mark.slow)])
def test_the_links_graph_with_prov_o_is_consistent(
    engine: str, links: bytes, case: Graph, ontology_graph: Graph
) -> None:
    imports = sorted((ROOT / "ontology" / "imports").glob("*.ttl"))
    ontology = Graph()
    ontology += ontology_graph
    for file in imports:
        ontology += reasoning.owl_declarations(read_rdf([file]))
    data = _triples(links)
    data += case
    settings = ReasonerSettings(engine=engine, confirm=False)  # type: ignore[arg-type]
    assert reasoning.reason(data, ontology, {}, settings).engine == engine


def _without(nquads: bytes, *needles: str) -> bytes:
    lines = [line for line in nquads.decode().splitlines() if not all(n in line for n in needles)]
    assert len(lines) < len(nquads.decode().splitlines()), needles
    return ("\n".join(lines) + "\n").encode()


BROKEN = [
    (("linkedReport", "doc-b/riot"), "exactly two reports"),
    (("dc/terms/creator",), "accepted one names its curator"),
    (("wasAttributedTo",), "proposed link is attributed"),
    (("/feature/date>", "#value>"), "one value, a decimal"),
    (("linkScore",), "one score"),
]


@pytest.mark.parametrize(("needles", "message"), BROKEN, ids=[b[1] for b in BROKEN])
def test_kg_link_checks_its_links_graph(
    links: bytes, case: Graph, shapes: Graph, needles: tuple[str, ...], message: str
) -> None:
    check_links(links, case, shapes)  # as written: it conforms
    with pytest.raises(ValidationFailed) as err:
        check_links(_without(links, *needles), case, shapes)
    assert any(message in line for line in err.value.lines), err.value.lines


def test_a_component_must_be_an_event(links: bytes, case: Graph, shapes: Graph) -> None:
    untyped = Graph()
    untyped += case
    untyped.remove((URIRef(BASE + "id/event/doc-b/riot"), RDF.type, KGO.Event))
    with pytest.raises(ValidationFailed) as err:
        check_links(links, untyped, shapes)
    assert any("each an event" in line for line in err.value.lines)
