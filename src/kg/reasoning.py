"""OWL reasoning over the data graph: consistency, clashes named for curators, inferred triples.

Two engines give the same published inferences (types in kgo:, kgo: property values):

- ``hermit``: owlready2 and its bundled HermiT (OWL 2 DL, complete; needs Java). It is handed a
  view of ontology + data in which xsd:date values become xsd:dateTime (`hermit_date`), every
  name denotes a different thing, and countries do not overlap (`country_axioms`).
- ``rules``: the OWL 2 RL rules in ``ontology/rules/*.rq`` run to a fixpoint in Oxigraph, and the
  clash checks in ``ontology/rules/checks/*.rq``. It scales to graphs HermiT cannot hold.

HermiT only says "inconsistent"; `explain` names the clash with the rules' checks, traces each
clash to the asserted triples (and so to the annotation file and line) behind it, and HermiT is
run again without those triples to confirm. This is the only module that imports owlready2.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kg import paths
from kg.errors import ReasoningError
from kg.exporters.rdf import turtle
from kg.mapping import Origin
from kg.namespaces import KGO
from kg.store import read_rdf
from kg.validation import curie, label_of

Triple = tuple[Node, Node, Node]

#: engine names; "auto" is HermiT up to `ReasonerSettings.hermit_max_triples` asserted triples, else rules
ENGINES = ("auto", "hermit", "rules")

#: Above this many asserted data triples "auto" uses the rules. HermiT took 6 s on the seed (2.9k
#: triples), 21 s on 4.5k and 77 s on 18k synthetic triples; the rules 3 s on 18k (benchmarks/reasoning.md).
HERMIT_MAX_TRIPLES = 10_000

#: File name of the inferred triples in dist/ (kg.store.published_files knows it too).
INFERRED_FILE = paths.INFERRED_NAME

_INFERRED_HEADER = (
    b"# Triples entailed by dist/kg.ttl and dist/ontology.ttl (`kg reason`), kept apart from the asserted\n"
    b"# graph: no source states them. Load all three files to query with inference.\n"
)

_OWL2_XSD_NAMES = (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte"
    " unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language"
    " Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
)
#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4), which HermiT accepts.
OWL2_DATATYPES = frozenset({XSD[name] for name in _OWL2_XSD_NAMES.split()}) | {
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    RDF.langString,
    RDFS.Literal,
    OWL.real,
    OWL.rational,
}

#: rdf:type objects that make a subject a term of the ontology rather than an individual
_TBOX_TYPES = frozenset(
    {OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction, OWL.Ontology, OWL.AllDisjointClasses, OWL.AllDifferent}
    | {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property, OWL.FunctionalProperty}
    | {OWL.TransitiveProperty, OWL.InverseFunctionalProperty, OWL.SymmetricProperty}
)
_BUILTIN_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))


@dataclass(frozen=True)
class ReasonerSettings:
    """How `kg reason` reasons."""

    #: "hermit", "rules", or "auto" (HermiT up to `hermit_max_triples` asserted triples, rules above).
    engine: str = "auto"
    #: Size limit for HermiT under "auto", in asserted data triples.
    hermit_max_triples: int = HERMIT_MAX_TRIPLES
    #: Java heap for HermiT, in MB (owlready2's JAVA_MEMORY).
    java_memory_mb: int = 1024
    #: Folder of the rules (*.rq) and of the clash checks (checks/*.rq).
    rules_dir: Path = paths.RULES_DIR
    #: After naming the clashes of an inconsistent graph, run HermiT again without the triples
    #: behind them to confirm that they are the whole story.
    confirm: bool = True

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ReasoningError(f"unknown reasoning engine {self.engine!r}", hint=f"use one of {', '.join(ENGINES)}")


@dataclass(frozen=True)
class Inference:
    """What reasoning over a consistent graph gave."""

    #: the engine that ran: "hermit" or "rules"
    engine: str
    #: the published inferred triples: not asserted, about individuals of the data, kgo: terms only
    graph: Graph

    def turtle(self, base: str | None = None) -> bytes:
        """The inferred triples as deterministic Turtle, for dist/kg-inferred.ttl."""
        return _INFERRED_HEADER + turtle(self.graph, base)


@dataclass(frozen=True)
class Clash:
    """One reason why the graph is inconsistent, and the asserted triples behind it."""

    #: the check that found it: the name of a file in ontology/rules/checks/
    kind: str
    #: the individual the clash is about
    individual: Node
    #: the two clashing classes, or (property, value, value)
    terms: tuple[Node, ...]
    #: asserted triples that lead to the clash, each with why it matters
    support: tuple[tuple[Triple, str], ...] = ()


class InconsistentGraph(ReasoningError):
    """The reasoner found the graph inconsistent; `lines` name the clashing individuals and axioms."""

    exit_code = 1

    def __init__(self, message: str, lines: list[str], clashes: Sequence[Clash]) -> None:
        self.lines = lines
        self.clashes = tuple(clashes)
        super().__init__(message, hint="fix the annotations named above, or run `kg reason` for the details")


# ---------------------------------------------------------------------------------------------
# Views of ontology + data for the engines
# ---------------------------------------------------------------------------------------------

_DATE = re.compile(r"(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")


def hermit_date(value: Literal) -> Literal:
    """HermiT's view of an xsd:date: the xsd:dateTime of its first instant (midnight, UTC unless it has a zone).

    xsd:date is not in the OWL 2 datatype map and HermiT refuses it; xsd:dateTime is. The mapping is
    one-to-one and keeps the order, so two different start days still clash on the functional
    kgo:startDate. Only the reasoner sees it: the published data keeps xsd:date.
    """
    match = _DATE.fullmatch(str(value))
    if match is None:
        raise ReasoningError(f"{str(value)!r} is not a valid xsd:date", hint="write dates as YYYY-MM-DD")
    return Literal(f"{match[1]}T00:00:00{match[2] or 'Z'}", datatype=XSD.dateTime, normalize=False)


def ontology_terms(ontology: Graph) -> set[Node]:
    """Classes, properties, datatypes and restrictions declared in the ontology."""
    return {s for t in _TBOX_TYPES for s in ontology.subjects(RDF.type, t)}


def individuals(data: Graph, ontology: Graph) -> set[URIRef]:
    """The IRIs that the data uses as things (not as classes or properties)."""
    terms = ontology_terms(ontology) | set(data.objects(None, RDF.type)) | set(data.predicates())
    found = {n for n in chain(data.subjects(), data.objects()) if isinstance(n, URIRef)}
    return {n for n in found - terms if not str(n).startswith(_BUILTIN_NAMESPACES)}


def country_axioms(data: Graph) -> Graph:
    """Countries do not overlap: `withinPlace value C` for each country C, declared pairwise disjoint.

    A place within two countries is then in two disjoint classes. OWL cannot say this once for
    all countries (kgo:withinPlace is transitive, so no cardinality may be put on it), hence one
    class per country of the data (typed kgo:Country there) that has a place inside it: a country
    without one cannot be one of a place's two countries, and every class costs HermiT time.
    """
    axioms = Graph()
    inside = set(data.objects(None, KGO.withinPlace)) | set(data.subjects(KGO.containsPlace, None))
    countries = sorted(c for c in set(data.subjects(RDF.type, KGO.Country)) & inside if isinstance(c, URIRef))
    if len(countries) < 2:
        return axioms
    members: list[Node] = []
    for country in countries:
        restriction = BNode()
        axioms.add((restriction, RDF.type, OWL.Restriction))
        axioms.add((restriction, OWL.onProperty, KGO.withinPlace))
        axioms.add((restriction, OWL.hasValue, country))
        members.append(restriction)
    disjoint, head = BNode(), BNode()
    axioms.add((disjoint, RDF.type, OWL.AllDisjointClasses))
    axioms.add((disjoint, OWL.members, head))
    Collection(axioms, head, members)
    return axioms


def merge_candidates(data: Graph, ontology: Graph) -> set[URIRef]:
    """The names a functional object property could make equal: its values, and subjects of its inverses.

    Functional properties are the ontology's only way to equate two names (it has no keys, no
    maximum cardinalities, no owl:sameAs), so declaring these different is declaring all
    names different, at a fraction of the cost for HermiT (n² inequalities).
    """
    tbox = _TBox.of(ontology)
    functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty)) & set(
        ontology.subjects(RDF.type, OWL.ObjectProperty)
    )
    found: set[URIRef] = set()
    for p in set(data.predicates()):
        supers = set(tbox.superprops(p))
        inverse_supers = {q for r in tbox.inverses.get(p, ()) for q in tbox.superprops(r)}
        if supers & functional:
            found.update(o for o in data.objects(None, p) if isinstance(o, URIRef))
        if inverse_supers & functional:
            found.update(s for s in data.subjects(p, None) if isinstance(s, URIRef))
    return found


def distinct_names(names: Iterable[URIRef]) -> Graph:
    """owl:AllDifferent over `names`: kg mints one IRI per thing, so different IRIs are different things."""
    axioms = Graph()
    ordered = sorted(set(names))
    if len(ordered) < 2:
        return axioms
    node, head = BNode(), BNode()
    axioms.add((node, RDF.type, OWL.AllDifferent))
    axioms.add((node, OWL.distinctMembers, head))
    Collection(axioms, head, list(ordered))
    return axioms


def owl_declarations(vocabulary: Graph) -> Graph:
    """An RDFS vocabulary (the Web Annotation Vocabulary is one) with the OWL 2 declarations it lacks.

    OWL 2 DL needs every class and property declared with one kind (Structural Specification, 5.8);
    an rdf:Property whose range is a datatype becomes an owl:DatatypeProperty, any other one an
    owl:ObjectProperty, an rdfs:Class an owl:Class. Typing a thing as rdfs:Resource says nothing and
    is dropped, and so is owl:imports: owlready2 would fetch the imported IRI over the network, and
    the caller hands over every file it means to load. The vocabulary's own axioms (domains, ranges,
    subclasses) are kept as they are.
    """
    datatypes = OWL2_DATATYPES | {XSD.date, RDFS.Literal}
    view = Graph()
    for s, p, o in vocabulary:
        if (p == RDF.type and o == RDFS.Resource) or p == OWL.imports:
            continue
        view.add((s, p, o))
    declared = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in vocabulary.subjects(RDF.type, kind)
    }
    for prop in set(vocabulary.subjects(RDF.type, RDF.Property)) - declared:
        literal = any(r in datatypes for r in vocabulary.objects(prop, RDFS.range))
        view.add((prop, RDF.type, OWL.DatatypeProperty if literal else OWL.ObjectProperty))
    for cls_ in set(vocabulary.subjects(RDF.type, RDFS.Class)):
        view.add((cls_, RDF.type, OWL.Class))
    return view


def hermit_view(data: Graph, ontology: Graph) -> Graph:
    """Ontology + data as HermiT gets them: dates as dateTime, distinct names, non-overlapping countries."""
    view = Graph()
    extra = chain(country_axioms(data), distinct_names(merge_candidates(data, ontology)))
    for s, p, o in chain(ontology, data, extra):
        if isinstance(o, Literal) and o.datatype == XSD.date:
            o = hermit_date(o)
        elif o == XSD.date:
            o = XSD.dateTime
        elif isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            raise ReasoningError(
                f"{curie(s)} {curie(p)} {o.n3()}: datatype {curie(o.datatype)} is not in the OWL 2 datatype map",
                hint="HermiT cannot reason with it; use --engine rules or an OWL 2 datatype",
            )
        view.add((s, p, o))
    return view


def rules_view(data: Graph, ontology: Graph) -> tuple[Graph, Graph]:
    """(data, TBox) for the rules: the TBox is the ontology + country axioms with every blank node named.

    Oxigraph renames blank nodes when it loads them; named (skolem) class expressions come back
    from the checks as the same IRIs, so a clash can be described from the TBox graph.
    """
    tbox = Graph()
    for triple in chain(ontology, country_axioms(data)):
        tbox.add(triple)
    return data, tbox.skolemize()


# ---------------------------------------------------------------------------------------------
# HermiT through owlready2
# ---------------------------------------------------------------------------------------------

_VIEW_IRI = "http://kg.invalid/reasoning-view"
_OWLREADY_INFERENCES = "http://inferrences/"


def _java_error(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("at ")]
    return lines[-1] if lines else "no message"


def run_hermit(view: Graph, java_memory_mb: int = 1024, property_values: bool = True) -> Graph | None:
    """Run HermiT on `view`; return what it derived (direct types, subclass links, property values).

    None means inconsistent. Without `property_values` HermiT only checks consistency and classifies:
    its property-value pass fails on owl:sameAs between individuals (ConcurrentModificationException).
    """
    import owlready2
    from owlready2 import reasoning as owlready_reasoning

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ReasoningError(
            f"HermiT needs Java, and {owlready2.JAVA_EXE!r} was not found",
            hint="install a Java runtime (Debian: apt-get install default-jre-headless) or use --engine rules",
        )
    world = owlready2.World()
    previous_memory = owlready_reasoning.JAVA_MEMORY
    try:
        data = view.serialize(format="nt", encoding="utf-8")
        world.get_ontology(_VIEW_IRI).load(fileobj=BytesIO(data), format="ntriples")
        owlready_reasoning.JAVA_MEMORY = java_memory_mb
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=property_values, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return None
        except owlready2.OwlReadyJavaError as exc:
            raise ReasoningError(
                f"HermiT failed: {_java_error(str(exc))}",
                hint="for large graphs use --engine rules, or raise the Java memory",
            ) from None
        except OSError as exc:
            raise ReasoningError(f"cannot run Java for HermiT: {exc}", hint="check the Java installation") from None
        out = BytesIO()
        world.get_ontology(_OWLREADY_INFERENCES).save(out, format="ntriples")
        return Graph().parse(data=out.getvalue(), format="nt")
    finally:
        owlready_reasoning.JAVA_MEMORY = previous_memory
        world.close()


def _closure(start: Node, parents: Mapping[Node, set[Node]]) -> list[Node]:
    """`start` and everything above it, nearest first (breadth-first; siblings sorted)."""
    seen, order, todo = {start}, [start], deque([start])
    while todo:
        for parent in sorted(parents.get(todo.popleft(), ()), key=str):
            if parent not in seen:
                seen.add(parent)
                order.append(parent)
                todo.append(parent)
    return order


def _property_ups(graphs: Iterable[Graph]) -> dict[tuple[Node, bool], set[tuple[Node, bool]]]:
    """(property, forward?) → the (super-property, forward?) it implies, inverses included."""
    ups: dict[tuple[Node, bool], set[tuple[Node, bool]]] = {}
    for graph in graphs:
        for p, q in graph.subject_objects(RDFS.subPropertyOf):
            for forward in (True, False):
                ups.setdefault((p, forward), set()).add((q, forward))
        for p, q in graph.subject_objects(OWL.inverseOf):
            for a, b in ((p, q), (q, p)):
                for forward in (True, False):
                    ups.setdefault((a, forward), set()).add((b, not forward))
    return ups


_HIERARCHY = frozenset(
    {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf}
)


def hermit_entailments(view: Graph, derived: Graph) -> set[Triple]:
    """Every type and object-property value that HermiT's answer entails for named individuals.

    HermiT reports the most specific types and properties only: the rest follows from its class
    and property hierarchies. owlready2 drops a derived value whose inverse was asserted; going
    up the hierarchy with inverses puts it back.
    """
    parents: dict[Node, set[Node]] = {}
    for c, d in chain(view.subject_objects(RDFS.subClassOf), derived.subject_objects(RDFS.subClassOf)):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            parents.setdefault(c, set()).add(d)
    ups = _property_ups((view, derived))
    closures: dict[Node, set[tuple[Node, bool]]] = {}
    out: set[Triple] = set()
    for s, p, o in chain(view, derived):
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or p in _HIERARCHY:
            continue
        if p == RDF.type:
            out.update((s, RDF.type, c) for c in _closure(o, parents))
            continue
        if p not in closures:
            closures[p] = {n for n in _closure((p, True), ups) if isinstance(n, tuple)}  # type: ignore[arg-type]
        for q, forward in closures[p]:
            out.add((s, q, o) if forward else (o, q, s))
    return out


# ---------------------------------------------------------------------------------------------
# Rules on Oxigraph
# ---------------------------------------------------------------------------------------------

_DATA = ox.NamedNode("urn:kg:reasoning:data")
_TBOX = ox.NamedNode("urn:kg:reasoning:tbox")
_INFERRED = ox.NamedNode("urn:kg:reasoning:inferred")
_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{(?P<template>[^{}]*)\}\s*WHERE\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """One SPARQL rule or check, read from a file."""

    name: str
    path: Path
    text: str


def load_rules(folder: Path) -> tuple[Rule, ...]:
    """The *.rq files of `folder`, sorted by name."""
    if not folder.is_dir():
        raise ReasoningError("rules folder not found", file=folder, hint="reinstall kg or pass the right folder")
    return tuple(Rule(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq")))


def _as_insert(rule: Rule) -> str:
    """Turn `CONSTRUCT {T} WHERE {W}` into an update adding T to the inferred graph, reading all graphs."""
    match = _CONSTRUCT.search(rule.text)
    if match is None:
        raise ReasoningError("a rule must be one `CONSTRUCT { … } WHERE { … }` query", file=rule.path)
    using = "".join(f" USING <{g.value}>" for g in (_DATA, _TBOX, _INFERRED))
    head = f"INSERT {{ GRAPH <{_INFERRED.value}> {{{match['template']}}} }}{using} WHERE"
    return rule.text[: match.start()] + head + rule.text[match.end() :]


def _nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def materialise(data: Graph, tbox: Graph, rules: Sequence[Rule], max_rounds: int = 64) -> ox.Store:
    """Apply `rules` to data + TBox until nothing new appears; the new triples are in their own graph."""
    store = ox.Store()
    store.load(_nt(data), format=ox.RdfFormat.N_TRIPLES, to_graph=_DATA)
    store.load(_nt(tbox), format=ox.RdfFormat.N_TRIPLES, to_graph=_TBOX)
    updates = [(rule, _as_insert(rule)) for rule in rules]
    size = len(store)
    for _ in range(max_rounds):
        for rule, update in updates:
            try:
                store.update(update)
            except (SyntaxError, ValueError, OSError) as exc:
                raise ReasoningError(f"rule {rule.name} failed: {exc}", file=rule.path) from None
        new_size = len(store)
        if new_size == size:
            return store
        size = new_size
    raise ReasoningError(f"the rules found no fixpoint in {max_rounds} rounds", hint="check the rules for loops")


def _from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = URIRef(term.datatype.value)
        return Literal(term.value) if datatype == XSD.string else Literal(term.value, datatype=datatype)
    raise ReasoningError(f"unexpected term {term!r} from Oxigraph")


def _select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    solutions = store.query(query, **options)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ReasoningError("a check must be a SELECT query", hint=query.splitlines()[0] if query else None)
    return solutions


def inferred_triples(store: ox.Store) -> Iterator[Triple]:
    """The triples the rules added that were not asserted, between IRIs, with a kgo: property or class.

    (A first cut made in Oxigraph, so that few rows come back to Python; `published_inferences`
    makes the final one for both engines.)
    """
    query = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{_INFERRED.value}> {{ ?s ?p ?o }} "
        f"FILTER(isIRI(?s) && isIRI(?o)) "
        f'FILTER(STRSTARTS(STR(?p), "{KGO}") || (?p = <{RDF.type}> && STRSTARTS(STR(?o), "{KGO}"))) '
        f"FILTER NOT EXISTS {{ GRAPH <{_DATA.value}> {{ ?s ?p ?o }} }} }}"
    )
    for row in _select(store, query):
        yield _from_ox(row["s"]), _from_ox(row["p"]), _from_ox(row["o"])


def run_checks(store: ox.Store, checks: Sequence[Rule]) -> list[tuple[str, dict[str, Node]]]:
    """Run the clash checks on the closure; return (check name, bindings) for every row."""
    rows: list[tuple[str, dict[str, Node]]] = []
    for check in checks:
        try:
            solutions = _select(store, check.text, default_graph=[_DATA, _TBOX, _INFERRED])
        except (SyntaxError, ValueError, OSError) as exc:
            raise ReasoningError(f"check {check.name} failed: {exc}", file=check.path) from None
        names = [v.value for v in solutions.variables]
        for row in solutions:
            rows.append((check.name, {n: _from_ox(row[n]) for n in names if row[n] is not None}))
    return rows


# ---------------------------------------------------------------------------------------------
# What is published
# ---------------------------------------------------------------------------------------------


def published_inferences(entailed: Iterable[Triple], data: Graph, ontology: Graph) -> Graph:
    """Keep the useful inferences: new (asserted neither in the data nor in the ontology and its vocabularies,
    such as a CAMEO root's quad class), about the data's individuals, kgo: classes or kgo: properties."""
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c.startswith(KGO)}
    properties = {
        p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef) and p.startswith(KGO)
    }
    things = individuals(data, ontology)
    out = Graph()
    for s, p, o in entailed:
        if s not in things or not isinstance(o, URIRef) or (s, p, o) in data or (s, p, o) in ontology:
            continue
        if (p == RDF.type and o in classes) or p in properties:
            out.add((s, p, o))
    return out


# ---------------------------------------------------------------------------------------------
# Naming the clashes
# ---------------------------------------------------------------------------------------------


@dataclass
class _TBox:
    """The parts of the ontology that explain where a type or a value came from."""

    graph: Graph
    super_classes: dict[Node, list[Node]] = field(default_factory=dict)
    super_properties: dict[Node, list[Node]] = field(default_factory=dict)
    inverses: dict[Node, set[Node]] = field(default_factory=dict)
    domains: dict[Node, set[Node]] = field(default_factory=dict)
    ranges: dict[Node, set[Node]] = field(default_factory=dict)
    transitive: set[Node] = field(default_factory=set)

    @classmethod
    def of(cls, tbox: Graph) -> _TBox:
        t = cls(tbox)
        parents: dict[Node, set[Node]] = {}
        for c, d in chain(tbox.subject_objects(RDFS.subClassOf), tbox.subject_objects(OWL.equivalentClass)):
            parents.setdefault(c, set()).add(d)
        t.super_classes = {c: _closure(c, parents) for c in set(parents) | set(chain(*parents.values()))}
        sup: dict[Node, set[Node]] = {}
        for p, q in tbox.subject_objects(RDFS.subPropertyOf):
            sup.setdefault(p, set()).add(q)
        t.super_properties = {p: _closure(p, sup) for p in set(sup) | set(chain(*sup.values()))}
        for p, q in tbox.subject_objects(OWL.inverseOf):
            t.inverses.setdefault(p, set()).add(q)
            t.inverses.setdefault(q, set()).add(p)
        for p, c in tbox.subject_objects(RDFS.domain):
            t.domains.setdefault(p, set()).add(c)
        for p, c in tbox.subject_objects(RDFS.range):
            t.ranges.setdefault(p, set()).add(c)
        t.transitive = set(tbox.subjects(RDF.type, OWL.TransitiveProperty))
        return t

    def supers(self, cls_: Node) -> list[Node]:
        return self.super_classes.get(cls_, [cls_])

    def superprops(self, prop: Node) -> list[Node]:
        return self.super_properties.get(prop, [prop])

    def implied_types(self, triple: Triple, node: Node) -> Iterator[tuple[Node, str]]:
        """Classes that one asserted triple puts `node` in, each with the axiom that does it."""
        s, p, o = triple
        if p == RDF.type and s == node:
            yield o, "its asserted type"
            return
        for q in self.superprops(p):
            ends = []
            if s == node:
                ends += [(c, f"domain of {curie(q)}") for c in self.domains.get(q, ())]
                ends += [
                    (c, f"range of {curie(r)}, the inverse of {curie(q)}")
                    for r in self.inverses.get(q, ())
                    for c in self.ranges.get(r, ())
                ]
            if o == node:
                ends += [(c, f"range of {curie(q)}") for c in self.ranges.get(q, ())]
                ends += [
                    (c, f"domain of {curie(r)}, the inverse of {curie(q)}")
                    for r in self.inverses.get(q, ())
                    for c in self.domains.get(r, ())
                ]
            yield from ends


def _type_support(node: Node, cls_: Node, data: Graph, tbox: _TBox) -> list[tuple[Triple, str]]:
    """Asserted triples that put `node` in `cls_`: one triple, or a path for a restriction."""
    triples = chain(data.triples((node, None, None)), data.triples((None, None, node)))
    for triple in sorted(triples):
        for implied, why in tbox.implied_types(triple, node):
            if cls_ in tbox.supers(implied):
                return [(triple, why)]
    subs = sorted((c for c, sups in tbox.super_classes.items() if cls_ in sups and c != cls_), key=str)
    for sub in [cls_, *subs]:
        path = _restriction_support(node, sub, data, tbox)
        if path:
            return path
    return []


def _restriction_support(node: Node, restriction: Node, data: Graph, tbox: _TBox) -> list[tuple[Triple, str]]:
    g = tbox.graph
    prop = g.value(restriction, OWL.onProperty)
    if prop is None:
        return []
    value, some = g.value(restriction, OWL.hasValue), g.value(restriction, OWL.someValuesFrom)
    if value is not None:
        return _value_path(node, prop, value.__eq__, data, tbox)
    if some is not None:

        def accept(n: Node) -> bool:
            return bool(_type_support(n, some, data, tbox))

        return _value_path(node, prop, accept, data, tbox)
    return []


def _value_path(
    start: Node, prop: Node, accept: Callable[[Node], bool], data: Graph, tbox: _TBox
) -> list[tuple[Triple, str]]:
    """Shortest chain of asserted triples giving `start prop y` with accept(y).

    Follows sub-properties, inverses and, for a transitive `prop`, several steps.
    """
    why = f"value of {curie(prop)}"
    previous: dict[Node, tuple[Node, Triple]] = {}
    todo, seen = deque([start]), {start}
    while todo:
        n = todo.popleft()
        steps = [((n, p, y), y) for p, y in data.predicate_objects(n) if prop in tbox.superprops(p)]
        steps += [
            ((y, p, n), y)
            for y, p in data.subject_predicates(n)
            if any(prop in tbox.superprops(q) for q in tbox.inverses.get(p, ()))
        ]
        for triple, y in sorted(steps):
            if y in seen:
                continue
            seen.add(y)
            previous[y] = (n, triple)
            if accept(y):
                path: list[tuple[Triple, str]] = []
                while y != start:
                    y, step = previous[y]
                    path.append((step, why))
                return path[::-1]
            if prop in tbox.transitive:
                todo.append(y)
    return []


def _short(node: Node) -> str:
    """kg's prefixes, and `kg:…` for instance IRIs under any base (`…/id/…`)."""
    if isinstance(node, Literal):
        if node.language:
            return f'"{node}"@{node.language}'
        return f'"{node}"' + (f"^^{curie(node.datatype)}" if node.datatype else "")
    text = curie(node)
    if text.startswith("<") and "/id/" in text:
        return "kg:" + text[1:-1].split("/id/", 1)[1]
    return text


def _name(node: Node, graph: Graph) -> str:
    label = label_of(graph, node) if isinstance(node, URIRef) else str(node)
    return f"{label} [{_short(node)}]" if isinstance(node, URIRef) and label != str(node) else _short(node)


def render_class(node: Node, tbox: Graph, data: Graph) -> str:
    """A class or class expression in words: `kgo:Place`, `(kgo:withinPlace value Russia)`, `not (…)`."""
    if (
        isinstance(node, URIRef)
        and tbox.value(node, OWL.onProperty) is None
        and tbox.value(node, OWL.complementOf) is None
    ):
        return curie(node)
    inner = tbox.value(node, OWL.complementOf)
    if inner is not None:
        return f"not {render_class(inner, tbox, data)}"
    prop = tbox.value(node, OWL.onProperty)
    for kind, word in ((OWL.hasValue, "value"), (OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only")):
        filler = tbox.value(node, kind)
        if filler is not None:
            what = _name(filler, data) if kind == OWL.hasValue else render_class(filler, tbox, data)
            return f"({curie(prop)} {word} {what})"
    return curie(node)


def _support_for(kind: str, x: Node, terms: tuple[Node, ...], data: Graph, tbox: _TBox) -> list[tuple[Triple, str]]:
    if kind == "functional-property":
        prop, *values = terms
        return [s for v in values for s in _value_path(x, prop, v.__eq__, data, tbox)]
    return [s for c in terms for s in _type_support(x, c, data, tbox)]


def _describe_disjoint(clash: Clash, tbox: Graph, data: Graph) -> str:
    countries = [tbox.value(c, OWL.hasValue) for c in clash.terms if tbox.value(c, OWL.onProperty) == KGO.withinPlace]
    if len(countries) == 2 and None not in countries:
        names = " and ".join(_name(c, data) for c in countries if c is not None)
        return f"{_name(clash.individual, data)} lies within two countries, {names}; countries do not overlap"
    a, b = (render_class(c, tbox, data) for c in clash.terms)
    return f"{_name(clash.individual, data)} is both {a} and {b}, which the ontology declares disjoint"


def _describe_complement(clash: Clash, tbox: Graph, data: Graph) -> str:
    a, b = (render_class(c, tbox, data) for c in clash.terms)
    return f"{_name(clash.individual, data)} is {a} and also {b}"


def _describe_functional(clash: Clash, tbox: Graph, data: Graph) -> str:
    prop, a, b = clash.terms
    return (
        f"{_name(clash.individual, data)} has two values of {curie(prop)}, which allows only one: "
        f"{_name(a, data)} and {_name(b, data)}"
    )


#: check name (ontology/rules/checks/NAME.rq) → how to say the clash in words
CLASH_DESCRIPTIONS: dict[str, Callable[[Clash, Graph, Graph], str]] = {
    "disjoint-classes": _describe_disjoint,
    "complement": _describe_complement,
    "functional-property": _describe_functional,
}


def describe_clash(clash: Clash, tbox: Graph, data: Graph) -> str:
    """One sentence saying which individual clashes with which axiom."""
    try:
        describe = CLASH_DESCRIPTIONS[clash.kind]
    except KeyError:
        raise ReasoningError(
            f"no description for clash check {clash.kind!r}",
            hint=f"add it to kg.reasoning.CLASH_DESCRIPTIONS (known: {', '.join(CLASH_DESCRIPTIONS)})",
        ) from None
    return describe(clash, tbox, data)


def find_clashes(data: Graph, ontology: Graph, rules_dir: Path) -> tuple[list[Clash], Graph]:
    """Materialise with the rules, run the clash checks, trace each clash to asserted triples.

    Returns the clashes and the TBox graph they refer to (for `describe_clash`).
    """
    data_view, tbox_graph = rules_view(data, ontology)
    store = materialise(data_view, tbox_graph, load_rules(rules_dir))
    tbox = _TBox.of(tbox_graph)
    clashes: dict[tuple[str, Node, frozenset[Node]], Clash] = {}
    for kind, row in run_checks(store, load_rules(rules_dir / "checks")):
        pair: list[Node] = [row["a"], row["b"]]
        if kind != "complement":  # ?b is the complement of ?a there; elsewhere the order is arbitrary
            pair.sort(key=lambda c: render_class(c, tbox_graph, data))
        terms = (row["p"], *pair) if "p" in row else tuple(pair)
        key = (kind, row["x"], frozenset(terms))
        if key not in clashes:
            support = tuple(dict.fromkeys(_support_for(kind, row["x"], terms, data, tbox)))
            clashes[key] = Clash(kind, row["x"], terms, support)
    ordered = sorted(clashes.values(), key=lambda c: (str(c.individual), c.kind, sorted(map(str, c.terms))))
    return ordered, tbox_graph


def _origin(triple: Triple, origins: Mapping[URIRef, Origin], data: Graph) -> str:
    """Where a triple came from: the role line for an event–actor triple, else its subject's (object's) line."""
    s, _, o = triple
    records = set(data.subjects(KGO.inEvent, s)) & set(data.subjects(KGO.agent, o))
    for node in (*sorted(records, key=str), s, o):
        if isinstance(node, URIRef) and node in origins:
            return str(origins[node])
    return "(no annotation line known)"


def clash_lines(clashes: Sequence[Clash], tbox: Graph, data: Graph, origins: Mapping[URIRef, Origin]) -> list[str]:
    """Each clash in words, then the asserted triples behind it with the file and line they came from."""
    lines: list[str] = []
    for i, clash in enumerate(clashes, 1):
        lines.append(f"clash {i}: {describe_clash(clash, tbox, data)}")
        if not clash.support:
            lines.append("    (no asserted triple found behind it: it follows from a longer chain of axioms)")
        for (s, p, o), why in clash.support:
            lines.append(
                f"    {_origin((s, p, o), origins, data)}: {_name(s, data)} {curie(p)} {_name(o, data)}  ({why})"
            )
    return lines


def explain_inconsistency(
    data: Graph,
    ontology: Graph,
    origins: Mapping[URIRef, Origin],
    settings: ReasonerSettings,
    engine: str,
) -> InconsistentGraph:
    """Name the clashes of an inconsistent graph; with HermiT, confirm by reasoning without their triples."""
    clashes, tbox = find_clashes(data, ontology, settings.rules_dir)
    lines = clash_lines(clashes, tbox, data, origins)
    verdict = ""
    if engine == "hermit" and not clashes:
        verdict = (
            "kg's checks (disjoint classes, complements, functional properties, non-overlapping countries) "
            "name no clash; HermiT's reason is one they do not cover"
        )
    elif engine == "hermit" and settings.confirm:
        blamed = {t for c in clashes for t, _ in c.support}
        rest = Graph()
        for triple in data:
            if triple not in blamed:
                rest.add(triple)
        if run_hermit(hermit_view(rest, ontology), settings.java_memory_mb) is not None:
            verdict = f"confirmed: without these {len(blamed)} asserted triple(s) HermiT finds the graph consistent"
        else:
            verdict = "not the whole story: HermiT still finds the graph inconsistent without these triples"
    if verdict:
        lines.append(verdict)
    first = describe_clash(clashes[0], tbox, data) if clashes else "no clash could be named"
    more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
    message = f"the graph is inconsistent ({engine}): {len(clashes)} clash(es): {first}{more}"
    return InconsistentGraph(message, lines, clashes)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def choose_engine(settings: ReasonerSettings, asserted_triples: int) -> str:
    """The engine to run: the one asked for, or under "auto" HermiT for small graphs and rules above."""
    if settings.engine != "auto":
        return settings.engine
    return "hermit" if asserted_triples <= settings.hermit_max_triples else "rules"


def _reason_hermit(
    data: Graph, ontology: Graph, origins: Mapping[URIRef, Origin], settings: ReasonerSettings
) -> Inference:
    view = hermit_view(data, ontology)
    derived = run_hermit(view, settings.java_memory_mb)
    if derived is None:
        raise explain_inconsistency(data, ontology, origins, settings, "hermit")
    return Inference("hermit", published_inferences(hermit_entailments(view, derived), data, ontology))


def _reason_rules(
    data: Graph, ontology: Graph, origins: Mapping[URIRef, Origin], settings: ReasonerSettings
) -> Inference:
    data_view, tbox = rules_view(data, ontology)
    store = materialise(data_view, tbox, load_rules(settings.rules_dir))
    if run_checks(store, load_rules(settings.rules_dir / "checks")):
        raise explain_inconsistency(data, ontology, origins, settings, "rules")
    return Inference("rules", published_inferences(inferred_triples(store), data, ontology))


_RUNNERS: dict[str, Callable[[Graph, Graph, Mapping[URIRef, Origin], ReasonerSettings], Inference]] = {
    "hermit": _reason_hermit,
    "rules": _reason_rules,
}


def reason(
    data: Graph,
    ontology: Graph,
    origins: Mapping[URIRef, Origin] | None = None,
    settings: ReasonerSettings | None = None,
) -> Inference:
    """Check `data` against `ontology`; return the published inferences or raise InconsistentGraph."""
    settings = settings or ReasonerSettings()
    engine = choose_engine(settings, len(data))
    return _RUNNERS[engine](data, ontology, origins or {}, settings)


# ---------------------------------------------------------------------------------------------
# Input files that are not annotations
# ---------------------------------------------------------------------------------------------

_SUBJECT_START = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)")


def read_graph_with_origins(files: Sequence[Path]) -> tuple[Graph, dict[URIRef, Origin]]:
    """Read RDF files into one graph; each subject's origin is the line where its first block starts."""
    graph = Graph()
    origins: dict[URIRef, Origin] = {}
    for path in files:
        part = read_rdf([path])
        for triple in part:
            graph.add(triple)
        ns = dict(part.namespaces())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _SUBJECT_START.match(line)
            if match is None or line.startswith(("@", "PREFIX", "BASE")):
                continue
            token = match[1]
            if token.startswith("<"):
                iri = URIRef(token[1:-1])
            else:
                prefix, _, local = token.partition(":")
                if prefix not in ns:
                    continue
                iri = URIRef(str(ns[prefix]) + local)
            if (iri, None, None) in part:
                origins.setdefault(iri, Origin(path, number))
    return graph, origins
