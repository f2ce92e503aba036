"""`kg reason`: the seed is consistent and gets the expected inferences (HermiT), the rules give the
same, inconsistent inputs are reported with their individuals, axioms and lines, exit codes, the
xsd:date view, the ontology's OWL 2 DL hygiene, and the stored query that needs inference."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg import pipeline, queries, reasoning
from kg.cli import main
from kg.config import Settings
from kg.errors import ReasoningError
from kg.mapping import Mapped
from kg.namespaces import KGO
from kg.project import load_settings
from kg.reasoning import InconsistentGraph, Inference, ReasonerSettings
from kg.store import open_graph, published_files

CASES = Path(__file__).parent / "cases" / "reasoning"
EXPECTED = json.loads((CASES / "inconsistent.json").read_text(encoding="utf-8"))["cases"]
KG = "https://w3id.org/conflict-kg/id/"
EV = KG + "event/csto-kazakhstan-2022-01-10/"
KAZAKHSTAN = URIRef(KG + "place/kazakhstan")
ALMATY = URIRef(KG + "place/almaty")
REPORT = KG + "report/csto-kazakhstan-2022-01-10/"  # where the seed's dates and places are
SUMMIT = URIRef(EV + "csto-summit")
ALMATY_EVENTS = ("fighting-in-almaty", "gun-shop-seizures-almaty", "interior-ministry-attack-almaty")

HERMIT = ReasonerSettings(engine="hermit")
RULES = ReasonerSettings(engine="rules")


@pytest.fixture(scope="module")
def hermit_seed(seed_mapped: Mapped, ontology_graph: Graph) -> Inference:
    """HermiT on the seed (one run for the module)."""
    return reasoning.reason(seed_mapped.graph, ontology_graph, seed_mapped.origins, HERMIT)


@pytest.fixture(scope="module")
def rules_seed(seed_mapped: Mapped, ontology_graph: Graph) -> Inference:
    return reasoning.reason(seed_mapped.graph, ontology_graph, seed_mapped.origins, RULES)


# --------------------------------------------------------------------------------------------------
# the seed: consistent, and the inferences the published data needs


@pytest.mark.slow
def test_seed_is_consistent_for_hermit(hermit_seed: Inference) -> None:
    assert hermit_seed.engine == "hermit"
    assert len(hermit_seed.graph) > 200


@pytest.mark.slow
def test_almaty_events_are_located_in_kazakhstan(hermit_seed: Inference, seed_graph: Graph) -> None:
    for name in ALMATY_EVENTS:
        report = URIRef(REPORT + name)
        assert (report, KGO.locatedIn, KAZAKHSTAN) in hermit_seed.graph, name
        assert (report, KGO.locatedIn, KAZAKHSTAN) not in seed_graph  # inferred, not asserted
    attack = URIRef(REPORT + "interior-ministry-attack-almaty")
    assert (attack, KGO.locatedIn, ALMATY) in hermit_seed.graph  # facility → Almaty → Kazakhstan
    # the video summit is at a virtual venue, which is within no country
    assert (URIRef(REPORT + "csto-summit"), KGO.locatedIn, KAZAKHSTAN) not in hermit_seed.graph


@pytest.mark.slow
def test_attendees_are_participants_and_attend(hermit_seed: Inference, seed_graph: Graph) -> None:
    attendees = set(seed_graph.objects(SUMMIT, KGO.attendee))
    assert len(attendees) == 7
    for person in attendees:
        assert (SUMMIT, KGO.participant, person) in hermit_seed.graph
        assert (person, KGO.attends, SUMMIT) in hermit_seed.graph
        assert (person, KGO.participatesIn, SUMMIT) in hermit_seed.graph
    chair = seed_graph.value(SUMMIT, KGO.chair)
    assert (SUMMIT, KGO.participant, chair) in hermit_seed.graph


@pytest.mark.slow
def test_types_propagate(hermit_seed: Inference, seed_graph: Graph) -> None:
    violent = {KGO.Riot, KGO.ArmedAttack, KGO.ArmedClash, KGO.Seizure, KGO.Looting, KGO.Blockade, KGO.Unrest}
    events = {e for c in violent for e in seed_graph.subjects(RDF.type, c)}
    assert len(events) >= 10
    for event in events:
        assert (event, RDF.type, KGO.ViolentEvent) in hermit_seed.graph
        assert (event, RDF.type, KGO.Event) in hermit_seed.graph
        assert (event, RDF.type, KGO.NonViolentEvent) not in hermit_seed.graph
    assert (SUMMIT, RDF.type, KGO.Meeting) in hermit_seed.graph
    assert (ALMATY, RDF.type, KGO.Place) in hermit_seed.graph
    for group in seed_graph.subjects(RDF.type, KGO.ArmedGroup):
        assert (group, RDF.type, KGO.Actor) in hermit_seed.graph


@pytest.mark.slow
def test_published_inferences_are_only_new_useful_triples(
    hermit_seed: Inference, seed_graph: Graph, ontology_graph: Graph
) -> None:
    terms = reasoning.ontology_terms(ontology_graph)
    for s, p, o in hermit_seed.graph:
        assert (s, p, o) not in seed_graph
        assert not isinstance(s, BNode) and not isinstance(o, BNode)
        assert s not in terms
        if p == RDF.type:
            assert str(o).startswith(str(KGO)), o
            assert o not in (OWL.Thing, OWL.NamedIndividual)
        else:
            assert str(p).startswith(str(KGO)), p
    base = Settings().base
    data = hermit_seed.turtle(base)
    assert data == hermit_seed.turtle(base)  # deterministic bytes
    assert isomorphic(Graph().parse(data=data, format="turtle"), hermit_seed.graph)


@pytest.mark.slow
def test_rules_agree_with_hermit_on_the_seed(hermit_seed: Inference, rules_seed: Inference) -> None:
    assert rules_seed.engine == "rules"
    assert set(rules_seed.graph) == set(hermit_seed.graph)
    assert rules_seed.turtle("https://w3id.org/conflict-kg/") == hermit_seed.turtle("https://w3id.org/conflict-kg/")


# --------------------------------------------------------------------------------------------------
# inconsistent inputs, named for curators


def _inputs(case: dict[str, Any], settings: Settings) -> Mapped:
    path = CASES / case["input"]
    if path.suffix == ".yaml":
        return pipeline.map_corpus(settings, [path])
    graph, origins = reasoning.read_graph_with_origins([path])
    return Mapped(graph, origins)


@pytest.mark.parametrize("engine", ["rules", pytest.param("hermit", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", EXPECTED, ids=[c["input"].split("/")[0] for c in EXPECTED])
def test_inconsistent_input_is_reported(case: dict[str, Any], engine: str, settings: Settings) -> None:
    mapped = _inputs(case, settings)
    options = ReasonerSettings(engine=engine, confirm=False)
    with pytest.raises(InconsistentGraph) as caught:
        pipeline.infer(mapped, settings, options)
    exc = caught.value
    assert exc.exit_code == 1
    assert f"({engine})" in exc.message
    clashes = [c for c in exc.clashes if str(c.individual) == case["individual"]]
    assert clashes, [str(c.individual) for c in exc.clashes]
    assert case["kind"] in {c.kind for c in clashes}
    text = "\n".join(exc.lines)
    for words in case["says"]:
        assert words in text, words
    for origin in case["origins"]:
        assert f"{CASES / origin}:" in text or f"{origin}:" in text, origin


def test_seed_without_the_bad_annotation_is_consistent_for_the_rules(settings: Settings) -> None:
    """The perpetrator case's clash comes from the case, not from the registry it shares with the seed."""
    mapped = pipeline.map_corpus(settings)
    assert pipeline.infer(mapped, settings, RULES).engine == "rules"


# --------------------------------------------------------------------------------------------------
# the command line


def test_cli_reports_an_inconsistent_file_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["reason", str(CASES / "two-start-dates.ttl"), "--engine", "rules", "--check"])
    err = capsys.readouterr().err
    assert code == 1
    assert "kg reason: the graph is inconsistent (rules)" in err
    assert "two-start-dates.ttl:11" in err
    assert "kg:report/case/fighting" in err


@pytest.mark.slow
def test_cli_hermit_names_and_confirms_the_clash(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["reason", str(CASES / "perpetrator-at-protest" / "annotation.yaml"), "--check", "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 1
    assert "kgo:NonViolentEvent and kgo:ViolentEvent" in err
    assert "annotation.yaml:28" in err  # the perpetrator role
    assert "confirmed: without these 2 asserted triple(s) HermiT finds the graph consistent" in err


@pytest.mark.slow
def test_cli_writes_the_inferred_triples(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hermit_seed: Inference
) -> None:
    code = main(["reason", "--engine", "rules", "--dist", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    target = tmp_path / reasoning.INFERRED_FILE
    assert out.strip() == str(target)
    assert "consistent (rules" in err
    assert target.read_bytes() == hermit_seed.turtle(Settings().base)


def test_cli_without_java_exits_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("owlready2.JAVA_EXE", "/nonexistent/java")
    code = main(["reason", str(CASES / "two-start-dates.ttl"), "--engine", "hermit", "--check"])
    err = capsys.readouterr().err
    assert code == 2
    assert "needs Java" in err and "--engine rules" in err


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ReasoningError, match="auto, hermit, rules"):
        ReasonerSettings(engine="pellet")


@pytest.mark.parametrize(
    ("engine", "size", "expected"),
    [("auto", 10, "hermit"), ("auto", 11, "rules"), ("rules", 1, "rules"), ("hermit", 99, "hermit")],
)
def test_engine_choice(engine: str, size: int, expected: str) -> None:
    assert reasoning.choose_engine(ReasonerSettings(engine=engine, hermit_max_triples=10), size) == expected


@pytest.mark.slow
def test_build_reason_publishes_asserted_and_inferred(tmp_path: Path, hermit_seed: Inference) -> None:
    result = pipeline.build(load_settings({"dist_dir": tmp_path}), reason=True)  # the bundled project, as the seed
    assert tmp_path / reasoning.INFERRED_FILE in result.files
    assert (tmp_path / reasoning.INFERRED_FILE).read_bytes() == hermit_seed.turtle(Settings().base)
    assert (tmp_path / "kg.ttl").is_file()


# --------------------------------------------------------------------------------------------------
# what HermiT is handed


def test_hermit_date_is_midnight_utc() -> None:
    midnight = reasoning.hermit_date(Literal("2022-01-10", datatype=XSD.date))
    assert (str(midnight), midnight.datatype) == ("2022-01-10T00:00:00Z", XSD.dateTime)
    zoned = Literal("2022-01-10+06:00", datatype=XSD.date, normalize=False)
    assert str(reasoning.hermit_date(zoned)) == "2022-01-10T00:00:00+06:00"
    with pytest.raises(ReasoningError, match="not a valid xsd:date"):
        reasoning.hermit_date(Literal("10/01/2022", datatype=XSD.date))


@given(st.dates(min_value=dt.date(1, 1, 1)), st.dates(min_value=dt.date(1, 1, 1)))
def test_hermit_date_keeps_equality_and_order(a: dt.date, b: dt.date) -> None:
    ta = reasoning.hermit_date(Literal(a.isoformat(), datatype=XSD.date)).toPython()
    tb = reasoning.hermit_date(Literal(b.isoformat(), datatype=XSD.date)).toPython()
    assert (ta == tb) == (a == b)
    assert (ta < tb) == (a < b)


def test_hermit_view_has_no_xsd_date_and_declares_names_distinct(seed_graph: Graph, ontology_graph: Graph) -> None:
    view = reasoning.hermit_view(seed_graph, ontology_graph)
    assert not any(o == XSD.date or (isinstance(o, Literal) and o.datatype == XSD.date) for o in view.objects())
    dates = set(view.objects(URIRef(REPORT + "csto-summit"), KGO.startDate))
    assert {(str(d), d.datatype) for d in dates} == {("2022-01-10T00:00:00Z", XSD.dateTime)}  # type: ignore[attr-defined]
    assert (None, RDF.type, OWL.AllDifferent) in view


def test_country_axioms_cover_countries_with_places_inside() -> None:
    graph, _ = reasoning.read_graph_with_origins([CASES / "city-in-two-countries.ttl"])
    axioms = reasoning.country_axioms(graph)
    assert set(axioms.objects(None, OWL.hasValue)) == {KAZAKHSTAN, URIRef(KG + "place/russia")}
    assert (None, RDF.type, OWL.AllDisjointClasses) in axioms
    assert len(reasoning.country_axioms(Graph())) == 0


def test_unsupported_datatype_is_refused_before_java(ontology_graph: Graph) -> None:
    data = Graph()
    data.add((URIRef(EV + "x"), KGO.description, Literal("2022", datatype=XSD.gYear)))
    with pytest.raises(ReasoningError, match="not in the OWL 2 datatype map"):
        reasoning.hermit_view(data, ontology_graph)


def test_rules_and_checks_are_well_formed() -> None:
    from rdflib.plugins.sparql import prepareQuery

    rules = reasoning.load_rules(reasoning.ReasonerSettings().rules_dir)
    checks = reasoning.load_rules(reasoning.ReasonerSettings().rules_dir / "checks")
    assert {r.name for r in rules} >= {"cax-sco", "prp-dom", "prp-rng", "prp-spo1", "prp-spo2", "prp-inv", "prp-trp"}
    assert {c.name for c in checks} == set(reasoning.CLASH_DESCRIPTIONS)
    for rule in rules:
        assert prepareQuery(rule.text).algebra.name == "ConstructQuery", rule.name
    for check in checks:
        query = prepareQuery(check.text)
        assert query.algebra.name == "SelectQuery", check.name
        assert {"x", "a", "b"} <= {str(v) for v in query.algebra["PV"]}, check.name


# --------------------------------------------------------------------------------------------------
# the ontology stays OWL 2 DL (the checks that matter for HermiT's answers)

_DECLARATIONS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def test_every_property_is_declared_once(ontology_graph: Graph, seed_graph: Graph) -> None:
    builtin = (str(RDF), str(RDFS), str(OWL))
    used = {
        p for p in set(seed_graph.predicates()) | set(ontology_graph.predicates()) if not str(p).startswith(builtin)
    }
    used |= set(ontology_graph.subjects(RDFS.subPropertyOf)) | set(ontology_graph.objects(None, RDFS.subPropertyOf))
    for prop in used:
        kinds = [k for k in _DECLARATIONS if (prop, RDF.type, k) in ontology_graph]
        assert len(kinds) == 1, f"{prop} is declared as {kinds}"


def test_every_class_used_is_declared(ontology_graph: Graph, seed_graph: Graph) -> None:
    used = set(seed_graph.objects(None, RDF.type))
    used |= {o for p in (RDFS.subClassOf, RDFS.domain, RDFS.range) for o in ontology_graph.objects(None, p)}
    datatypes = {o for o in used if str(o).startswith(str(XSD))}
    for cls in used - datatypes:
        assert isinstance(cls, BNode) or (cls, RDF.type, OWL.Class) in ontology_graph, cls


def test_functional_object_properties_are_simple(ontology_graph: Graph) -> None:
    """OWL 2 DL: no transitive property, property chain or their super-properties may be functional."""
    composite = set(ontology_graph.subjects(RDF.type, OWL.TransitiveProperty))
    composite |= set(ontology_graph.subjects(OWL.propertyChainAxiom))
    changed = True
    while changed:
        supers = {o for s in composite for o in ontology_graph.objects(s, RDFS.subPropertyOf)}
        inverses = {o for s in composite for o in ontology_graph.objects(s, OWL.inverseOf)}
        inverses |= {s for o in composite for s in ontology_graph.subjects(OWL.inverseOf, o)}
        changed = not (supers | inverses) <= composite
        composite |= supers | inverses
    functional = set(ontology_graph.subjects(RDF.type, OWL.FunctionalProperty))
    assert functional and not functional & composite, functional & composite
    assert (KGO.startDate, RDF.type, OWL.FunctionalProperty) in ontology_graph


# --------------------------------------------------------------------------------------------------
# the stored query that needs inference


@pytest.mark.slow
def test_located_in_query_needs_the_inferred_triples(built_dist: Path, hermit_seed: Inference, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(built_dist, dist)
    (dist / reasoning.INFERRED_FILE).write_bytes(hermit_seed.turtle(Settings().base))
    query = queries.load_queries()["events-located-in-inferred"]
    assert "--reason" in query.description
    bindings = queries.bind_params(query, {"place": str(KAZAKHSTAN)})

    def events(include_inferred: bool) -> set[str]:
        graph = open_graph(published_files(dist, include_inferred=include_inferred))
        return {str(row["event"]) for row in queries.run_query(graph, query.text, bindings)}  # type: ignore[index]

    inferred = events(True)
    # the seed's reports of fighting in Almaty are of the registry's Almaty unrest
    almaty = {EV + "gun-shop-seizures-almaty", EV + "interior-ministry-attack-almaty", KG + "event/almaty-unrest-2022"}
    assert almaty <= inferred
    assert KG + "event/kazakhstan-unrest-2022" in inferred
    assert str(SUMMIT) not in inferred
    assert events(False) == set()
