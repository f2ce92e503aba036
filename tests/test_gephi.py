"""`kg export`: network projections and their GEXF / GraphML / CSV / PNG files.

Every GEXF written is validated against the GEXF 1.3 XML Schema; GEXF and GraphML are read back with
networkx and their node and edge counts compared with SPARQL counts over the same published graph.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.cli import main
from kg.errors import ExportError, MissingExtra
from kg.exporters.gephi import EXPORT_FORMATS, csv_tables, gexf, graphml, output_paths, render_export, timeset
from kg.exporters.network import (
    LANGUAGES,
    NAME_PREDICATES,
    PROJECTIONS,
    ROLE_PROPERTIES,
    ROLE_SIDES,
    Network,
    build_network,
    intersect_intervals,
    local_name,
    merge_intervals,
    spells_within,
)
from kg.namespaces import KGO, KGP, KGR, sparql_prologue
from servers import outputs_under_hash_seeds

SCHEMA = Path(__file__).parent / "schemas" / "gexf-1.3" / "gexf.xsd"
GEXF_NS = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}
SUMMIT_LEADERS = ("Pashinyan", "Lukashenko", "Tokayev", "Akylbek Japarov", "Rahmon", "Zas", "Putin")
SUMMIT = "https://w3id.org/conflict-kg/id/event/csto-kazakhstan-2022-01-10/csto-summit"
TOKAYEV = "https://w3id.org/conflict-kg/id/person/kassym-jomart-tokayev"
PUTIN = "https://w3id.org/conflict-kg/id/person/vladimir-putin"
# the unrest and the fighting in Almaty are events of the registry, which the seed's reports are of
UNREST = "https://w3id.org/conflict-kg/id/event/kazakhstan-unrest-2022"
FIGHTING_ALMATY = "https://w3id.org/conflict-kg/id/event/almaty-unrest-2022"
INTERIOR_MINISTRY_ATTACK = (
    "https://w3id.org/conflict-kg/id/event/csto-kazakhstan-2022-01-10/interior-ministry-attack-almaty"
)


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def assert_valid_gexf(xsd: etree.XMLSchema, doc: etree._Element | etree._ElementTree) -> None:
    """Valid GEXF 1.3: `viz:color` (in http://gexf.net/1.3/viz, where Gephi and networkx read it, a namespace
    the 1.3 schema does not declare) has viz.xsd's colour attributes, and the rest validates."""
    copy = etree.fromstring(etree.tostring(doc))
    for viz in copy.iterfind(".//viz:*", GEXF_NS):
        assert etree.QName(viz).localname == "color" and sorted(viz.attrib) == ["b", "g", "r"]
        assert all(0 <= int(value) <= 255 for value in viz.attrib.values())
        viz.getparent().remove(viz)
    xsd.assertValid(copy)


@pytest.fixture(scope="module")
def networks(published_graph: Graph) -> dict[str, Network]:
    return {name: build_network(published_graph, name) for name in PROJECTIONS}


def _count(graph: Graph, query: str) -> int:
    rows = list(graph.query(sparql_prologue() + query))
    return int(rows[0][0])


# --------------------------------------------------------------------------------------------
# SPARQL definitions of each projection, written independently of the exporter's Python
# --------------------------------------------------------------------------------------------

_FOLDED = (
    "kgo:Evidence kgo:RowSelector kgo:Participation kgo:PositionHolding kgo:EntityRegistry kgo:Report kgo:ReportLink"
)
_ROLES = "kgo:chair kgo:attendee kgo:speaker kgo:target kgo:perpetrator kgo:participant"


def _node(v: str) -> str:
    """A full-projection node: an IRI with a kgo class that is not a folded bookkeeping record.

    A sub-select, so that engines compute the node set once and join it (not once per triple).
    """
    return (
        f"{{ SELECT DISTINCT {v} WHERE {{ {v} a ?c . FILTER(isIRI({v}) && STRSTARTS(STR(?c), STR(kgo:))) "
        f"MINUS {{ VALUES ?f {{ {_FOLDED} }} ?t rdfs:subClassOf* ?f . {v} a ?t }} }} }}"
    )


_ROLE_TRIPLES = f"""
  {{ ?e ?p ?a . VALUES ?p {{ {_ROLES} }} }}
  UNION
  {{ ?part kgo:inEvent ?e ; kgo:agent ?a ; kgo:role/rdfs:seeAlso ?p . }}
"""

# Co-participation: the side of each role; a target is on none (never co-participates).
_SIDES = """VALUES (?p ?side) { (kgo:chair "meeting") (kgo:attendee "meeting") (kgo:speaker "meeting")
  (kgo:perpetrator "perpetrator") (kgo:participant "participant") }"""
_SIDED = f"""{{ SELECT DISTINCT ?e ?a ?side WHERE {{
  {_ROLE_TRIPLES} {_SIDES} ?e a/rdfs:subClassOf* kgo:Event . ?a a/rdfs:subClassOf* kgo:Actor }} }}"""
_SAME_SIDE = f"{_SIDED} {_SIDED.replace('?a', '?b')} FILTER(STR(?a) < STR(?b))"

SPARQL_COUNTS = {
    "full": (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {_node('?s')} }}",
        f"""SELECT (COUNT(*) AS ?n) WHERE {{
          {{ SELECT DISTINCT ?s ?p ?o WHERE {{
              {{ ?s ?p ?o . FILTER(?p NOT IN (rdf:type, prov:wasDerivedFrom, kgo:holds)) }}
              UNION
              {{ ?r kgo:reportOf ?s ; ?p ?o . FILTER(?p NOT IN (rdf:type, prov:wasDerivedFrom, kgo:reportOf)) }}
              UNION
              {{ ?part kgo:inEvent ?s ; kgo:agent ?o ; kgo:role/rdfs:seeAlso ?p . }}
              {_node("?s")} {_node("?o")} }} }}
          UNION
          {{ SELECT DISTINCT ?t ?h ?pos WHERE {{
              ?t a kgo:PositionHolding ; kgo:position ?pos . {{ ?t kgo:holder ?h }} UNION {{ ?h kgo:holds ?t }}
              {_node("?h")} {_node("?pos")} }} }}
        }}""",
    ),
    "events": (
        f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
          {{ ?x a/rdfs:subClassOf* kgo:Event }}
          UNION
          {{ {_ROLE_TRIPLES} ?e a/rdfs:subClassOf* kgo:Event . ?a a/rdfs:subClassOf* kgo:Actor . BIND(?a AS ?x) }}
        }}""",
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?e ?p ?a WHERE {{
          {_ROLE_TRIPLES} ?e a/rdfs:subClassOf* kgo:Event . ?a a/rdfs:subClassOf* kgo:Actor }} }}""",
    ),
    "actors": (
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {_SIDED} }}",
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?b WHERE {{ {_SAME_SIDE} }} }}""",
    ),
}


@pytest.fixture(scope="module")
def oxigraph_graph(built_dist: Path) -> Graph:
    """The same published files, loaded into Oxigraph (rdflib's engine takes minutes on these queries)."""
    from kg.store import open_graph, published_files

    return open_graph(published_files(built_dist), backend="oxigraph")


@pytest.fixture(scope="module")
def sparql_counts(oxigraph_graph: Graph) -> dict[str, tuple[int, int]]:
    return {name: (_count(oxigraph_graph, nq), _count(oxigraph_graph, eq)) for name, (nq, eq) in SPARQL_COUNTS.items()}


# --------------------------------------------------------------------------------------------
# GEXF: schema validity, counts, labels, types, colours, time
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_gexf_validates_against_the_1_3_schema(
    published_graph: Graph, xsd: etree.XMLSchema, projection: str, static: bool, lang: str
) -> None:
    (payload,) = render_export(published_graph, "gexf", projection, lang, static)
    doc = etree.fromstring(payload)
    assert_valid_gexf(xsd, doc)
    graph = doc.find("g:graph", GEXF_NS)
    assert graph is not None
    assert graph.get("mode") == ("static" if static else "dynamic")
    spells = doc.findall(".//g:spell", GEXF_NS)
    assert bool(spells) is not static
    if not static:
        assert graph.get("timeformat") == "date"
        for spell in spells:
            start, end = dt.date.fromisoformat(spell.get("start")), dt.date.fromisoformat(spell.get("end"))
            assert start <= end


def test_networkx_own_gexf_writer_does_not_validate(xsd: etree.XMLSchema) -> None:
    """Why we write GEXF ourselves (if networkx fixes this, the note in gephi.py can go)."""
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b")
    buf = io.BytesIO()
    nx.write_gexf(graph, buf, version="1.3")
    assert not xsd.validate(etree.fromstring(buf.getvalue()))


@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_gexf_and_graphml_read_back_with_the_sparql_counts(
    published_graph: Graph, sparql_counts: dict[str, tuple[int, int]], projection: str, tmp_path: Path
) -> None:
    nodes, edges = sparql_counts[projection]
    assert nodes > 0 and edges > 0
    gexf_file = tmp_path / "g.gexf"
    (gexf_file_bytes,) = render_export(published_graph, "gexf", projection)
    gexf_file.write_bytes(gexf_file_bytes)
    from_gexf = nx.read_gexf(gexf_file)
    graphml_file = tmp_path / "g.graphml"
    (graphml_bytes,) = render_export(published_graph, "graphml", projection)
    graphml_file.write_bytes(graphml_bytes)
    from_graphml = nx.read_graphml(graphml_file, force_multigraph=True)
    for read in (from_gexf, from_graphml):
        assert (read.number_of_nodes(), read.number_of_edges()) == (nodes, edges)
        assert read.is_directed() is (projection != "actors")


GEPHI_LITE = Path(__file__).parent / "gephi"


@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_gephi_lite_reader_opens_every_projection_with_the_sparql_counts(
    published_graph: Graph, sparql_counts: dict[str, tuple[int, int]], projection: str, tmp_path: Path
) -> None:
    """Gephi Lite's own GEXF reader (graphology-gexf, in node) reads every node with its label and colour."""
    node = shutil.which("node")
    modules = GEPHI_LITE / "node_modules" / "graphology-gexf"
    assert node is not None and modules.is_dir(), (
        "Gephi Lite's reader is missing: install Node.js and run `npm ci --prefix tests/gephi` (.ci/run does)"
    )
    (payload,) = render_export(published_graph, "gexf", projection)
    (tmp_path / "g.gexf").write_bytes(payload)
    proc = subprocess.run(
        [node, str(GEPHI_LITE / "read_gexf.js"), str(tmp_path / "g.gexf")], capture_output=True, text=True, check=True
    )
    read = json.loads(proc.stdout)
    nodes, edges = sparql_counts[projection]
    assert (read["order"], read["size"]) == (nodes, edges)
    assert read["directed"] == (0 if projection == "actors" else edges)
    for attributes in read["nodes"].values():
        assert 0 < len(attributes["label"]) <= 60
        assert re.fullmatch(r"rgb\(\d+,\d+,\d+\)", attributes["color"])


def _non_name_literals(graph: Graph) -> set[str]:
    names = set(NAME_PREDICATES)
    return {str(o) for s, p, o in graph if isinstance(o, Literal) and p not in names}


@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_nodes_are_resources_never_literals(published_graph: Graph, projection: str, tmp_path: Path) -> None:
    (payload,) = render_export(published_graph, "gexf", projection)
    (tmp_path / "g.gexf").write_bytes(payload)
    read = nx.read_gexf(tmp_path / "g.gexf")
    literals = _non_name_literals(published_graph)
    for node, data in read.nodes(data=True):
        iri = URIRef(node)
        assert (iri, RDF.type, None) in published_graph, node
        assert node not in literals
        own_names = {" ".join(str(o).split()) for p in NAME_PREDICATES for o in published_graph.objects(iri, p)}
        name = data.get("full_label", data["label"])  # a long name is cut short, and kept whole beside
        assert name in own_names, (node, name)  # a label is a name, never another literal
        assert len(data["label"]) <= 60 and data["label"] != node
        assert data["iri"] == node
        assert data["type"].startswith("kgo:")


def test_nodes_carry_type_colour_and_literals_as_attributes(networks: dict[str, Network]) -> None:
    full = networks["full"]
    by_id = {n.id: n for n in full.nodes}
    summit = by_id[SUMMIT]
    assert summit.label == "CSTO video summit on the situation in Kazakhstan"
    assert summit.attributes["type"] == "kgo:Summit"
    assert summit.attributes["category"] == "kgo:Event"
    assert summit.attributes["kgo:startDate"] == "2022-01-10"
    assert summit.attributes["kgo:eventType"] == "summit"  # a concept's label, not a node
    assert summit.attributes["kgo:datePrecision"] == "day"
    colours: dict[object, set[tuple[int, int, int]]] = {}
    for node in full.nodes:
        colours.setdefault(node.attributes["type"], set()).add(node.color)
    assert all(len(c) == 1 for c in colours.values())  # one colour per type
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # and distinct types, distinct colours
    figures = [n for n in full.nodes if n.attributes["type"] == "kgo:Figure"]
    valued = [n for n in figures if "schema:value" in n.attributes]
    assert valued and all(isinstance(n.attributes["schema:value"], int) for n in valued)
    # the seed's "there were also civilian casualties": a figure of unknown number has no value
    assert [n.attributes["kgo:qualifier"] for n in figures if n not in valued] == ["number unknown"]


def test_gexf_colours_and_labels_are_written(published_graph: Graph) -> None:
    (payload,) = render_export(published_graph, "gexf", "full")
    doc = etree.fromstring(payload)
    for node in doc.iterfind(".//g:node", GEXF_NS):
        assert node.get("label")
        assert node.find("viz:color", GEXF_NS) is not None


def test_long_labels_are_cut_and_claims_name_their_speaker(networks: dict[str, Network], tmp_path: Path) -> None:
    """Gephi draws labels on the canvas: at most 60 characters, the whole text kept as `full_label`."""
    full = networks["full"]
    assert max(len(n.label) for n in full.nodes) <= 60
    claims = [n for n in full.nodes if n.attributes["type"] == "kgo:Claim"]
    # the current Wikipedia revision's claim of the officials' toll, 103 characters
    toll = next(n for n in claims if n.id.endswith("/wikipedia-en-2022-kazakh-unrest/officials-toll"))
    assert toll.label == "Kazakh officials: During the week-long violent unrest and…"
    assert toll.attributes["full_label"] == (
        "During the week-long violent unrest and crackdowns, 227 people were killed and over 9,900 were arrested."
    )
    labels = {n.id: n.label for n in full.nodes}
    speakers = {e.source: labels[e.target] for e in full.edges if e.kind == "prov:wasAttributedTo"}
    assert all(n.label.startswith(speakers[n.id] + ": ") for n in claims)
    short = next(n for n in full.nodes if n.id == SUMMIT)
    assert "full_label" not in short.attributes  # a name that fits is left as it is
    # networkx reads the colours back from viz:color
    (tmp_path / "g.gexf").write_bytes(gexf(full))
    read = nx.read_gexf(tmp_path / "g.gexf")
    assert read.nodes[SUMMIT]["viz"]["color"] == dict(zip("rgb", short.color, strict=True)) | {"a": 1.0}


def test_language_option_picks_labels_and_falls_back_to_english(published_graph: Graph, ontology_graph: Graph) -> None:
    indonesian = {n.id: n for n in build_network(published_graph, "full", "id").nodes}
    assert indonesian[SUMMIT].label == "Pertemuan khusus CSTO tentang situasi di Kazakhstan"
    assert indonesian[SUMMIT].attributes["kgo:eventType"] != "summit"
    english_only = _event_graph(ontology_graph, "2022-01-01", KGP.day)  # labelled in English only
    (node,) = build_network(english_only, "full", "id").nodes
    assert node.label == "a riot"


def test_languages_are_those_of_the_data(published_graph: Graph) -> None:
    tags = {o.language for o in published_graph.objects(None, RDFS.label) if isinstance(o, Literal) and o.language}
    assert set(LANGUAGES) == tags and LANGUAGES[0] == "en"


@pytest.mark.parametrize("lang", ["fr", "ru", "EN", "", "../en"])
def test_a_language_without_labels_is_refused(published_graph: Graph, lang: str) -> None:
    with pytest.raises(ExportError, match="no labels in language") as info:
        build_network(published_graph, "actors", lang)
    assert "use one of en, id" in str(info.value)


def test_cli_refuses_a_language_without_labels(
    built_dist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "gexf", "--lang", "fr", "--dist", str(built_dist), "-o", str(tmp_path / "fr.gexf")])
    assert info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()) and not list(built_dist.glob("*-fr*"))


def test_parallel_edges_survive(published_graph: Graph, tmp_path: Path) -> None:
    """Tokayev attended and spoke at the summit: two edges, told apart by their kind."""
    for projection, (a, b) in (("full", (SUMMIT, TOKAYEV)), ("events", (TOKAYEV, SUMMIT))):
        (payload,) = render_export(published_graph, "gexf", projection)
        doc = etree.fromstring(payload)
        kinds = sorted(
            e.get("kind") for e in doc.iterfind(".//g:edge", GEXF_NS) if (e.get("source"), e.get("target")) == (a, b)
        )
        assert kinds == ["kgo:attendee", "kgo:speaker"]
        (tmp_path / f"{projection}.gexf").write_bytes(payload)
        assert nx.read_gexf(tmp_path / f"{projection}.gexf").number_of_edges(a, b) == 2


def test_role_edges_carry_the_participation(networks: dict[str, Network]) -> None:
    edges = [e for e in networks["events"].edges if (e.source, e.target, e.kind) == (PUTIN, SUMMIT, "kgo:attendee")]
    assert len(edges) == 1
    attrs = edges[0].attributes
    assert attrs["role"] == "attendee"
    assert attrs["kgo:inCapacityOf"] == "President of Russia"
    assert str(attrs["participation"]).startswith("https://w3id.org/conflict-kg/id/participation/")


def test_summit_leaders_form_a_clique_in_the_actors_projection(published_graph: Graph, tmp_path: Path) -> None:
    attendees = [
        str(r[0])
        for r in published_graph.query(sparql_prologue() + "SELECT ?a WHERE { ?s a kgo:Summit ; kgo:attendee ?a }")
    ]
    labels = {a: str(published_graph.value(URIRef(a), RDFS.label)) for a in attendees}
    assert len(attendees) == 7
    assert all(any(name in label for label in labels.values()) for name in SUMMIT_LEADERS)
    (payload,) = render_export(published_graph, "gexf", "actors")
    (tmp_path / "actors.gexf").write_bytes(payload)
    actors = nx.read_gexf(tmp_path / "actors.gexf")
    assert not actors.is_directed()
    sub = actors.subgraph(attendees)
    assert sub.number_of_edges() == 7 * 6 // 2  # complete: every pair shares the summit
    for _a, _b, data in sub.edges(data=True):
        assert "CSTO video summit on the situation in Kazakhstan" in data["shared_events"]
        assert data["weight"] >= 1


def test_actor_edges_list_the_events_shared_on_one_side(networks: dict[str, Network], oxigraph_graph: Graph) -> None:
    """Edges, weights and event lists equal an independent SPARQL reading of the side rule."""
    expected: dict[tuple[str, str], set[str]] = {}
    for a, b, e in oxigraph_graph.query(sparql_prologue() + f"SELECT DISTINCT ?a ?b ?e WHERE {{ {_SAME_SIDE} }}"):
        expected.setdefault((str(a), str(b)), set()).add(str(e))
    found: dict[tuple[str, str], list[str]] = {}
    for edge in networks["actors"].edges:
        events = str(edge.attributes["shared_event_iris"]).split(" | ")
        assert edge.weight == len(events) == len(set(events))  # an actor with two roles counts once
        found[(edge.source, edge.target)] = events
    assert {pair: set(events) for pair, events in found.items()} == expected
    assert expected  # the seed has co-participants


def test_attackers_are_not_linked_to_their_target_or_the_defenders(
    networks: dict[str, Network], oxigraph_graph: Graph
) -> None:
    """The Interior Ministry attack: its perpetrators acted together, not with the police or the ministry."""
    roles: dict[str, set[str]] = {}
    query = f"""SELECT DISTINCT ?p ?a WHERE {{ BIND(<{INTERIOR_MINISTRY_ATTACK}> AS ?e) {_ROLE_TRIPLES}
      ?a a/rdfs:subClassOf* kgo:Actor }}"""
    for p, a in oxigraph_graph.query(sparql_prologue() + query):
        roles.setdefault(str(p).rsplit("#", 1)[1], set()).add(str(a))
    attackers, others = roles["perpetrator"], roles["participant"] | roles["target"]
    assert len(attackers) >= 2 and roles["participant"] and roles["target"]
    linked: dict[frozenset[str], set[str]] = {}
    for edge in networks["actors"].edges:
        events = set(str(edge.attributes["shared_event_iris"]).split(" | "))
        linked[frozenset((edge.source, edge.target))] = events
    for a, b in itertools.combinations(sorted(attackers), 2):
        assert INTERIOR_MINISTRY_ATTACK in linked[frozenset((a, b))]
    for a, b in itertools.product(attackers, others):
        assert INTERIOR_MINISTRY_ATTACK not in linked.get(frozenset((a, b)), set())
    nodes = {n.id for n in networks["actors"].nodes}
    acting = {str(a) for (a,) in oxigraph_graph.query(sparql_prologue() + f"SELECT DISTINCT ?a WHERE {{ {_SIDED} }}")}
    only_targets = roles["target"] - acting
    assert only_targets and not only_targets & nodes  # the ministry was only ever a target: not an actor here


def _actor(graph: Graph, name: str) -> URIRef:
    actor = URIRef(f"https://example.org/id/person/{name}")
    graph.add((actor, RDF.type, KGO.Person))
    graph.add((actor, RDFS.label, Literal(name, lang="en")))
    return actor


def test_co_participation_follows_the_side_table(ontology_graph: Graph) -> None:
    """A hand-made graph with every role: chair, attendees and speaker meet; perpetrators act together;
    participants are a side of their own; targets co-participate with no one."""
    g = Graph()
    g += ontology_graph
    meeting, attack, raid = (URIRef(f"https://example.org/id/event/{n}") for n in ("meeting", "attack", "raid"))
    g.add((meeting, RDF.type, KGO.Summit))
    g.add((attack, RDF.type, KGO.ArmedAttack))
    g.add((raid, RDF.type, KGO.ArmedAttack))
    a, b, c, d, e, f, t1, t2 = (_actor(g, name) for name in ("a", "b", "c", "d", "e", "f", "t1", "t2"))
    roles = [
        (meeting, KGO.chair, a),
        (meeting, KGO.attendee, b),
        (meeting, KGO.attendee, c),
        (meeting, KGO.speaker, c),  # two roles, one side: counted once
        (meeting, KGO.target, t1),
        (attack, KGO.perpetrator, d),
        (attack, KGO.perpetrator, e),
        (attack, KGO.participant, b),
        (attack, KGO.target, t1),
        (attack, KGO.target, t2),
        (raid, KGO.perpetrator, d),
        (raid, KGO.perpetrator, e),
    ]
    for triple in roles:
        g.add(triple)
    part = URIRef("https://example.org/id/participation/f")  # a role given only by its Participation record
    g.add((part, RDF.type, KGO.Participation))
    g.add((part, KGO.inEvent, attack))
    g.add((part, KGO.agent, f))
    g.add((part, KGO.role, KGR.participant))
    net = build_network(g, "actors")
    got = {
        (x.source, x.target): (x.weight, x.attributes["shared_event_iris"], x.attributes["sides"]) for x in net.edges
    }
    assert got == {
        (str(a), str(b)): (1.0, str(meeting), "meeting"),
        (str(a), str(c)): (1.0, str(meeting), "meeting"),
        (str(b), str(c)): (1.0, str(meeting), "meeting"),
        (str(b), str(f)): (1.0, str(attack), "participant"),
        (str(d), str(e)): (2.0, f"{attack} | {raid}", "perpetrator"),
    }
    assert {n.id for n in net.nodes} == {str(x) for x in (a, b, c, d, e, f)}  # t1, t2 were only targets


def test_every_role_of_the_vocabulary_has_a_side(ontology_graph: Graph) -> None:
    assert set(ROLE_SIDES) == ROLE_PROPERTIES
    concepts = set(ontology_graph.subjects(SKOS.inScheme, KGR.scheme))
    assert concepts
    assert {ontology_graph.value(c, RDFS.seeAlso) for c in concepts} == set(ROLE_SIDES)


# --------------------------------------------------------------------------------------------
# Time intervals
# --------------------------------------------------------------------------------------------


def test_intervals_follow_dates_and_precision(networks: dict[str, Network]) -> None:
    spells = {n.id: n.spells for n in networks["full"].nodes}
    jan = dt.date(2022, 1, 1)
    assert spells[SUMMIT] == ((dt.date(2022, 1, 10), dt.date(2022, 1, 10)),)  # precision day
    assert spells[FIGHTING_ALMATY] == ((jan, dt.date(2022, 1, 31)),)  # precision month: all January
    assert spells[UNREST] == ((jan, dt.date(2022, 1, 31)),)  # start of year, stretched over its sub-events
    actors = {n.id: n.spells for n in networks["actors"].nodes}
    # the union of his events: the summit (10 January) and, in VOA's report, the deployment (January 2022)
    assert actors[PUTIN] == ((jan, dt.date(2022, 1, 31)),)


def _report(
    g: Graph, event: URIRef, key: str, start: str, precision: URIRef | None = None, end: str | None = None
) -> URIRef:
    """A kgo:Report of `event` (as the mapping writes one): the dates one source gives."""
    from rdflib.namespace import XSD  # not a module global: pytest's collection probes globals and XSD warns

    report = URIRef(f"https://example.org/id/report/{key}")
    g.add((report, RDF.type, KGO.Report))
    g.add((report, KGO.reportOf, event))
    g.add((report, KGO.startDate, Literal(start, datatype=XSD.date)))
    if precision is not None:
        g.add((report, KGO.datePrecision, precision))
    if end is not None:
        g.add((report, KGO.endDate, Literal(end, datatype=XSD.date)))
    return report


def _event_graph(ontology_graph: Graph, start: str, precision: URIRef | None, end: str | None = None) -> Graph:
    """The ontology and one riot, dated by its one report."""
    g = Graph()
    g += ontology_graph
    event = URIRef("https://example.org/id/event/e")
    g.add((event, RDF.type, KGO.Riot))
    g.add((event, RDFS.label, Literal("a riot", lang="en")))
    _report(g, event, "doc/e", start, precision, end)
    return g


@pytest.mark.parametrize(
    ("start", "precision", "end", "expected"),
    [
        ("2024-02-03", KGP.day, None, ("2024-02-03", "2024-02-03")),
        ("2024-02-01", KGP.month, None, ("2024-02-01", "2024-02-29")),
        ("2023-02-01", KGP.month, None, ("2023-02-01", "2023-02-28")),
        ("2022-01-01", KGP.year, None, ("2022-01-01", "2022-12-31")),
        ("2022-01-01", KGP["start-of-year"], None, ("2022-01-01", "2022-01-10")),
        ("2022-01-01", KGP.month, "2022-01-07", ("2022-01-01", "2022-01-07")),  # an end date wins
        ("2022-03-05", None, None, ("2022-03-05", "2022-03-05")),  # no precision: the day
    ],
)
def test_event_interval_from_precision(
    ontology_graph: Graph, start: str, precision: URIRef | None, end: str | None, expected: tuple[str, str]
) -> None:
    net = build_network(_event_graph(ontology_graph, start, precision, end), "full")
    (node,) = net.nodes
    assert node.spells == ((dt.date.fromisoformat(expected[0]), dt.date.fromisoformat(expected[1])),)


def test_an_event_with_two_reports_spans_both_and_lists_both_sources(ontology_graph: Graph) -> None:
    """Two documents report one riot and date it differently: the riot is one node, present from the earliest
    report's start to the latest report's end, and it lists both documents; each report's place is an edge
    naming its report; a role both give is one edge with both participation records. Oxigraph agrees."""
    import pyoxigraph as ox

    ex = "https://example.org/id/"
    g = Graph()
    g += ontology_graph
    riot = URIRef(f"{ex}event/riot")
    g.add((riot, RDF.type, KGO.Riot))
    g.add((riot, RDFS.label, Literal("a riot", lang="en")))
    docs, places = [], []
    for key, title, place, cls in (
        ("first", "First article", "city", KGO.City),
        ("second", "Second", "land", KGO.Country),
    ):
        docs.append(URIRef(f"{ex}document/{key}"))
        g.add((docs[-1], RDF.type, KGO.SourceDocument))
        g.add((docs[-1], RDFS.label, Literal(title, lang="en")))
        places.append(URIRef(f"{ex}place/{place}"))
        g.add((places[-1], RDF.type, cls))
        g.add((places[-1], RDFS.label, Literal(place, lang="en")))
    first = _report(g, riot, "first/riot", "2022-01-05", KGP.day)  # 5 January
    second = _report(g, riot, "second/riot", "2022-01-02", KGP.day, "2022-01-03")  # 2-3 January: starts first
    police = _actor(g, "police")
    g.add((riot, KGO.participant, police))
    for report, doc, place in zip((first, second), docs, places, strict=True):
        g.add((report, PROV.wasDerivedFrom, doc))
        g.add((report, KGO.location, place))
        part = URIRef(f"{ex}participation/{local_name(str(doc))}/riot/participant/police")
        for p, o in ((RDF.type, KGO.Participation), (KGO.inEvent, riot), (KGO.inReport, report)):
            g.add((part, p, o))
        g.add((part, KGO.agent, police))
        g.add((part, KGO.role, KGR.participant))

    full = build_network(g, "full")
    nodes = {n.id: n for n in full.nodes}
    assert set(nodes) == {str(n) for n in (riot, police, *docs, *places)}  # the reports are folded, not drawn
    riot_node = nodes[str(riot)]
    assert riot_node.spells == ((dt.date(2022, 1, 2), dt.date(2022, 1, 5)),)  # second's start to first's end
    assert riot_node.attributes["reports"] == 2
    assert riot_node.attributes["sources"] == "First article | Second"
    assert riot_node.attributes["source_iris"] == f"{docs[0]} | {docs[1]}"
    assert riot_node.attributes["kgo:startDate"] == "2022-01-02 | 2022-01-05"  # both reports' values
    located = {e.target: e.attributes["report_iris"] for e in full.edges if e.kind == "kgo:location"}
    assert located == {str(places[0]): str(first), str(places[1]): str(second)}
    (role,) = [e for e in full.edges if e.kind == "kgo:participant"]
    assert role.attributes["report_iris"] == f"{first} | {second}"
    assert len(str(role.attributes["participation"]).split(" | ")) == 2
    events = build_network(g, "events")
    assert {n.id for n in events.nodes} == {str(riot), str(police)}
    (event_node,) = [n for n in events.nodes if n.id == str(riot)]
    assert event_node.spells == riot_node.spells
    assert (event_node.attributes["reports"], event_node.attributes["sources"]) == (2, "First article | Second")
    store = ox.Store()
    store.load(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    for projection in PROJECTIONS:
        assert build_network(store, projection) == build_network(g, projection), projection


def test_unknown_precision_is_an_error(ontology_graph: Graph) -> None:
    graph = _event_graph(ontology_graph, "2022-01-01", KGP.fortnight)
    with pytest.raises(ExportError, match="unknown date precision") as info:
        build_network(graph, "full")
    assert "kgp:month" in str(info.value)


def test_merge_intervals_joins_overlapping_and_adjacent_days() -> None:
    d = dt.date
    merged = merge_intervals(
        [(d(2022, 1, 5), d(2022, 1, 6)), (d(2022, 1, 1), d(2022, 1, 4)), (d(2022, 1, 9), d(2022, 1, 9))]
    )
    assert merged == ((d(2022, 1, 1), d(2022, 1, 6)), (d(2022, 1, 9), d(2022, 1, 9)))
    assert timeset(merged) == "<[2022-01-01, 2022-01-06]; [2022-01-09, 2022-01-09]>"


def _gexf_spells(el: etree._Element) -> list[tuple[dt.date, dt.date]]:
    return [
        (dt.date.fromisoformat(sp.get("start")), dt.date.fromisoformat(sp.get("end")))
        for sp in el.iterfind("g:spells/g:spell", GEXF_NS)
    ]


def _overlap(a: list[tuple[dt.date, dt.date]], b: list[tuple[dt.date, dt.date]]) -> bool:
    return any(max(s1, s2) <= min(e1, e2) for s1, e1 in a for s2, e2 in b)


@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_every_edge_lies_within_both_of_its_nodes(published_graph: Graph, projection: str) -> None:
    """In the written GEXF, each edge spell lies inside a spell of its source and of its target (no spells:
    always); only when the two nodes are never present together does the edge take the shorter one's."""
    (payload,) = render_export(published_graph, "gexf", projection)
    doc = etree.fromstring(payload)
    nodes = {n.get("id"): _gexf_spells(n) for n in doc.iterfind(".//g:node", GEXF_NS)}
    checked = 0
    for edge in doc.iterfind(".//g:edge", GEXF_NS):
        spells, ends = _gexf_spells(edge), [nodes[edge.get("source")], nodes[edge.get("target")]]
        dated = [end for end in ends if end]
        if len(dated) == 2 and not _overlap(*dated):
            assert spells == min(dated, key=lambda end: sum((b - a).days + 1 for a, b in end))
            continue
        assert bool(spells) is bool(dated), edge.get("id")  # undated only when both nodes are
        for start, end in spells:
            for node_spells in dated:
                assert any(a <= start and end <= b for a, b in node_spells), (edge.get("id"), spells, node_spells)
        checked += 1
    assert checked


def test_a_claim_edge_lasts_the_day_the_claim_was_made(networks: dict[str, Network], published_graph: Graph) -> None:
    full = networks["full"]
    spells = {n.id: n.spells for n in full.nodes}
    claims = {str(c) for c in published_graph.subjects(KGO.madeAt, None)}  # the claims made at a dated meeting
    about = [e for e in full.edges if e.kind == "kgo:claimAbout" and e.source in claims]
    assert about
    for edge in about:
        assert len(spells[edge.source]) == 1 and spells[edge.source][0][0] == spells[edge.source][0][1]  # one day
        assert edge.spells == spells[edge.source]  # not the month of the unrest it is about


def test_an_edge_between_nodes_never_present_together_takes_the_shorter_spell(ontology_graph: Graph) -> None:
    g = _event_graph(ontology_graph, "2022-01-01", KGP.month)  # the riot: all January
    meeting, claim = URIRef("https://example.org/id/event/m"), URIRef("https://example.org/id/claim/c")
    g.add((meeting, RDF.type, KGO.Summit))
    _report(g, meeting, "doc/m", "2022-02-10")
    g.add((claim, RDF.type, KGO.Claim))
    g.add((claim, KGO.madeAt, meeting))
    g.add((claim, KGO.claimAbout, URIRef("https://example.org/id/event/e")))
    net = build_network(g, "full")
    (edge,) = [e for e in net.edges if e.kind == "kgo:claimAbout"]
    assert edge.spells == ((dt.date(2022, 2, 10), dt.date(2022, 2, 10)),)  # the claim's day, not January


# --------------------------------------------------------------------------------------------
# CSV and GraphML
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("static", [False, True], ids=["dynamic", "static"])
@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
def test_csv_tables_follow_gephi_spreadsheet_import(
    networks: dict[str, Network], projection: str, static: bool
) -> None:
    net = networks[projection]
    nodes_csv, edges_csv = csv_tables(net, static)
    nodes = list(csv.DictReader(io.StringIO(nodes_csv.decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(edges_csv.decode("utf-8"))))
    assert list(nodes[0])[:3] == ["Id", "Label", "Type"]
    assert list(edges[0])[:7] == ["Source", "Target", "Type", "Id", "Label", "Kind", "Weight"]
    assert len(nodes) == len(net.nodes) and len(edges) == len(net.edges)
    assert {e["Type"] for e in edges} == {"Directed" if net.directed else "Undirected"}
    assert {n["Id"] for n in nodes} >= {e["Source"] for e in edges} | {e["Target"] for e in edges}
    interval_set = re.compile(r"^<\[\d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d\](; \[\d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d\])*>$")
    if static:
        assert "timeset" not in nodes[0] and "timeset" not in edges[0]
    else:
        dated = [row["timeset"] for row in nodes + edges if row["timeset"]]
        assert dated and all(interval_set.match(t) for t in dated)


def test_graphml_declares_one_type_per_key(networks: dict[str, Network]) -> None:
    doc = etree.fromstring(graphml(networks["full"]))
    ns = {"m": "http://graphml.graphdrawing.org/xmlns"}
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in doc.iterfind("m:key", ns)}
    assert keys[("node", "label")] == "string"
    assert keys[("node", "schema:value")] == "long"
    assert keys[("node", "kgo:latitude")] == "double"
    assert keys[("edge", "weight")] == "double"
    assert ("node", "timeset") in keys


# --------------------------------------------------------------------------------------------
# Determinism, the format registry, the CLI, the picture
# --------------------------------------------------------------------------------------------


def test_same_graph_gives_identical_bytes(networks: dict[str, Network], built_dist: Path) -> None:
    from kg.store import open_graph, published_files

    again = open_graph(published_files(built_dist))
    for projection in PROJECTIONS:
        twin = build_network(again, projection)
        assert twin == networks[projection]
        for writer in (gexf, graphml):
            assert writer(twin) == writer(networks[projection])
        assert csv_tables(twin) == csv_tables(networks[projection])


_DIGEST_SCRIPT = """
import hashlib, sys
from pathlib import Path
from kg.exporters.gephi import render_export
from kg.store import open_graph, published_files
graph = open_graph(published_files(Path(sys.argv[1])))
for fmt in ("gexf", "graphml", "csv"):
    for projection in ("full", "actors", "events"):
        for payload in render_export(graph, fmt, projection):
            print(fmt, projection, hashlib.sha256(payload).hexdigest())
"""


@pytest.mark.slow
def test_bytes_do_not_depend_on_the_hash_seed(built_dist: Path) -> None:
    digests = outputs_under_hash_seeds(_DIGEST_SCRIPT, str(built_dist))
    assert digests[0] == digests[1]
    assert len(digests[0].splitlines()) == 12


def test_unknown_format_and_projection_list_the_valid_ones(published_graph: Graph) -> None:
    with pytest.raises(ExportError) as fmt:
        render_export(published_graph, "dot")
    assert all(name in str(fmt.value) for name in EXPORT_FORMATS)
    with pytest.raises(ExportError) as proj:
        render_export(published_graph, "gexf", "people")
    assert all(name in str(proj.value) for name in PROJECTIONS)


def test_output_paths() -> None:
    dist = Path("dist")
    assert output_paths(EXPORT_FORMATS["gexf"], "full") == (dist / "kg-full.gexf",)
    assert output_paths(EXPORT_FORMATS["gexf"], "actors", static=True) == (dist / "kg-actors-static.gexf",)
    assert output_paths(EXPORT_FORMATS["graphml"], "full", lang="id") == (dist / "kg-full-id.graphml",)
    assert output_paths(EXPORT_FORMATS["csv"], "full") == (dist / "kg-full-nodes.csv", dist / "kg-full-edges.csv")
    assert output_paths(EXPORT_FORMATS["csv"], "full", output=Path("o/x.csv")) == (
        Path("o/x-nodes.csv"),
        Path("o/x-edges.csv"),
    )
    assert output_paths(EXPORT_FORMATS["png"], "full", static=True, output=Path("d/p.png")) == (Path("d/p.png"),)


def test_cli_writes_into_the_build_folder(
    built_dist: Path, tmp_path: Path, xsd: etree.XMLSchema, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("kg.ttl", "ontology.ttl"):
        (dist / name).write_bytes((built_dist / name).read_bytes())
    assert main(["export", "gexf", "--dist", str(dist), "--projection", "actors"]) == 0
    assert main(["export", "csv", "--dist", str(dist), "--static"]) == 0
    out = capsys.readouterr().out.split()
    assert out == [
        str(dist / "kg-actors.gexf"),
        str(dist / "kg-full-static-nodes.csv"),
        str(dist / "kg-full-static-edges.csv"),
    ]
    assert_valid_gexf(xsd, etree.parse(str(dist / "kg-actors.gexf")))
    assert main(["export", "graphml", "--dist", str(dist), "-o", str(tmp_path / "x.graphml")]) == 0
    assert (tmp_path / "x.graphml").stat().st_size > 0


def test_cli_without_a_build_says_to_run_kg_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "gexf", "--dist", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "kg build" in err and len(err.strip().splitlines()) == 1
    assert main(["export", "svg", "--dist", str(tmp_path)]) == 2  # the build is checked first …


def test_cli_unknown_format(built_dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "svg", "--dist", str(built_dist)]) == 2
    assert "use one of gexf, graphml, csv, png" in capsys.readouterr().err


def test_png_is_reproducible(networks: dict[str, Network]) -> None:
    pytest.importorskip("matplotlib")
    from kg.exporters.picture import render_png

    first = render_png(networks["actors"])
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert hashlib.sha256(first).digest() == hashlib.sha256(render_png(networks["actors"])).digest()


def test_png_without_matplotlib_names_the_extra(networks: dict[str, Network], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    from kg.exporters.picture import render_png

    with pytest.raises(MissingExtra, match=r"kg-conflict\[docs\]"):
        render_png(networks["actors"])


def test_every_projection_keeps_events_and_actors_apart(networks: dict[str, Network]) -> None:
    events = networks["events"]
    kinds = Counter(n.attributes["category"] for n in events.nodes)
    assert set(kinds) == {"kgo:Event", "kgo:Actor"}
    categories = {n.id: n.attributes["category"] for n in events.nodes}
    assert all((categories[e.source], categories[e.target]) == ("kgo:Actor", "kgo:Event") for e in events.edges)
    assert {n.attributes["category"] for n in networks["actors"].nodes} == {"kgo:Actor"}


def test_to_networkx_keeps_parallel_edges_and_attributes(networks: dict[str, Network]) -> None:
    for net in networks.values():
        graph = net.to_networkx()
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (len(net.nodes), len(net.edges))
    full = networks["full"].to_networkx()
    assert full.number_of_edges(SUMMIT, TOKAYEV) == 2
    assert full.nodes[SUMMIT]["type"] == "kgo:Summit"


_days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2020, 3, 1))


@given(st.lists(st.tuples(_days, st.integers(min_value=0, max_value=20)), max_size=12))
def test_merge_intervals_covers_the_same_days_disjointly(pairs: list[tuple[dt.date, int]]) -> None:
    intervals = [(start, start + dt.timedelta(days=length)) for start, length in pairs]
    merged = merge_intervals(intervals)

    def days(ivs: Iterable[tuple[dt.date, dt.date]]) -> set[dt.date]:
        return {a + dt.timedelta(days=i) for a, b in ivs for i in range((b - a).days + 1)}

    assert days(merged) == days(intervals)
    for (_, end), (start, _) in itertools.pairwise(merged):
        assert end + dt.timedelta(days=1) < start  # sorted, and neither overlapping nor adjacent


Spells = tuple[tuple[dt.date, dt.date], ...]
_spell_lists = st.lists(st.tuples(_days, st.integers(min_value=0, max_value=20)), max_size=6).map(
    lambda pairs: merge_intervals((start, start + dt.timedelta(days=length)) for start, length in pairs)
)


def _covered(ivs: Iterable[tuple[dt.date, dt.date]]) -> set[dt.date]:
    return {a + dt.timedelta(days=i) for a, b in ivs for i in range((b - a).days + 1)}


@given(_spell_lists, _spell_lists)
def test_intersect_intervals_keeps_the_common_days(first: Spells, second: Spells) -> None:
    both = intersect_intervals(first, second)
    assert _covered(both) == _covered(first) & _covered(second)
    assert both == merge_intervals(both)


@given(_spell_lists, _spell_lists, _spell_lists)
def test_spells_within_stays_inside_both_ends(edge: Spells, source: Spells, target: Spells) -> None:
    spells = spells_within(edge, source, target)
    days = _covered(spells)
    meet = (
        _covered(edge) if edge else None,
        _covered(source) if source else None,
        _covered(target) if target else None,
    )
    common = set.intersection(*[d for d in meet if d is not None]) if any(d is not None for d in meet) else set()
    if common or not (source or target):
        assert days == common  # empty for an edge with no spells between two undated nodes: always
    else:
        assert spells == min((s for s in (source, target) if s), key=lambda s: len(_covered(s)))


def test_every_date_precision_has_a_period_end() -> None:
    """Each precision the annotations can give ends its period somewhere, and no earlier than it starts."""
    from kg.exporters.network import PRECISION_END
    from kg.mapping import PRECISIONS

    assert set(PRECISION_END) == set(PRECISIONS.values())
    start = dt.date(2022, 1, 3)
    ends = {name: PRECISION_END[concept](start) for name, concept in PRECISIONS.items()}
    assert ends["day"] == start
    assert ends["days"] == dt.date(2022, 1, 8)  # a span of 2-6 days (UCDP date_prec 2): at most six
    assert ends["week"] == dt.date(2022, 1, 9)  # the week from its first day (UCDP 3, ACLED 2)
    assert ends["month"] == dt.date(2022, 1, 31)
    assert ends["year"] == dt.date(2022, 12, 31)
