"""kg-types.nt: the type closure that lets plain SPARQL find instances by any of their classes."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import DCAT
from ruamel.yaml import YAML

from kg.exporters.types import TYPES_NAME, type_closure, update_type_closure
from kg.push import load_uploads

DATA = Path(__file__).resolve().parents[1] / "data"
BASE = "https://w3id.org/conflict-kg/id/"
KGO = "https://w3id.org/conflict-kg/ontology#"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
QUERIES = {
    "kgo:Event": f"PREFIX kgo: <{KGO}> SELECT ?e WHERE {{ ?e a kgo:Event }}",
    "schema:Event": "PREFIX schema: <https://schema.org/> SELECT ?e WHERE { ?e a schema:Event }",
}


def _bundled_events() -> set[str]:
    """Every event the bundled inputs declare, read from the files: the registry's, each annotation's event
    entries without `event:` (a report of its own event, minted under the document's key), one per row of
    the UCDP release data/ucdp/bgd-sample/ (`event/ucdp-ged/<release>/<id>`) and the linked events of
    data/links.nq (the subjects of kgo:component)."""
    yaml = YAML(typ="safe")
    events = {BASE + "event/" + e["id"] for e in yaml.load((DATA / "registry.yaml").read_text())["events"]}
    for path in sorted((DATA / "articles").glob("*/annotation.yaml")):
        ann = yaml.load(path.read_text())
        doc = ann["document"]["id"]
        events |= {f"{BASE}event/{doc}/{e['id']}" for e in ann.get("events", ()) if "event" not in e}
    with (DATA / "ucdp" / "bgd-sample" / "logang-1992.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[1:]  # the second row is HXL hashtags
    events |= {f"{BASE}event/ucdp-ged/bgd-sample/{r['id']}" for r in rows}
    return events | _linked_events()


def _linked_events() -> set[str]:
    """The linked events of data/links.nq, which kg link types kgo:Event itself."""
    lines = (DATA / "links.nq").read_text(encoding="utf-8").splitlines()
    return {line.split(" ", 1)[0][1:-1] for line in lines if f"<{KGO}component>" in line}


def _answers(store: ox.Store, query: str) -> set[str]:
    return {row["e"].value for row in store.query(query)}  # type: ignore[union-attr]


def _oxigraph(files: list[Path]) -> ox.Store:
    store = ox.Store()
    for path in files:
        fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
        store.load(path=str(path), format=fmt)
    return store


def test_closure_adds_every_superclass_once() -> None:
    ontology = Graph().parse(
        data=f"""
        @prefix kgo: <{KGO}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix schema: <https://schema.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        kgo:Riot rdfs:subClassOf kgo:ViolentEvent . kgo:ViolentEvent rdfs:subClassOf kgo:Event .
        kgo:Event rdfs:subClassOf schema:Event, owl:Thing, [ a owl:Restriction ] .
        """,
        format="turtle",
    )
    nt = (
        f"<{BASE}event/a> {TYPE} <{KGO}Riot> .\n"
        f"<{BASE}event/a> {TYPE} <{KGO}Event> .\n"  # asserted: not repeated
        f'<{BASE}event/b> <{KGO}note> "x {TYPE} <{KGO}Riot> ." .\n'  # the words inside a literal: no type
        f"<{BASE}sel/c> {TYPE} <http://www.w3.org/ns/oa#TextQuoteSelector> .\n"  # not kg's class
    ).encode()
    expected = [
        f"<{BASE}event/a> {TYPE} <https://schema.org/Event> .",
        f"<{BASE}event/a> {TYPE} <{KGO}ViolentEvent> .",
    ]
    assert type_closure(nt, ontology).decode().splitlines() == expected


def test_an_incremental_update_equals_the_whole_closure(built_dist: Path, ontology_graph: Graph) -> None:
    """Take every line of an event, a claim and a place out of the dump and put them back: recomputing
    only the subjects whose types changed gives the bytes of the closure computed from scratch."""
    nt = (built_dist / "kg.nt").read_bytes()
    full = (built_dist / TYPES_NAME).read_bytes()
    assert type_closure(nt, ontology_graph) == full
    victims = tuple(
        f"<{BASE}{key}> ".encode()
        for key in (
            "event/zhanaozen-protests-2022",
            "claim/wikipedia-en-2022-kazakh-unrest/officials-toll",
            "place/almaty",
        )
    )
    lines = nt.splitlines()
    gone = [line for line in lines if line.startswith(victims)]
    rest = b"".join(line + b"\n" for line in lines if not line.startswith(victims))
    smaller = update_type_closure(full, gone, [], rest, ontology_graph)
    assert smaller == type_closure(rest, ontology_graph) and len(smaller) < len(full)
    assert update_type_closure(smaller, [], gone, nt, ontology_graph) == full


def test_plain_sparql_finds_events_by_any_class(built_dist: Path) -> None:
    """Oxigraph with no reasoning: the dumps alone answer nothing, the dumps with kg-types.nt every event."""
    events = _bundled_events()
    # 19 of the Kazakh unrest documents and the registry, the Logang article's massacre, six UCDP rows and the
    # linked Logang massacre
    assert len(events) == 27
    plain = _oxigraph([built_dist / "kg.nt", built_dist / "ontology.ttl"])
    # the dumps alone: only the linked event, which kg link asserts a kgo:Event
    assert {name: _answers(plain, q) for name, q in QUERIES.items()} == {
        "kgo:Event": _linked_events(),
        "schema:Event": set(),
    }
    typed = _oxigraph([built_dist / "kg.nt", built_dist / "ontology.ttl", built_dist / TYPES_NAME])
    assert {name: _answers(typed, q) for name, q in QUERIES.items()} == {"kgo:Event": events, "schema:Event": events}


def test_the_store_of_kg_build_answers_both(seed_store: tuple[Path, Path]) -> None:
    from kg.store import open_store

    _, location = seed_store
    store = open_store(location, read_only=True)
    events = _bundled_events()
    assert {name: _answers(store, q) for name, q in QUERIES.items()} == {"kgo:Event": events, "schema:Event": events}


def test_kg_query_and_push_load_it_beside_the_dumps(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    assert main(["query", "--dist", str(built_dist), "--format", "csv", "--sparql", QUERIES["schema:Event"]]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "e" and set(rows[1:]) == _bundled_events()
    prefix = BASE.replace("id/", "graph/")
    uploads = {u.name: u for u in load_uploads(built_dist, prefix, BASE.removesuffix("id/"))}
    body = (built_dist / TYPES_NAME).read_bytes()
    assert uploads[prefix + "types"].triples == len(body.splitlines())


def test_void_describes_the_types_dump(built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl")
    urls = {str(o) for o in void.objects(None, DCAT.downloadURL)}
    assert BASE.removesuffix("id/") + "dumps/" + TYPES_NAME in urls
