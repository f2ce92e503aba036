"""Network projections of the knowledge graph: which resources become nodes, which links become edges.

A projection reads the published graph (data + ontology) into an index: the classes and labels of every
resource up front, then the links of only the resources it looks at (never the evidence selectors, most
of a large graph). It reads through a `TermSource`: rdflib's API for an rdflib graph, or pyoxigraph
directly for an Oxigraph store (a `pyoxigraph.Store`, or an rdflib graph on oxrdflib), which is twice as
fast as going through oxrdflib and gives the same rdflib terms. Then it builds a `Network` of typed node
and edge records, sorted so that the same graph gives the same network, whatever it was read from. The
writers in `kg.exporters.gephi` turn a Network into GEXF, GraphML, CSV or a picture.

Projections (see `PROJECTIONS`):

- `full`: every typed data resource (event, actor, place, figure, claim, position, source document)
  is a node and every link between two of them an edge, labelled with the predicate's prefixed name.
  Literals, vocabulary concepts (event type, precision, qualifier …) and external IRIs become node
  attributes. Bookkeeping records are folded, not drawn: the evidence annotations and their selectors
  (a text quote, or a dataset row's `kgo:RowSelector`) become the `kgo:evidence` attribute (the quote),
  the `kgo:ReportLink` records of `kg link` are left to the linked event they make (its `kgo:component`
  edges), `kgo:Participation` records become the attributes
  of their role edge (capacity, evidence, the participation and report IRIs: several when several
  reports give the same role), a `kgo:PositionHolding` becomes a `kgo:holds` edge from the person to
  the position (with its dates), `prov:wasDerivedFrom` becomes an attribute (it links every fact to its
  document and would make that document a hub that swamps any layout) and the entity registry is left
  out. A `kgo:Report` (one source's account of an event) is folded into the event it is `kgo:reportOf`:
  what the report says becomes the event's (its dates, precision, reported type, evidence and
  documents as attributes; its location, claims and attribution as edges from the event, which list
  the reports that give them in `report_iris`), and every event says how many reports it has
  (`reports`, 0 for an event no source reports) and, when it has any, their documents (`sources`,
  labels, and `source_iris`). Reports that disagree give the event several values of one attribute
  (joined, sorted) or several edges.
- `events`: bipartite, actor → event, one edge per role (so an actor with two roles in one event has
  two parallel edges), the role and capacity as edge attributes. Reports are folded into their event
  as in `full` (their links are attributes here, as every link not drawn).
- `actors`: actor — actor co-participation ("who acted with whom"), undirected. Two actors co-participate
  in an event only when their roles there are on the same side (`ROLE_SIDES`: the chair, attendees and
  speakers of a meeting; the perpetrators; the other participants); a target never co-participates, and
  an actor that was only ever a target is not a node. The weight is the number of shared events (an actor
  with two roles on one side, like an attendee who spoke, counts once), which are listed on the edge.

Time: an event's dates are its reports'. Each report lasts from its `kgo:startDate` to its `kgo:endDate`,
or, without an end date, to the end of the period its `kgo:datePrecision` names (day, month, year;
"start of the year" means the first ten days of January); the event lasts from the earliest start of
any of its reports to the latest end (two sources that date it differently both fit inside), and an
event no dated report is of has no interval of its own. A larger event lasts at least as long as its
sub-events. A claim is present on the day of the meeting where it was made. Any other node is present
while the events it is linked to are happening (the union of their intervals); an edge touching an
event is present while that event is. A node or edge with no dated event is present throughout. Last,
every edge is cut to the days both its endpoints are present (`spells_within`), so a timeline never
shows an edge without its nodes; if the endpoints are never present together, the edge takes the spells
of the shorter-lived endpoint (fewer days).
"""

from __future__ import annotations

import calendar
import colorsys
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Union, cast, get_args

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.annotation import Language
from kg.errors import ExportError
from kg.namespaces import KGO, KGP, PREFIXES, SCHEMA

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

#: An attribute value as the writers understand it.
Value = str | int | float | bool
#: First and last day of a period, both inclusive.
Interval = tuple[dt.date, dt.date]

#: Predicates whose object names the subject (the node label), in no particular order.
NAME_PREDICATES = (RDFS.label, SCHEMA.name, SKOS.prefLabel)
#: Classes whose instances are folded into attributes or edges instead of being nodes.
FOLDED_CLASSES = frozenset(
    {
        KGO.Evidence,
        KGO.RowSelector,
        KGO.Participation,
        KGO.PositionHolding,
        KGO.EntityRegistry,
        KGO.Report,
        KGO.ReportLink,
    }
)
#: Predicates that stay attributes even when their object is a node.
ATTRIBUTE_PREDICATES = frozenset({PROV.wasDerivedFrom})
#: The side each role puts its actor on, for the `actors` projection: two actors co-participate in an
#: event only when they have roles on the same side there. The chair, attendees and speakers of a meeting
#: sit together; the perpetrators of an attack act together; the other participants (the police who
#: repelled the attackers, protesters) are a side of their own. A target is acted upon, never acting
#: (None): it co-participates with no one, not even with the other targets.
ROLE_SIDES: dict[URIRef, str | None] = {
    KGO.chair: "meeting",
    KGO.attendee: "meeting",
    KGO.speaker: "meeting",
    KGO.perpetrator: "perpetrator",
    KGO.participant: "participant",
    KGO.target: None,
}
#: The direct role properties (event → agent); each has a kgo:Participation record with the details.
ROLE_PROPERTIES = frozenset(ROLE_SIDES)
#: The languages of the data's labels (`--lang`), English first: the fallback for a missing label.
LANGUAGES: tuple[str, ...] = tuple(sorted(get_args(Language), key=lambda tag: (tag != "en", tag)))
#: How many days "start of the year" (kgp:start-of-year) covers: the first ten days of January.
START_OF_YEAR_DAYS = 10
#: Classes whose instances are dated by one link rather than by every event they touch (a claim
#: exists from the meeting where it was made, not from the start of the events it is about).
DATED_BY: dict[URIRef, URIRef] = {KGO.Claim: KGO.madeAt}
#: Several values of one attribute are joined with this separator (sorted), so every writer can carry them.
JOIN = " | "

# The terms the projections look up per resource, made once (a Namespace attribute is a new URIRef each time).
_EVENT, _ACTOR, _PARTICIPATION, _POSITION_HOLDING = KGO.Event, KGO.Actor, KGO.Participation, KGO.PositionHolding
_START, _END, _PRECISION, _SUB_EVENT_OF = KGO.startDate, KGO.endDate, KGO.datePrecision, KGO.subEventOf
_IN_EVENT, _AGENT, _ROLE, _IN_CAPACITY_OF, _EVIDENCE = KGO.inEvent, KGO.agent, KGO.role, KGO.inCapacityOf, KGO.evidence
_HOLDS, _HOLDER, _POSITION, _HELD_FROM, _HELD_UNTIL = KGO.holds, KGO.holder, KGO.position, KGO.heldFrom, KGO.heldUntil
_SEE_ALSO = RDFS.seeAlso
_REPORT, _REPORT_OF, _IN_REPORT, _DERIVED_FROM = KGO.Report, KGO.reportOf, KGO.inReport, PROV.wasDerivedFrom
_CLAIM, _ATTRIBUTED_TO = KGO.Claim, PROV.wasAttributedTo
#: The longest node label, in characters: Gephi draws labels on the canvas, where a sentence covers its
#: neighbours. A longer label is cut at a word with "…", and the whole is the node's `full_label`.
MAX_LABEL = 60


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """`text` if it has at most `limit` characters, else its longest run of whole words that fits with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head
    return cut.rstrip(" ,;:.—-") + "…"


def _last_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


#: date precision → the last day of the period that starts on kgo:startDate
PRECISION_END: dict[URIRef, Callable[[dt.date], dt.date]] = {
    KGP.day: lambda day: day,
    KGP.days: lambda day: day + dt.timedelta(days=5),  # a span of 2 to 6 days: at most six
    KGP.week: lambda day: day + dt.timedelta(days=6),
    KGP.month: _last_of_month,
    KGP.year: lambda day: day.replace(month=12, day=31),
    KGP["start-of-year"]: lambda day: day + dt.timedelta(days=START_OF_YEAR_DAYS - 1),
}


@dataclass(frozen=True)
class NetNode:
    """A node: a resource, with its human label, colour, attributes and presence in time."""

    id: str
    label: str
    color: tuple[int, int, int]
    attributes: Mapping[str, Value]
    spells: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class NetEdge:
    """An edge: a link between two nodes; `kind` tells parallel edges apart (GEXF 1.3 edge kind)."""

    id: str
    source: str
    target: str
    kind: str
    label: str
    weight: float
    attributes: Mapping[str, Value]
    spells: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Network:
    """A projection of the graph, nodes sorted by id and edges by (source, target, kind)."""

    projection: str
    description: str
    directed: bool
    nodes: tuple[NetNode, ...]
    edges: tuple[NetEdge, ...]

    def span(self) -> Interval | None:
        """The first and last day of any spell, or None if nothing is dated."""
        items: list[NetNode | NetEdge] = [*self.nodes, *self.edges]
        days = [d for item in items for spell in item.spells for d in spell]
        return (min(days), max(days)) if days else None

    def to_networkx(self) -> nx.MultiDiGraph | nx.MultiGraph:
        """The network as a networkx multigraph (attributes, label, colour and spells on the elements)."""
        import networkx as nx

        graph: nx.MultiDiGraph | nx.MultiGraph = nx.MultiDiGraph() if self.directed else nx.MultiGraph()
        graph.graph["name"] = f"kg-{self.projection}"
        for node in self.nodes:
            graph.add_node(node.id, label=node.label, color=node.color, spells=node.spells, **node.attributes)
        for edge in self.edges:
            graph.add_edge(
                edge.source,
                edge.target,
                key=edge.id,
                kind=edge.kind,
                label=edge.label,
                weight=edge.weight,
                spells=edge.spells,
                **edge.attributes,
            )
        return graph


def local_name(iri: str) -> str:
    """The part of an IRI after its last `#` or `/`."""
    for sep in ("#", "/"):
        if sep in iri and iri.rsplit(sep, 1)[1]:
            return iri.rsplit(sep, 1)[1]
    return iri


_PREFIXES_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


@lru_cache(maxsize=1 << 16)  # the same predicates and classes, over and over
def prefixed(iri: str) -> str:
    """`kgo:Summit` for a kg or standard IRI; any other IRI unchanged."""
    for prefix, ns in _PREFIXES_LONGEST_FIRST:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def pick_literal(literals: Iterable[Literal], lang: str) -> Literal | None:
    """The literal in `lang`, else English, else without a language, else any (the smallest, for stability)."""
    ordered = sorted(literals, key=lambda lit: (str(lit), lit.language or "", str(lit.datatype or "")))
    for wanted in (lang, "en"):
        for lit in ordered:
            if lit.language == wanted:
                return lit
    for lit in ordered:
        if lit.language is None:
            return lit
    return ordered[0] if ordered else None


def literal_value(lit: Literal) -> Value:
    """A literal as a bool, int, float or string (dates as ISO strings)."""
    value = lit.toPython()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float | Decimal):
        return float(value)
    if isinstance(value, dt.date):  # dt.datetime is a dt.date too
        return value.isoformat()
    return str(lit)


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted union of intervals; overlapping or adjacent days are merged."""
    merged: list[Interval] = []
    for start, end in sorted(set(intervals)):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def intersect_intervals(first: Iterable[Interval], second: Iterable[Interval]) -> tuple[Interval, ...]:
    """The days in both sets of intervals, as merged intervals (each set merged, then one sweep over both)."""
    return _intersect_merged(merge_intervals(first), merge_intervals(second))


def _intersect_merged(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """`intersect_intervals` of two merged sets; the sweep covers only the part of the longer set that the
    shorter one spans (found by bisection), so cutting an edge to a hub's many spells stays cheap."""
    if not a or not b:
        return ()
    if len(b) < len(a):
        a, b = b, a
    lo = bisect_left(b, a[0][0], key=_last_day)  # b is sorted and disjoint: its last days are sorted too
    hi = bisect_right(b, a[-1][1], key=_first_day)
    b = b[lo:hi]
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start <= end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return merge_intervals(out)


def _first_day(interval: Interval) -> dt.date:
    return interval[0]


def _last_day(interval: Interval) -> dt.date:
    return interval[1]


def _days(spells: Iterable[Interval]) -> int:
    return sum((end - start).days + 1 for start, end in spells)


def spells_within(
    edge: Iterable[Interval], source: tuple[Interval, ...], target: tuple[Interval, ...]
) -> tuple[Interval, ...]:
    """An edge's spells cut to the days both endpoints are present; no spells means always.

    `source` and `target` are the endpoints' merged spells (`merge_intervals`, as on a NetNode).
    If no day is left (the endpoints are never present together), the spells of the endpoint present
    on fewer days (the source on a tie): an edge should not outlive both of its nodes.
    """
    spells = merge_intervals(edge)
    for end in (source, target):
        if end:
            spells = _intersect_merged(spells, end) if spells else end
            if not spells:
                return min((s for s in (source, target) if s), key=_days)
    return spells


_KGO = str(KGO)


def _is_kgo(cls: URIRef) -> bool:
    """Whether a class is in the kgo namespace (str's startswith: rdflib's own is slow)."""
    return str.startswith(cls, _KGO)


def _fact_key(item: tuple[tuple[URIRef, URIRef, URIRef], object]) -> tuple[str, str, str]:
    """The order of (event, property, agent) keys; IRIs sort as their strings, so rdflib's ordering is kept."""
    event, prop, agent = item[0]
    return str(event), str(prop), str(agent)


def _term_key(term: Node) -> tuple[str, str]:
    return (type(term).__name__, term.n3() if isinstance(term, URIRef | Literal) else str(term))


def _as_date(node: Node | None) -> dt.date | None:
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
    return None


# --------------------------------------------------------------------------------------------
# Reading the graph: a term source per kind of store
# --------------------------------------------------------------------------------------------

#: Predicates gathered up front into the index; every other link is read per subject, when needed.
INDEXED_PREDICATES = frozenset({RDF.type, RDFS.subClassOf, *NAME_PREDICATES})


class TermSource(Protocol):
    """What a projection reads from the graph, as rdflib terms: all pairs of a few predicates, then the
    links of the subjects it looks at (a fraction of the graph: never the evidence selectors)."""

    def pairs(self, predicate: URIRef) -> Iterable[tuple[URIRef, Node]]:
        """(subject, object) of every triple with `predicate` and an IRI subject."""
        ...

    def links(self, subject: URIRef, skip: frozenset[URIRef]) -> Iterable[tuple[URIRef, Node]]:
        """(predicate, object) of every triple about `subject` whose predicate is not in `skip`."""
        ...


class RdflibTerms:
    """A term source over any rdflib graph, through rdflib's API."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def pairs(self, predicate: URIRef) -> Iterator[tuple[URIRef, Node]]:
        for s, o in self.graph.subject_objects(predicate):
            if isinstance(s, URIRef):
                yield s, o

    def links(self, subject: URIRef, skip: frozenset[URIRef]) -> Iterator[tuple[URIRef, Node]]:
        for p, o in self.graph.predicate_objects(subject):
            if isinstance(p, URIRef) and p not in skip:
                yield p, o


class OxigraphTerms:
    """A term source over one graph of a pyoxigraph Store, read without oxrdflib: each distinct term becomes
    an rdflib term once, the very term oxrdflib would make, so both backends give the same network."""

    def __init__(self, store: ox.Store, graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> None:
        import pyoxigraph as ox

        self.store = store
        self.graph_name = graph_name
        self._named_node = ox.NamedNode
        self._terms: dict[Any, Node] = {}  # pyoxigraph term → rdflib term
        self._convert: dict[type, Callable[[Any], Node]] = {
            ox.NamedNode: lambda term: URIRef(term.value),
            ox.BlankNode: lambda term: BNode(term.value),
            ox.Literal: lambda term: (
                Literal(term.value, lang=term.language)
                if term.language
                else Literal(term.value, datatype=URIRef(term.datatype.value))
            ),
        }

    def term(self, term: Any) -> Node:
        """The rdflib term of a pyoxigraph term."""
        known = self._terms.get(term)
        if known is None:
            try:
                convert = self._convert[type(term)]
            except KeyError:
                raise ExportError(
                    f"cannot export the RDF-star term {term}", hint="the network exports read plain RDF 1.1 triples"
                ) from None
            known = self._terms[term] = convert(term)
        return known

    # The loops below look terms up in the cache first: a million lookups, so no method call unless new.

    def pairs(self, predicate: URIRef) -> Iterator[tuple[URIRef, Node]]:
        known, term = self._terms.get, self.term
        query = f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o FILTER(isIRI(?s)) }}"  # a URIRef has no `>`
        for s, o in cast("ox.QuerySolutions", self.store.query(query, default_graph=self.graph_name)):
            subject = known(s)
            obj = known(o)
            yield (
                cast(URIRef, term(s) if subject is None else subject),  # FILTER(isIRI(?s))
                term(o) if obj is None else obj,
            )

    def links(self, subject: URIRef, skip: frozenset[URIRef]) -> Iterator[tuple[URIRef, Node]]:
        known, term = self._terms.get, self.term
        for quad in self.store.quads_for_pattern(self._named_node(subject), None, None, self.graph_name):
            p = quad.predicate
            predicate = cast(URIRef, known(p) or term(p))  # an IRI, never empty
            if predicate not in skip:
                o = quad.object
                obj = known(o)
                yield predicate, term(o) if obj is None else obj


def _oxrdflib_graph(graph: Graph) -> TermSource:
    """An rdflib graph on oxrdflib's store: read its pyoxigraph Store directly, in the graph oxrdflib uses."""
    import pyoxigraph as ox

    ident = graph.identifier
    names: dict[type, Callable[[str], ox.NamedNode | ox.BlankNode]] = {URIRef: ox.NamedNode, BNode: ox.BlankNode}
    if ident == DATASET_DEFAULT_GRAPH_ID:
        name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph = ox.DefaultGraph()
    elif type(ident) in names:
        name = names[type(ident)](str(ident))
    else:
        return RdflibTerms(graph)
    return OxigraphTerms(cast("OxigraphStore", graph.store)._inner, name)  # oxrdflib's pyoxigraph Store


@cache
def _readers() -> dict[type, Callable[[Any], TermSource]]:
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    return {
        OxigraphStore: _oxrdflib_graph,  # keyed by the graph's store
        ox.Store: lambda store: OxigraphTerms(store, ox.DefaultGraph()),
    }


#: What the exports read: an rdflib Graph (any store) or a pyoxigraph Store (its default graph).
GraphData = Union[Graph, "ox.Store"]


def term_source(data: GraphData) -> TermSource:
    """The fastest way to read `data`: pyoxigraph directly under oxrdflib, else rdflib's API."""
    # keyed by the store under a plain Graph; a ConjunctiveGraph or Dataset reads the union of its graphs: rdflib
    reader = _readers().get(type(data.store) if type(data) is Graph else type(data))
    if reader is not None:
        return reader(data)
    if isinstance(data, Graph):
        return RdflibTerms(data)
    raise ExportError(f"cannot export from a {type(data).__name__}", hint="pass an rdflib Graph or a pyoxigraph Store")


# --------------------------------------------------------------------------------------------
# The index of the graph
# --------------------------------------------------------------------------------------------


@dataclass
class GraphIndex:
    """What the projections need from the graph: types, names and classes up front, links on demand."""

    source: TermSource
    types: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    names: dict[Node, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    _out: dict[URIRef, dict[URIRef, list[Node]]] = field(default_factory=dict)
    _ancestors: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    _labels: dict[tuple[Node, str], str] = field(default_factory=dict)
    _classes: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)

    @classmethod
    def of(cls, data: GraphData) -> GraphIndex:
        """Index the types, names and subclass axioms of `data` (blank-node subjects are OWL axioms of
        the ontology, never data, and are left out)."""
        index = cls(term_source(data))
        for s, o in index.source.pairs(RDF.type):
            if isinstance(o, URIRef):
                index.types[s].add(o)
        for predicate in NAME_PREDICATES:
            for s, o in index.source.pairs(predicate):
                if isinstance(o, Literal):
                    index.names[s].append(o)
        for s, o in index.source.pairs(RDFS.subClassOf):
            if isinstance(o, URIRef):
                index.superclasses[s].add(o)
        return index

    def out(self, node: URIRef) -> dict[URIRef, list[Node]]:
        """The node's links other than its types, names and superclasses, by predicate (read once, then kept)."""
        known = self._out.get(node)
        if known is None:
            known = self._out[node] = {}
            for p, o in self.source.links(node, INDEXED_PREDICATES):
                known.setdefault(p, []).append(o)
        return known

    def ancestors(self, cls: URIRef) -> frozenset[URIRef]:
        """The class and all its superclasses (rdfs:subClassOf*)."""
        known = self._ancestors.get(cls)
        if known is not None:
            return known
        seen = {cls}
        todo = [cls]
        while todo:
            for sup in self.superclasses.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        result = frozenset(seen)
        self._ancestors[cls] = result
        return result

    def kg_classes(self, node: URIRef) -> list[URIRef]:
        """The node's kgo classes, sorted."""
        return sorted((t for t in self.types.get(node, ()) if _is_kgo(t)), key=str)

    def is_a(self, node: URIRef, cls: URIRef) -> bool:
        """Whether the node is an instance of `cls` or of one of its subclasses."""
        known = self._classes.get(node)
        if known is None:  # every class of the node, once: asked for each folded class, events, actors …
            known = self._classes[node] = frozenset().union(*(self.ancestors(t) for t in self.types.get(node, ())))
        return cls in known

    def most_specific(self, node: URIRef) -> URIRef | None:
        """The node's most specific kgo class (the deepest; ties broken by IRI)."""
        classes = self.kg_classes(node)
        if not classes:
            return None
        return min(classes, key=lambda c: (-len(self.ancestors(c)), c))

    def category(self, cls: URIRef) -> URIRef:
        """The top kgo class above `cls` (kgo:Event, kgo:Actor, kgo:Location …)."""
        tops = [
            c
            for c in self.ancestors(cls)
            if c.startswith(KGO) and not any(s.startswith(KGO) and s != c for s in self.ancestors(c))
        ]
        return sorted(tops)[0] if tops else cls

    def label(self, node: Node, lang: str) -> str:
        """Human label in `lang` (else English, else any), else the IRI's local name."""
        known = self._labels.get((node, lang))
        if known is None:
            lit = pick_literal(self.names.get(node, ()), lang)
            text = str(lit) if lit is not None else local_name(str(node))
            known = self._labels[(node, lang)] = " ".join(text.split())
        return known

    def objects(self, node: URIRef, predicate: URIRef) -> list[Node]:
        """The objects of `predicate` on `node`, sorted."""
        return sorted(self.out(node).get(predicate, ()), key=_term_key)


# --------------------------------------------------------------------------------------------
# Colours: one per class, in a hue band per category, so related classes look related
# --------------------------------------------------------------------------------------------

#: category → (first hue, last hue) in degrees; subclasses spread over the band.
CATEGORY_HUES: dict[URIRef, tuple[float, float]] = {
    KGO.Event: (340.0, 385.0),  # crimson to orange (wraps past 360)
    KGO.Actor: (188.0, 232.0),  # blues
    KGO.Location: (85.0, 150.0),  # greens
    KGO.Claim: (285.0, 285.0),  # purple
    KGO.Figure: (52.0, 52.0),  # yellow
    KGO.Position: (172.0, 172.0),  # teal
    KGO.SourceDocument: (30.0, 30.0),  # brown (low lightness below)
    KGO.DatasetRelease: (18.0, 18.0),  # a darker brown: the other kind of source
}
GREY = (140, 140, 140)


def class_colors(index: GraphIndex, classes: Iterable[URIRef]) -> dict[URIRef, tuple[int, int, int]]:
    """A colour for each class: its category's hue band, spread over every kgo class of that category."""
    members: dict[URIRef, list[URIRef]] = defaultdict(list)
    known = {c for c in index.superclasses if c.startswith(KGO)} | set(classes)
    for cls in sorted(known):
        members[index.category(cls)].append(cls)
    colors: dict[URIRef, tuple[int, int, int]] = {}
    for cls in classes:
        cat = index.category(cls)
        band = CATEGORY_HUES.get(cat)
        if band is None:
            colors[cls] = GREY
            continue
        peers = members[cat]
        i = peers.index(cls)
        share = i / (len(peers) - 1) if len(peers) > 1 else 0.5
        hue = (band[0] + (band[1] - band[0]) * share) % 360.0
        lightness = (0.32 if cat in (KGO.SourceDocument, KGO.DatasetRelease) else 0.45) + (0.12 if i % 2 else 0.0)
        r, g, b = colorsys.hls_to_rgb(hue / 360.0, lightness, 0.72)
        colors[cls] = (round(r * 255), round(g * 255), round(b * 255))
    return colors


# --------------------------------------------------------------------------------------------
# Shared pieces of the projections
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleFact:
    """An agent's role in an event, merged from the direct property and its kgo:Participation record."""

    event: URIRef
    prop: URIRef
    agent: URIRef
    attributes: Mapping[str, Value]


class _Builder:
    """Labels, attributes, time and roles over one index, for one language."""

    def __init__(self, graph: GraphData, lang: str) -> None:
        self.index = GraphIndex.of(graph)
        self.lang = lang
        self.resources = sorted((s for s, ts in self.index.types.items() if any(map(_is_kgo, ts))), key=str)
        self.nodes_full = [s for s in self.resources if not any(self.index.is_a(s, f) for f in FOLDED_CLASSES)]
        self.events = {s for s in self.resources if self.index.is_a(s, _EVENT)}
        self.actors = {s for s in self.resources if self.index.is_a(s, _ACTOR)}
        self.reports = self._reports_by_event()
        self._folded: dict[URIRef, dict[URIRef, list[Node]]] = {}
        #: (event, predicate, object) → the reports that give that link, for the links folded from reports
        self.given_by: dict[tuple[URIRef, URIRef, Node], list[URIRef]] = {}
        self.intervals = self._event_intervals()
        types = {s: self.index.most_specific(s) for s in self.resources}
        self.node_type: dict[URIRef, URIRef] = {s: t for s, t in types.items() if t is not None}
        self.colors = class_colors(self.index, sorted(set(self.node_type.values())))

    # -- values --------------------------------------------------------------------------------

    def term_value(self, node: Node) -> Value:
        """An object as an attribute value: a literal's value, a resource's label, else its IRI."""
        if isinstance(node, Literal):
            return literal_value(node)
        if node in self.index.names:
            return self.index.label(node, self.lang)
        return prefixed(str(node))

    def values(self, objects: Iterable[Node]) -> Value | None:
        """One attribute value from several objects: language-tagged literals in the chosen language."""
        objs = list(objects)
        tagged = [o for o in objs if isinstance(o, Literal) and o.language]
        chosen = pick_literal(tagged, self.lang) if tagged else None
        if chosen is not None:
            objs = [o for o in objs if not (isinstance(o, Literal) and o.language and o.language != chosen.language)]
        vals = sorted({self.term_value(o) for o in objs}, key=lambda v: (type(v).__name__, str(v)))
        if not vals:
            return None
        if len(vals) == 1:
            return vals[0]
        return JOIN.join(sorted(str(v) for v in vals))

    def node_attributes(self, node: URIRef, drawn: Callable[[URIRef, Node], bool] | None = None) -> dict[str, Value]:
        """type, category, iri, and one attribute per predicate (an event's reports' included), over the
        objects not `drawn` as edges; an event also gets its number of reports and their documents."""
        cls = self.node_type[node]
        attrs: dict[str, Value] = {
            "type": prefixed(cls),
            "category": prefixed(self.index.category(cls)),
            "iri": str(node),
        }
        for p, objs in sorted(self.links(node).items()):
            value = self.values(objs if drawn is None else [o for o in objs if not drawn(p, o)])
            if value is not None:
                attrs[prefixed(str(p))] = value
        if node in self.events:
            reports = self.reports.get(node, ())
            attrs["reports"] = len(reports)
            documents = {d for r in reports for d in self.index.objects(r, _DERIVED_FROM) if isinstance(d, URIRef)}
            if documents:
                attrs["sources"] = JOIN.join(sorted(str(self.term_value(d)) for d in documents))
                attrs["source_iris"] = JOIN.join(sorted(map(str, documents)))
        return attrs

    def make_node(self, node: URIRef, attrs: Mapping[str, Value], spells: Iterable[Interval]) -> NetNode:
        full = self.index.label(node, self.lang)
        speakers = self.index.objects(node, _ATTRIBUTED_TO) if self.index.is_a(node, _CLAIM) else []
        label = short_label(f"{self.index.label(speakers[0], self.lang)}: {full}" if speakers else full)
        return NetNode(
            id=str(node),
            label=label,
            color=self.colors.get(self.node_type[node], GREY),
            attributes={**attrs, "full_label": full} if label != full else dict(attrs),
            spells=merge_intervals(spells),
        )

    # -- reports -------------------------------------------------------------------------------

    def _reports_by_event(self) -> dict[URIRef, tuple[URIRef, ...]]:
        """Each event's reports (kgo:reportOf), sorted by IRI."""
        by_event: dict[URIRef, list[URIRef]] = defaultdict(list)
        for report in self.resources:  # sorted: so is each event's list
            if self.index.is_a(report, _REPORT):
                for event in self.index.objects(report, _REPORT_OF):
                    if event in self.events:
                        by_event[cast(URIRef, event)].append(report)
        return {event: tuple(reports) for event, reports in by_event.items()}

    def links(self, node: URIRef) -> dict[URIRef, list[Node]]:
        """The node's links (`GraphIndex.out`); an event's include those of its reports, each object once."""
        reports = self.reports.get(node)
        if not reports:
            return self.index.out(node)
        known = self._folded.get(node)
        if known is None:
            merged = {p: dict.fromkeys(objs) for p, objs in self.index.out(node).items()}
            for report in reports:
                for p, objs in self.index.out(report).items():
                    if p == _REPORT_OF:
                        continue
                    bucket = merged.setdefault(p, {})
                    for o in objs:
                        bucket.setdefault(o, None)
                        self.given_by.setdefault((node, p, o), []).append(report)
            known = self._folded[node] = {p: list(objs) for p, objs in merged.items()}
        return known

    # -- time ----------------------------------------------------------------------------------

    def _report_interval(self, report: URIRef) -> Interval | None:
        """From the report's start to its end date, else to the end of the period its precision names."""
        starts = [d for d in map(_as_date, self.index.objects(report, _START)) if d]
        if not starts:
            return None
        start = min(starts)
        ends = [d for d in map(_as_date, self.index.objects(report, _END)) if d]
        if ends:
            return start, max(max(ends), start)
        precisions = [p for p in self.index.objects(report, _PRECISION) if isinstance(p, URIRef)]
        precision = precisions[0] if precisions else KGP.day
        try:
            return start, PRECISION_END[precision](start)
        except KeyError:
            raise ExportError(
                f"unknown date precision {prefixed(str(precision))} on {report}",
                field="kgo:datePrecision",
                hint=f"use one of {', '.join(prefixed(str(p)) for p in PRECISION_END)}",
            ) from None

    def _own_interval(self, event: URIRef) -> Interval | None:
        """From the earliest start of the event's reports to their latest end; None if none is dated."""
        spans = [iv for r in self.reports.get(event, ()) if (iv := self._report_interval(r)) is not None]
        if not spans:
            return None
        return min(start for start, _ in spans), max(end for _, end in spans)

    def _event_intervals(self) -> dict[URIRef, Interval]:
        """Each dated event's interval, stretched to cover its sub-events (kgo:subEventOf, any depth)."""
        children: dict[URIRef, list[URIRef]] = defaultdict(list)
        for event in self.events:
            for parent in self.index.objects(event, _SUB_EVENT_OF):
                if isinstance(parent, URIRef):
                    children[parent].append(event)
        own = {e: iv for e in self.events if (iv := self._own_interval(e)) is not None}
        hull: dict[URIRef, Interval | None] = {}
        for root in sorted(self.events, key=str):  # iterative post-order, each event once: linear, cycle-safe
            stack = [(root, False)]
            open_: set[URIRef] = set()
            while stack:
                event, children_done = stack.pop()
                if event in hull:
                    continue
                if not children_done:
                    open_.add(event)
                    stack.append((event, True))
                    stack.extend((c, False) for c in children.get(event, ()) if c not in hull and c not in open_)
                    continue
                days = list(own.get(event, ()))
                for child in children.get(event, ()):
                    child_hull = hull.get(child)
                    if child_hull is not None:
                        days.extend(child_hull)
                hull[event] = (min(days), max(days)) if days else None
                open_.discard(event)
        return {e: iv for e, iv in hull.items() if iv is not None}

    def node_spells(self, node: URIRef, edge_spells: Mapping[str, list[Interval]]) -> list[Interval]:
        """An event's own interval; a claim's meeting; any other node: the union over its edges."""
        if node in self.intervals:
            return [self.intervals[node]]
        for cls, prop in DATED_BY.items():
            if self.index.is_a(node, cls):
                dated = [
                    self.intervals[e]
                    for e in self.index.objects(node, prop)
                    if isinstance(e, URIRef) and e in self.intervals
                ]
                if dated:
                    return dated
        return list(edge_spells.get(str(node), ()))

    def edge_spells(self, source: URIRef, target: URIRef) -> tuple[Interval, ...]:
        """An edge lasts as long as its source event, else its target event, else always."""
        for end in (source, target):
            if end in self.intervals:
                return (self.intervals[end],)
        return ()

    # -- roles ---------------------------------------------------------------------------------

    def role_property(self, role: Node) -> URIRef:
        """The direct property of a role concept (its rdfs:seeAlso, else kgo:<local name>)."""
        if isinstance(role, URIRef):
            for prop in self.index.objects(role, _SEE_ALSO):
                if isinstance(prop, URIRef) and prop in ROLE_PROPERTIES:
                    return prop
            guess = KGO[local_name(str(role))]
            if guess in ROLE_PROPERTIES:
                return guess
        raise ExportError(
            f"unknown role {role}",
            field="kgo:role",
            hint=f"use a role whose property is one of {', '.join(sorted(prefixed(p) for p in ROLE_PROPERTIES))}",
        )

    def role_facts(self) -> list[RoleFact]:
        """Every (event, role property, agent), with its participation records' details as attributes
        (several records when several reports give the same role: their values joined)."""
        facts: dict[tuple[URIRef, URIRef, URIRef], dict[str, Value]] = {}
        for event in sorted(self.events, key=str):
            for p, objs in self.index.out(event).items():
                for obj in objs if p in ROLE_PROPERTIES else ():
                    if isinstance(obj, URIRef):
                        facts.setdefault((event, p, obj), {})
        records: dict[tuple[URIRef, URIRef, URIRef], list[tuple[URIRef, Node]]] = defaultdict(list)
        for part in self.resources:  # sorted: so is each fact's list of records
            if _PARTICIPATION not in self.index.types[part]:
                continue
            events = [e for e in self.index.objects(part, _IN_EVENT) if isinstance(e, URIRef)]
            agents = [a for a in self.index.objects(part, _AGENT) if isinstance(a, URIRef)]
            roles = self.index.objects(part, _ROLE)
            for event in events:
                for agent in agents:
                    for role in roles:
                        records[(event, self.role_property(role), agent)].append((part, role))
        for key, parts in records.items():
            attrs = facts.setdefault(key, {})
            attrs["role"] = JOIN.join(sorted({str(self.term_value(role)) for _, role in parts}))
            attrs["participation"] = JOIN.join(dict.fromkeys(str(part) for part, _ in parts))
            for prop in (_IN_CAPACITY_OF, _EVIDENCE):
                value = self.values(o for part, _ in parts for o in self.index.objects(part, prop))
                if value is not None:
                    attrs[prefixed(str(prop))] = value
            reports = sorted({str(r) for part, _ in parts for r in self.index.objects(part, _IN_REPORT)})
            if reports:
                attrs["report_iris"] = JOIN.join(reports)
        out = []
        for (event, prop, agent), attrs in sorted(facts.items(), key=_fact_key):
            attrs.setdefault("role", local_name(str(prop)))
            out.append(RoleFact(event, prop, agent, attrs))
        return out


class _Link(NamedTuple):
    """An edge before sorting and numbering; its kind is also its label."""

    source: str
    target: str
    kind: str
    attributes: dict[str, Value]
    spells: tuple[Interval, ...] = ()
    weight: float = 1.0


def _finish(
    projection: str, description: str, directed: bool, nodes: Iterable[NetNode], links: Iterable[_Link]
) -> Network:
    """Sort nodes and edges, number the edges (e0, e1 …) in that order, cut their spells to their nodes'."""
    net_nodes = tuple(sorted(nodes, key=lambda n: n.id))
    present = {n.id: n.spells for n in net_nodes}
    ordered = sorted(
        links, key=lambda e: (e.source, e.target, e.kind, sorted((k, str(v)) for k, v in e.attributes.items()))
    )
    return Network(
        projection=projection,
        description=description,
        directed=directed,
        nodes=net_nodes,
        edges=tuple(
            NetEdge(
                f"e{i}",
                e.source,
                e.target,
                e.kind,
                e.kind,
                e.weight,
                e.attributes,
                spells_within(e.spells, present[e.source], present[e.target]),
            )
            for i, e in enumerate(ordered)
        ),
    )


def _union_spells(links: Iterable[_Link]) -> dict[str, list[Interval]]:
    spells: dict[str, list[Interval]] = defaultdict(list)
    for link in links:
        spells[link.source].extend(link.spells)
        spells[link.target].extend(link.spells)
    return spells


# --------------------------------------------------------------------------------------------
# The projections
# --------------------------------------------------------------------------------------------


def full_network(graph: GraphData, lang: str = "en") -> Network:
    """Resources and their links; literals and concepts as attributes; bookkeeping records folded."""
    b = _Builder(graph, lang)
    nodes = set(b.nodes_full)

    def drawn(p: URIRef, o: Node) -> bool:
        return p == _HOLDS or p in ROLE_PROPERTIES or (o in nodes and p not in ATTRIBUTE_PREDICATES)

    edges: list[_Link] = []
    holders: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s in b.nodes_full:
        for p, objs in b.links(s).items():
            for o in objs:
                if p == _HOLDS and isinstance(o, URIRef):
                    holders[o].add(s)
                elif drawn(p, o) and p not in ROLE_PROPERTIES:
                    assert isinstance(o, URIRef)
                    link_attrs: dict[str, Value] = {"predicate": str(p)}
                    reports = b.given_by.get((s, p, o))
                    if reports:
                        link_attrs["report_iris"] = JOIN.join(map(str, reports))
                    edges.append(_Link(str(s), str(o), prefixed(str(p)), link_attrs, b.edge_spells(s, o)))
    for fact in b.role_facts():
        if fact.event in nodes and fact.agent in nodes:
            kind = prefixed(str(fact.prop))
            edge_attrs: dict[str, Value] = {"predicate": str(fact.prop), **fact.attributes}
            edges.append(
                _Link(str(fact.event), str(fact.agent), kind, edge_attrs, b.edge_spells(fact.event, fact.agent))
            )
    for tenure in b.resources:  # kgo:PositionHolding → person —kgo:holds→ position, with the tenure's dates
        if _POSITION_HOLDING not in b.index.types[tenure]:
            continue
        holders[tenure].update(h for h in b.index.objects(tenure, _HOLDER) if isinstance(h, URIRef))
        positions = [p for p in b.index.objects(tenure, _POSITION) if p in nodes]
        tenure_attrs: dict[str, Value] = {"predicate": str(_HOLDS), "tenure": str(tenure)}
        for prop in (_HELD_FROM, _HELD_UNTIL):
            value = b.values(b.index.objects(tenure, prop))
            if value is not None:
                tenure_attrs[prefixed(str(prop))] = value
        for holder in sorted(holders[tenure] & nodes):
            for position in positions:
                edges.append(_Link(str(holder), str(position), "kgo:holds", dict(tenure_attrs)))
    spells = _union_spells(edges)
    net_nodes = [b.make_node(s, b.node_attributes(s, drawn), b.node_spells(s, spells)) for s in b.nodes_full]
    return _finish("full", "kg: resources and their links", True, net_nodes, edges)


def events_network(graph: GraphData, lang: str = "en") -> Network:
    """Bipartite actor → event graph, one edge per role, the role as an edge attribute."""
    b = _Builder(graph, lang)
    edges: list[_Link] = []
    for fact in b.role_facts():
        if fact.event in b.events and fact.agent in b.actors:
            attrs: dict[str, Value] = {"predicate": str(fact.prop), **fact.attributes}
            spells = b.edge_spells(fact.event, fact.agent)
            edges.append(_Link(str(fact.agent), str(fact.event), prefixed(str(fact.prop)), attrs, spells))
    union = _union_spells(edges)
    members = sorted(b.events | {URIRef(e.source) for e in edges})
    member_set = set(members)

    def drawn(p: URIRef, o: Node) -> bool:
        return p in ROLE_PROPERTIES and o in member_set

    net_nodes = [b.make_node(s, b.node_attributes(s, drawn), b.node_spells(s, union)) for s in members]
    return _finish("events", "kg: actors and the events they took part in, by role", True, net_nodes, edges)


def actors_network(graph: GraphData, lang: str = "en") -> Network:
    """Actor — actor co-participation on the same side (`ROLE_SIDES`), weighted by the number of shared events."""
    b = _Builder(graph, lang)
    by_side: dict[tuple[URIRef, str], set[URIRef]] = defaultdict(set)  # (event, side) → its actors
    for fact in b.role_facts():
        side = ROLE_SIDES[fact.prop]
        if side is not None and fact.event in b.events and fact.agent in b.actors:
            by_side[(fact.event, side)].add(fact.agent)
    shared: dict[tuple[URIRef, URIRef], dict[URIRef, set[str]]] = defaultdict(dict)  # pair → event → sides
    for (event, side), agents in sorted(by_side.items()):
        ordered = sorted(agents)
        for i, a in enumerate(ordered):  # pairs per side of an event: the output's own size, not the graph's
            for c in ordered[i + 1 :]:
                shared[(a, c)].setdefault(event, set()).add(side)
    edges: list[_Link] = []
    for (a, c), sides in sorted(shared.items()):
        events = sorted(sides)
        attrs: dict[str, Value] = {
            "shared_events": JOIN.join(sorted(b.index.label(e, lang) for e in events)),
            "shared_event_iris": JOIN.join(str(e) for e in events),
            "sides": JOIN.join(sorted({side for of_event in sides.values() for side in of_event})),
        }
        spells = merge_intervals(b.intervals[e] for e in events if e in b.intervals)
        edges.append(_Link(str(a), str(c), "co-participation", attrs, spells, float(len(events))))
    actor_spells: dict[URIRef, list[Interval]] = {}  # every actor with a side in an event, dated by those events
    for (event, _side), agents in by_side.items():
        for a in agents:
            present = actor_spells.setdefault(a, [])
            if event in b.intervals:
                present.append(b.intervals[event])
    net_nodes = [b.make_node(a, b.node_attributes(a), actor_spells[a]) for a in sorted(actor_spells)]
    return _finish("actors", "kg: actors linked by the events they acted in together", False, net_nodes, edges)


#: projection name → builder
PROJECTIONS: dict[str, Callable[[GraphData, str], Network]] = {
    "full": full_network,
    "actors": actors_network,
    "events": events_network,
}


def build_network(graph: GraphData, projection: str = "full", lang: str = "en") -> Network:
    """Project the graph; raise ExportError for an unknown projection or a language the data has no labels in."""
    try:
        builder = PROJECTIONS[projection]
    except KeyError:
        raise ExportError(f"unknown projection {projection!r}", hint=f"use one of {', '.join(PROJECTIONS)}") from None
    if lang not in LANGUAGES:
        raise ExportError(
            f"the data has no labels in language {lang!r}", field="lang", hint=f"use one of {', '.join(LANGUAGES)}"
        )
    return builder(graph, lang)
