"""The bundled data's one event with two reports: the Logang massacre (10 April 1992), reported by the English
Wikipedia article (data/articles/wikipedia-en-logang-massacre/) and by UCDP GED row 73811
(data/ucdp/bgd-sample/), linked by the curated decision in data/links.yaml. kg.toml declares what kg link
made of that decision, data/links.nq, as the `links` source, so that one `kg build` publishes the linked
event; these tests check that the file is still what kg link makes of the bundled data, that the event can
be found from either report, and that the file is read right under another base IRI.
"""

from __future__ import annotations

import hashlib

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from kg import paths
from kg.link import link_graph
from kg.namespaces import KGO
from kg.pipeline import load_ontology, load_shapes, map_corpus
from kg.project import load_settings

BASE = "https://w3id.org/conflict-kg/"
ARTICLE_REPORT = "wikipedia-en-logang-massacre/massacre"
UCDP_REPORT = "ucdp-ged/bgd-sample/73811"
#: the properties that say what was linked and decided (scores and features follow the scoring rules)
DECIDED = (KGO.linkedReport, KGO.linkStatus, KGO.component, KGO.eventType, DCTERMS.creator, DCTERMS.date, RDFS.comment)


def _linked(base: str) -> URIRef:
    """<base>id/event/linked/ + 16 hex digits of the SHA-256 of the sorted component event IRIs (README)."""
    events = sorted(f"{base}id/event/{k}" for k in (ARTICLE_REPORT, UCDP_REPORT))
    return URIRef(f"{base}id/event/linked/" + hashlib.sha256("\n".join(events).encode()).hexdigest()[:16])


def _decided(graph: Graph) -> set[tuple[object, object, object]]:
    return {t for p in DECIDED for t in graph.triples((None, p, None))}


def _mapped(base: str) -> Graph:
    graph = map_corpus(load_settings({"base": base}), origins=False).graph
    for t in load_ontology(load_settings()):
        graph.add(t)
    return graph


def test_the_bundled_links_are_what_kg_link_makes_of_the_curated_decision() -> None:
    graph = _mapped(BASE)
    linked = _linked(BASE)
    # the bundled build holds the linked event with its two components, from either side
    assert set(graph.objects(linked, KGO.component)) == {
        URIRef(f"{BASE}id/event/{ARTICLE_REPORT}"),
        URIRef(f"{BASE}id/event/{UCDP_REPORT}"),
    }
    assert (
        URIRef(f"{BASE}id/report/{ARTICLE_REPORT}"),
        KGO.reportOf,
        URIRef(f"{BASE}id/event/{ARTICLE_REPORT}"),
    ) in graph
    # kg link on the bundled data, with data/links.yaml, makes the same links and linked events as data/links.nq
    out = link_graph(graph, BASE, paths.DATA_DIR / "links.yaml", load_shapes(load_settings()))
    made, bundled = Dataset(default_union=True), Dataset(default_union=True)
    made.parse(data=out.nquads.decode(), format="nquads")
    bundled.parse(paths.DATA_DIR / "links.nq", format="nquads")
    assert out.links == 1 and out.curated == 1 and out.events == 1
    assert _decided(made) == _decided(bundled) and (linked, KGO.component, None) in made


def test_the_bundled_links_move_to_another_base_as_kg_link_would_write_them() -> None:
    """`kg build --base` (or $KG_BASE_IRI) on the bundled data: data/links.nq was written under the default base;
    the build holds its links as kg link writes them under the other base (digests minted again)."""
    other = "https://example.org/kg/"
    graph = _mapped(other)
    assert not any(str(s).startswith(f"{BASE}id/") for s in graph.subjects())
    linked = _linked(other)
    assert (linked, KGO.component, URIRef(f"{other}id/event/{UCDP_REPORT}")) in graph
    out = link_graph(graph, other, paths.DATA_DIR / "links.yaml")
    made = Dataset(default_union=True)
    made.parse(data=out.nquads.decode(), format="nquads")
    assert (
        _decided(made) <= set(graph) and len(_decided(made)) == 9
    )  # two linked reports, status, who, when, why; two components, a type
