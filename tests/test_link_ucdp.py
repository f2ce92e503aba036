"""UCDP codes one attack as several rows (a state-based row, the government against the group, and a
one-sided row, the group against civilians): kg link makes them components of one event, not a
duplicate and not two events. tests/cases/link/ucdp-components.csv (invented rows, read by eye):
910001 (state-based, Government of Testland - Hill Front) and 910002 (one-sided, Hill Front -
Civilians) on 2019-06-07 at the same point in Testville town; 910003 (non-state, Valley Herders -
River Herders) the same day at the same point, with no side in common: another incident."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset, URIRef
from tests.datasets import BASE, import_graph

from kg.link import link_graph
from kg.link.publish import links_graph_iri
from kg.namespaces import KGO
from kg.sources import ucdp
from kg.store import read_rdf

ROOT = Path(__file__).parents[1]
ROWS = ROOT / "tests" / "cases" / "link" / "ucdp-components.csv"
EVENT = BASE + "id/event/ucdp-ged/ged/"
REPORT = BASE + "id/report/ucdp-ged/ged/"


def test_a_state_based_and_a_one_sided_row_of_one_attack_are_components_of_one_event() -> None:
    _, graph = import_graph(ucdp.DATASET, [ROWS], "ged")
    read_rdf([ROOT / "ontology" / "kg.ttl", ROOT / "ontology" / "vocab.ttl"], into=graph)
    out = link_graph(graph, BASE, None, read_rdf([ROOT / "ontology" / "shapes.ttl"]))
    assert (out.links, out.curated, out.events) == (1, 0, 1)
    ds = Dataset()
    ds.parse(data=out.nquads, format="nquads")
    links = ds.graph(links_graph_iri(BASE))
    (linked,) = set(links.subjects(KGO.component, None))
    assert set(links.objects(linked, KGO.component)) == {URIRef(EVENT + "910001"), URIRef(EVENT + "910002")}
    pairs = {(p["a"], p["b"]): p for p in json.loads(out.proposals)["pairs"]}
    twice = pairs[(REPORT + "910001", REPORT + "910002")]
    assert twice["linked"] and twice["reason"] == "one incident coded as several rows by its dataset"
    # the herders' clash, same day and point but no side in common, is not even compared with them
    assert not any(REPORT + "910003" in key for key in pairs)
