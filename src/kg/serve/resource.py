"""What the server says about one resource: its RDF document and the page a person browses.

Pure functions over a graph. The RDF document of a resource is its outgoing triples, its incoming
triples and the labels of the resources they link to (a symmetric bounded description). The page
model adds, for every fact, the evidence quote and the article it was taken from: a resource's own
`kgo:evidence`, and for a direct role property (`kgo:attendee` …) the evidence of the matching
`kgo:Participation` record (its `kgo:role` concept says which property it backs via `rdfs:seeAlso`).
An event's page also has its figures as a table by date and source, and a linked event's (`kg link`)
the figures of every component event: each source's numbers side by side, none merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import KGO, KGS, OA, SCHEMA, bind_prefixes
from kg.validation import curie

#: how many incoming links a page lists before it says "and N more"
MAX_INCOMING = 200
#: URI schemes the pages link to; an IRI with any other scheme is shown but not clickable
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Term:
    """A term as a page shows it: text, and a link for IRIs (local path for our own resources)."""

    text: str
    #: where a click goes (local `/id/…` for resources of this dataset, the IRI itself for http(s) and
    #: mailto IRIs), "" for literals and other IRIs
    href: str = ""
    #: the IRI, or "" for literals
    iri: str = ""
    #: language tag or datatype CURIE of a literal
    note: str = ""


@dataclass(frozen=True)
class Quote:
    """An evidence quote with the article it is from."""

    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    source: Term
    annotation: Term


@dataclass(frozen=True)
class Statement:
    """One property of the resource with its values; each value may carry its own evidence."""

    predicate: Term
    values: tuple[tuple[Term, tuple[Quote, ...]], ...]


@dataclass(frozen=True)
class Incoming:
    """A link from another resource to this one, with that resource's evidence."""

    subject: Term
    predicate: Term
    evidence: tuple[Quote, ...]


@dataclass(frozen=True)
class FigureRow:
    """One figure of an event, as the event page's table of figures shows it."""

    event: Term  # the event it is a figure of (for a linked event, one of its components)
    counts: Term  # what it counts (killed, injured …)
    group: str  # who was counted: the victim group's label, else the counted group in the source's words
    value: str  # the number as given; "" for "number unknown"
    bounds: str  # the bounds it implies or the source gives ("138–300", "≥ 401"), "" when the value is exact
    qualifier: Term
    as_of: str
    source: Term
    claimants: tuple[Term, ...]  # who made the claims it rests on; none when the source states it as its own
    status: str  # withdrawn (by its source), superseded (by a later figure) or current


@dataclass(frozen=True)
class ResourcePage:
    """Everything the HTML page of a resource shows."""

    iri: str
    label: str
    types: tuple[Term, ...]
    statements: tuple[Statement, ...]
    evidence: tuple[Quote, ...]
    incoming: tuple[Incoming, ...]
    more_incoming: int = 0
    other_labels: tuple[Term, ...] = field(default=())
    #: the figures of the event (and of its components, for a linked event), by as-of date and source
    figures: tuple[FigureRow, ...] = field(default=())
    #: true for a linked event: the table names each figure's own event
    linked: bool = False


class Linker:
    """Turns IRIs into links: our own resources to their local path, others to themselves."""

    def __init__(self, base: str, prefixes: tuple[str, ...] = ("id/", "vocab/")) -> None:
        self.base = base
        self.prefixes = prefixes

    def local_path(self, iri: str) -> str | None:
        """`/id/…` for an IRI under `<base>id/` (or another served prefix), else None."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        if any(rest.startswith(p) and len(rest) > len(p) for p in self.prefixes) and "#" not in rest:
            return "/" + rest
        return None

    def href(self, iri: str) -> str:
        """Where a click on `iri` goes: its local path, the IRI itself if it is a web or mail address, else ""."""
        local = self.local_path(iri)
        if local is not None:
            return local
        scheme, colon, _ = iri.partition(":")
        # an allow-list, compared exactly: a browser would run javascript:, data:, vbscript: … (even with
        # tabs or control characters in the scheme, which it strips), so those are shown as text only
        return iri if colon and scheme.lower() in LINK_SCHEMES else ""


def _labels(graph: Graph, node: Node) -> list[Literal]:
    """rdfs:label, else skos:prefLabel (the vocabularies' concepts carry only the latter)."""
    for predicate in (RDFS.label, SKOS.prefLabel):
        found = sorted(o for o in graph.objects(node, predicate) if isinstance(o, Literal))
        if found:
            return found
    return []


def label(graph: Graph, node: Node, lang: str = "en") -> str:
    """The node's label in `lang`, else English, else any, else its CURIE."""
    labels = _labels(graph, node)
    for wanted in (lang, "en", None):
        for lab in labels:
            if wanted is None or lab.language == wanted:
                return str(lab)
    return curie(node)


def term(graph: Graph, node: Node, linker: Linker, lang: str = "en") -> Term:
    """A node as a page shows it."""
    if isinstance(node, URIRef):
        return Term(text=label(graph, node, lang), href=linker.href(str(node)), iri=str(node))
    if isinstance(node, Literal):
        note = f"@{node.language}" if node.language else (curie(node.datatype) if node.datatype else "")
        return Term(text=str(node), note=note)
    return Term(text=str(node))


def exists(graph: Graph, iri: str) -> bool:
    """True if the IRI is the subject or object of some triple."""
    node = URIRef(iri)
    return any(True for _ in graph.predicate_objects(node)) or any(True for _ in graph.subject_predicates(node))


def quotes(graph: Graph, holder: Node, linker: Linker, lang: str = "en") -> tuple[Quote, ...]:
    """The evidence quotes of `holder` (its `kgo:evidence` annotations), in text order."""
    found = []
    for annotation in graph.objects(holder, KGO.evidence):
        for target in graph.objects(annotation, OA.hasTarget):
            source = graph.value(target, OA.hasSource)
            exact = prefix = suffix = ""
            start = end = None
            for selector in graph.objects(target, OA.hasSelector):
                kinds = set(graph.objects(selector, RDF.type))
                if OA.TextQuoteSelector in kinds:
                    exact = str(graph.value(selector, OA.exact) or "")
                    prefix = str(graph.value(selector, OA.prefix) or "")
                    suffix = str(graph.value(selector, OA.suffix) or "")
                if OA.TextPositionSelector in kinds:
                    start_lit, end_lit = graph.value(selector, OA.start), graph.value(selector, OA.end)
                    start = int(start_lit) if isinstance(start_lit, Literal) else None
                    end = int(end_lit) if isinstance(end_lit, Literal) else None
            if exact:
                found.append(
                    Quote(
                        exact=exact,
                        prefix=prefix,
                        suffix=suffix,
                        start=start,
                        end=end,
                        source=term(graph, source, linker, lang)
                        if source is not None
                        else Term(text="(unknown source)"),
                        annotation=term(graph, annotation, linker, lang),
                    )
                )
    return tuple(sorted(found, key=lambda q: (q.source.iri, q.start if q.start is not None else -1, q.exact)))


def _role_evidence(
    graph: Graph, event: Node, predicate: Node, agent: Node, linker: Linker, lang: str
) -> tuple[Quote, ...]:
    """Evidence of the Participation record behind a direct role triple (event, kgo:attendee, agent)."""
    out: list[Quote] = []
    for record in graph.subjects(KGO.inEvent, event):
        if (record, KGO.agent, agent) not in graph:
            continue
        if any((role, RDFS.seeAlso, predicate) in graph for role in graph.objects(record, KGO.role)):
            out.extend(quotes(graph, record, linker, lang))
    return tuple(out)


def build_page(graph: Graph, iri: str, linker: Linker, lang: str = "en") -> ResourcePage:
    """The page model of one resource (which must exist in `graph`)."""
    node = URIRef(iri)
    by_predicate: dict[Node, list[Node]] = {}
    for p, o in graph.predicate_objects(node):
        if p in (RDF.type, RDFS.label):
            continue
        by_predicate.setdefault(p, []).append(o)
    statements = []
    for p in sorted(by_predicate, key=lambda p: curie(p)):
        values = []
        for o in by_predicate[p]:
            evidence = _role_evidence(graph, node, p, o, linker, lang) if isinstance(o, URIRef) else ()
            values.append((term(graph, o, linker, lang), evidence))
        values.sort(key=lambda v: (v[0].text.casefold(), v[0].iri, v[0].note))
        statements.append(Statement(predicate=_predicate(graph, p, linker, lang), values=tuple(values)))
    incoming_all = sorted(graph.subject_predicates(node), key=lambda sp: (curie(sp[1]), str(sp[0])))
    incoming = tuple(
        Incoming(
            subject=term(graph, s, linker, lang),
            predicate=_predicate(graph, p, linker, lang),
            evidence=quotes(graph, s, linker, lang),
        )
        for s, p in incoming_all[:MAX_INCOMING]
    )
    return ResourcePage(
        iri=iri,
        label=label(graph, node, lang),
        types=tuple(sorted((term(graph, t, linker, lang) for t in _most_specific(graph, node)), key=lambda t: t.iri)),
        statements=tuple(statements),
        evidence=quotes(graph, node, linker, lang),
        incoming=incoming,
        more_incoming=max(0, len(incoming_all) - MAX_INCOMING),
        other_labels=tuple(term(graph, lab, linker, lang) for lab in _labels(graph, node)),
        figures=figure_rows(graph, node, linker, lang),
        linked=(node, KGO.component, None) in graph,
    )


def _text(graph: Graph, node: Node, prop: URIRef, lang: str) -> str:
    """A literal value of `prop` in `lang`, else English, else any, else ""."""
    found = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
    for wanted in (lang, "en", None):
        for lit in sorted(found):
            if wanted is None or lit.language == wanted:
                return str(lit)
    return ""


def _bounds(value: str, low: str, high: str) -> str:
    if low and high:
        return "" if low == high == value else f"{low}–{high}"
    return f"≥ {low}" if low else f"≤ {high}" if high else ""


def figure_rows(graph: Graph, event: Node, linker: Linker, lang: str = "en") -> tuple[FigureRow, ...]:
    """The figures of an event, and of each of its components (kgo:component), oldest as-of date first."""
    rows = []
    for own in (event, *sorted(graph.objects(event, KGO.component), key=str)):
        for fig in graph.subjects(KGO.figureOf, own):
            victim = graph.value(fig, KGO.victimGroup)
            value = _text(graph, fig, SCHEMA.value, lang)
            if (fig, KGO.status, KGS.withdrawn) in graph:
                status = "withdrawn"
            elif any(True for _ in graph.subjects(KGO.supersedes, fig)):
                status = "superseded"
            else:
                status = "current"
            counts, qualifier, source = (graph.value(fig, p) for p in (KGO.counts, KGO.qualifier, PROV.wasDerivedFrom))
            rows.append(
                FigureRow(
                    event=term(graph, own, linker, lang),
                    counts=term(graph, counts, linker, lang) if counts is not None else Term(text=""),
                    group=label(graph, victim, lang)
                    if victim is not None
                    else _text(graph, fig, KGO.countedGroup, lang),
                    value=value,
                    bounds=_bounds(
                        value, _text(graph, fig, SCHEMA.minValue, lang), _text(graph, fig, SCHEMA.maxValue, lang)
                    ),
                    qualifier=term(graph, qualifier, linker, lang) if qualifier is not None else Term(text=""),
                    as_of=_text(graph, fig, KGO.asOf, lang),
                    source=term(graph, source, linker, lang) if source is not None else Term(text=""),
                    claimants=tuple(
                        sorted(
                            (term(graph, c, linker, lang) for c in graph.objects(fig, PROV.wasAttributedTo)),
                            key=lambda t: (t.text, t.iri),
                        )
                    ),
                    status=status,
                )
            )
    rows.sort(key=lambda r: (r.as_of, r.source.text.casefold(), r.counts.text, r.group, r.value, r.event.iri))
    return tuple(rows)


def _predicate(graph: Graph, p: Node, linker: Linker, lang: str) -> Term:
    name = label(graph, p, lang)
    short = curie(p)
    return Term(text=name if name == short else f"{name} ({short})", href=linker.href(str(p)), iri=str(p))


def describe(graph: Graph, iri: str, base: str) -> Graph:
    """The RDF document of a resource: outgoing and incoming triples and the labels of neighbours."""
    node = URIRef(iri)
    out = bind_prefixes(Graph(), base)
    neighbours: set[Node] = set()
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        neighbours.add(o)
    for s, p in graph.subject_predicates(node):
        out.add((s, p, node))
        neighbours.add(s)
    for n in neighbours:
        if isinstance(n, URIRef) and n != node:
            for lab in graph.objects(n, RDFS.label):
                out.add((n, RDFS.label, lab))
    return out


def _most_specific(graph: Graph, node: Node) -> set[Node]:
    """The types of `node` that no other of its types is a subclass of: the page shows `summit`, not also
    `meeting`, `event` and `schema:Event`, which kg-types.nt (the type closure kg serve loads) adds."""
    types = set(graph.objects(node, RDF.type))
    below = {
        t for t in types for other in types if other != t and t in graph.transitive_objects(other, RDFS.subClassOf)
    }
    return types - below
