"""SHACL validation that scales: shacl-rust (Rust, streaming) with pyshacl kept as the reference.

shacl-rust 0.2 evaluates every constraint of kg's shapes correctly except a qualified value shape
over *literal* value nodes: `sh:qualifiedValueShape [ sh:languageIn ( "en" ) ]` reports
"0 values conform" for every focus node (sh:languageIn on its own works). Such property shapes
are rewritten, before the shapes reach the engine, into an equivalent `sh:not` of "every value
is outside these languages" on a copy of every node shape that uses them (a SPARQL-based
constraint works too, but is slower); its results are reported back as the original
QualifiedMinCount results (same focus node, path, component and source shape), so the combined
report equals pyshacl's.

A SPARQL-based constraint of a node shape (SHACL §5) is taken out of the engine's shapes when its
query is plain enough (`WholeGraphQuery`): the engine would run it once per focus node and load
the whole data graph into a SPARQL store for it. Instead its SELECT runs *once*, with `$this`
left unbound, in pyoxigraph over only the N-Triples lines that can match it, while shacl-rust
checks the Core constraints in another thread; the rows whose `?this` is a focus node of the
shape become the results pyshacl reports (focus, message with `{?var}` filled in, value).
`tests/test_scale.py` and `tests/test_validation_fast.py` check that equality on a corpus with
injected violations of every kind, on the seed, and on small cases.

The engines sit in a dispatch table (`ENGINES`): `pyshacl` (the reference, report graph) and
`fast` (this module). Both return `kg.validation.Report`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, Node, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.errors import KGError
from kg.mapping import Origin
from kg.validation import Report, Violation, curie, label_of, read_report, run_shacl, validate_graph

if TYPE_CHECKING:  # rdflib's SPARQL parser takes a while to import; only shapes with sh:sparql need it
    from rdflib.plugins.sparql.parserutils import CompValue

#: namespace of the shapes this module adds for the engine; never seen in a report
_REWRITE_NS = "urn:kg:validation-fast:"
_QUALIFIED_MIN = SH.QualifiedMinCountConstraintComponent
_SPARQL_COMPONENT = SH.SPARQLConstraintComponent
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_THIS = Variable("this")
#: algebra operators under which binding `$this` before evaluation (SHACL §5.3.1 pre-binding) and
#: keeping the rows with that `?this` after it give the same rows: no OPTIONAL, UNION, MINUS,
#: sub-query, VALUES, LIMIT or aggregate, where an unbound `?this` could change the answer
_PLAIN_OPERATORS = frozenset(
    {"SelectQuery", "Project", "Distinct", "Reduced", "OrderBy", "Filter", "Extend", "Join", "BGP"}
)
#: variables SHACL pre-binds besides $this (§5.3.1), and pyshacl's ?failure: such queries stay per focus node
_OTHER_PREBOUND = re.compile(r"[?$](?:PATH|currentShape|shapesGraph|failure)\b")
#: where a pipe's read end has a path the engine can open (Linux, macOS); elsewhere data streams through Python
_FD_DIR = Path("/dev/fd")


class ShapesNotSupported(KGError):
    """The shapes use a construct the fast engine cannot evaluate exactly."""


@dataclass(frozen=True)
class Rewrite:
    """A literal qualified-value property shape turned into a SPARQL constraint on a node shape."""

    node_shape: URIRef  # the added node shape (in _REWRITE_NS)
    property_shape: Node  # the original property shape, reported as sh:sourceShape
    path: URIRef
    message: str


@dataclass(frozen=True)
class WholeGraphQuery:
    """A node shape's SPARQL-based constraint, run once over the whole data graph instead of per focus node."""

    shape: str  # the node shape, reported as sh:sourceShape
    select: str  # prologue + the constraint's sh:select, $this left unbound
    targets: str  # a group graph pattern binding ?this to each focus node: the targets as SPARQL (SHACL §2.1.3)
    predicates: frozenset[str]  # every triple either query can match has one of these predicates …
    classes: frozenset[str]  # … or is an rdf:type to one of these classes or a subclass of one
    message: str  # sh:message template with {?var} / {$var} placeholders ("" if none)
    required: frozenset[str] = frozenset()  # the select's predicates: a row of it has a triple of each


@dataclass(frozen=True)
class PreparedShapes:
    """Shapes as the engine gets them (N-Triples text) and how to map its results back."""

    text: str
    rewrites: Mapping[str, Rewrite]  # str(node_shape) → rewrite
    whole_graph: tuple[WholeGraphQuery, ...] = ()  # SPARQL constraints taken out of `text`


def _language_only(shapes: Graph, q: Node) -> list[str] | None:
    """The languages of a qualified value shape that only says sh:languageIn, else None."""
    preds = {p for p in shapes.predicates(q, None) if p != RDF.type}
    if preds != {SH.languageIn}:
        return None
    head = shapes.value(q, SH.languageIn)
    return [str(x) for x in Collection(shapes, head)] if head is not None else None


def prepare_shapes(shapes: Graph) -> PreparedShapes:
    """Rewrite the constructs shacl-rust gets wrong; raise ShapesNotSupported for ones it cannot take."""
    out = Graph()
    for t in shapes:
        out.add(t)
    rewrites: dict[str, Rewrite] = {}
    for prop, q in sorted(shapes.subject_objects(SH.qualifiedValueShape), key=lambda so: (str(so[0]), str(so[1]))):
        languages = _language_only(shapes, q)
        if languages is None:
            if any(p in (SH.languageIn, SH.datatype, SH.nodeKind, SH.pattern) for p in shapes.predicates(q, None)):
                raise ShapesNotSupported(
                    f"qualified value shape of {curie(prop)} constrains literals in a way the fast engine "
                    "cannot rewrite",
                    hint="validate with --shacl-engine pyshacl",
                )
            continue
        path = shapes.value(prop, SH.path)
        low = shapes.value(prop, SH.qualifiedMinCount)
        single = isinstance(low, Literal) and low.toPython() == 1
        if not isinstance(path, URIRef) or not single or (prop, SH.qualifiedMaxCount, None) in shapes:
            raise ShapesNotSupported(
                f"{curie(prop)}: only sh:qualifiedMinCount 1 on a plain predicate path is rewritten "
                "for the fast engine",
                hint="validate with --shacl-engine pyshacl",
            )
        message = shapes.value(prop, SH.message)
        for node_shape in sorted(shapes.subjects(SH.property, prop), key=str):
            out.remove((node_shape, SH.property, prop))
            added = URIRef(f"{_REWRITE_NS}{len(rewrites)}")
            out.add((added, RDF.type, SH.NodeShape))
            for target in _TARGETS:
                for o in shapes.objects(node_shape, target):
                    out.add((added, target, o))
            # "some value is in one of these languages" = not "every value is outside them" (SHACL §4.6.1)
            every_outside, each, outside, languages_list = BNode(), BNode(), BNode(), BNode()
            out.add((added, SH["not"], every_outside))
            out.add((every_outside, SH.property, each))
            out.add((each, SH.path, path))
            out.add((each, SH["not"], outside))
            Collection(out, languages_list, [Literal(lang) for lang in languages])
            out.add((outside, SH.languageIn, languages_list))
            rewrites[str(added)] = Rewrite(added, prop, path, str(message) if message is not None else "")
    whole_graph = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql), key=lambda so: (str(so[0]), str(so[1]))):
        query = whole_graph_query(shapes, shape, constraint)
        if query is not None:
            out.remove((shape, SH.sparql, constraint))
            whole_graph.append(query)
    return PreparedShapes(out.serialize(format="nt"), rewrites, tuple(whole_graph))


# ----------------------------------------------------------------------------------------------
# SPARQL-based constraints, once over the whole graph
# ----------------------------------------------------------------------------------------------


def _is_true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


def _prologue(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines from the constraint's sh:prefixes declarations (SHACL §5.2.1)."""
    lines = set()
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.add(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def _has_exists(expr: object) -> bool:
    """True if an algebra expression contains EXISTS / NOT EXISTS (a pattern that may use $this)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(expr, CompValue):
        return expr.name.startswith(("Builtin_EXISTS", "Builtin_NOTEXISTS")) or any(
            _has_exists(v) for v in expr.values()
        )
    if isinstance(expr, list | tuple):
        return any(_has_exists(v) for v in expr)
    return False


def _plain_triples(pattern: CompValue) -> list[tuple[Node, Node, Node]] | None:
    """The triple patterns of a query made only of _PLAIN_OPERATORS, else None."""
    name = pattern.name
    if name not in _PLAIN_OPERATORS or (name in ("Filter", "Extend") and _has_exists(pattern.expr)):
        return None
    if name == "Extend" and pattern.var == _THIS:
        return None
    if name == "BGP":
        return list(pattern.triples)
    triples: list[tuple[Node, Node, Node]] = []
    for child in (pattern.p1, pattern.p2) if name == "Join" else (pattern.p,):
        found = _plain_triples(child)
        if found is None:
            return None
        triples += found
    return triples


#: predicates SHACL Core reads in a data graph without a shape naming them: class membership for
#: sh:targetClass and sh:class (SHACL §2.1.3.2, §4.1.1)
_ALWAYS_READ = frozenset({str(RDF.type), str(RDFS.subClassOf)})


def read_predicates(shapes: Graph) -> frozenset[str] | None:
    """The predicates whose triples validation with `shapes` can read, or None if it can read any.

    SHACL Core reaches data only through targets, property paths, sh:equals and its kin (predicates
    that are IRIs of the shapes graph) and class membership (`_ALWAYS_READ`); sh:closed reads every
    predicate of a focus node (None); a SPARQL query reads the predicates of its triple patterns, so
    each must parse and have only IRIs there (a variable or a property path: None). Leaving the
    triples of any other predicate out of the data graph gives the same results.
    """
    if any(_is_true(o) for o in shapes.objects(None, SH.closed)):
        return None
    read = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef)} | _ALWAYS_READ
    queries = [(q, owner) for kind in (SH.select, SH.ask, SH.construct) for owner, q in shapes.subject_objects(kind)]
    if queries:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

    for query, owner in queries:
        try:
            algebra = translateQuery(parseQuery(_prologue(shapes, owner) + str(query))).algebra
        except Exception:  # rdflib raises bare Exception (e.g. an undeclared prefix): it may read anything
            return None
        if not _pattern_predicates(algebra, read):
            return None
    return frozenset(read)


def _pattern_predicates(node: object, out: set[str]) -> bool:
    """Add the predicate of every triple pattern in an algebra tree to `out`; False if one is not an IRI.

    rdflib leaves the pattern of an EXISTS as parsed (TriplesBlock: each a flat list of s, p, o, …)."""
    from rdflib.plugins.sparql.algebra import triples as parsed_triples
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if "triples" in node:
            if node.name not in ("BGP", "TriplesBlock"):
                return False
            found = node.triples if node.name == "BGP" else parsed_triples(node.triples)
            for _, p, _ in found:
                if not isinstance(p, URIRef):
                    return False
                out.add(str(p))
        return all(_pattern_predicates(v, out) for k, v in node.items() if k != "triples")
    if isinstance(node, list | tuple):
        return all(_pattern_predicates(v, out) for v in node)
    return True


def _message_template(shapes: Graph, constraint: Node, shape: Node) -> str:
    """The constraint's sh:message (else the shape's), English or untagged first."""
    for owner in (constraint, shape):
        messages = [m for m in shapes.objects(owner, SH.message) if isinstance(m, Literal)]
        if messages:
            return str(min(messages, key=lambda m: (m.language not in (None, "en"), str(m))))
    return ""


def _targets_pattern(shapes: Graph, shape: Node) -> tuple[str, set[str], set[str]] | None:
    """A pattern binding ?this to the shape's focus nodes (SHACL §2.1.3), with the predicates and classes it
    reads; None if the shape has no targets or a kind written here only for IRIs met a blank node."""
    patterns, predicates, classes = [], set(), set()
    for c in sorted(shapes.objects(shape, SH.targetClass), key=str):
        if not isinstance(c, URIRef):
            return None
        classes.add(str(c))
        patterns.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{c}>")
    for n in sorted(shapes.objects(shape, SH.targetNode), key=str):
        if isinstance(n, BNode):
            return None
        patterns.append(f"VALUES ?this {{ {n.n3()} }}")
    for kind, template in ((SH.targetSubjectsOf, "?this <{}> ?object"), (SH.targetObjectsOf, "?subject <{}> ?this")):
        for p in sorted(shapes.objects(shape, kind), key=str):
            if not isinstance(p, URIRef):
                return None
            predicates.add(str(p))
            patterns.append(template.format(p))
    if not patterns:
        return None
    return "{ " + " UNION ".join(f"{{ {p} }}" for p in patterns) + " }", predicates, classes


def whole_graph_query(shapes: Graph, shape: Node, constraint: Node) -> WholeGraphQuery | None:
    """The constraint as one whole-graph query, or None if it must stay with the engine (per focus node).

    Why one query is enough: the query is built only from triple patterns with constant predicates,
    joins, FILTER (without EXISTS), BIND and projection, `$this` occurs in a triple pattern and is
    projected. For such a query, pre-binding `$this` to a focus node f gives exactly the rows of the
    unbound query whose ?this is f (substitution commutes with join and filter when the variable is
    bound in every row), so running it once and keeping the rows whose ?this is a focus node gives
    every focus node's rows. The shape must be a node shape (no $PATH), not deactivated, with only
    Core targets, and referenced by no other shape (sh:node, sh:or, … would evaluate it elsewhere).
    """
    selects = list(shapes.objects(constraint, SH.select))
    if (
        len(selects) != 1
        or not isinstance(selects[0], Literal)
        or _OTHER_PREBOUND.search(str(selects[0]))
        or (None, None, shape) in shapes
        or (shape, SH.path, None) in shapes
        or (shape, SH.target, None) in shapes
        or any((shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class))
        or _is_true(shapes.value(shape, SH.deactivated))
        or _is_true(shapes.value(constraint, SH.deactivated))
    ):
        return None
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    select = _prologue(shapes, constraint) + str(selects[0])
    try:
        algebra = translateQuery(parseQuery(select)).algebra
    except Exception:  # rdflib raises bare Exception (e.g. an undeclared prefix): leave the query to the engine
        return None
    triples = _plain_triples(algebra) if algebra.name == "SelectQuery" else None
    focus = _targets_pattern(shapes, shape)
    if (
        triples is None
        or focus is None
        or _THIS not in algebra.PV
        or not all(isinstance(p, URIRef) for _, p, _ in triples)
        or not any(_THIS in (s, o) for s, _, o in triples)
    ):
        return None
    targets, target_predicates, classes = focus
    return WholeGraphQuery(
        shape=str(shape),
        select=select,
        targets=targets,
        predicates=frozenset({str(p) for _, p, _ in triples} | target_predicates),
        classes=frozenset(classes),
        message=_message_template(shapes, constraint, shape),
        required=frozenset(str(p) for _, p, _ in triples),
    )


def _whole_lines(parts: Sequence[bytes]) -> list[bytes]:
    """The parts, joined if a line runs across two of them (the engine reads them as one stream)."""
    parts = [p for p in parts if p]
    if any(not p.endswith(b"\n") for p in parts[:-1]):
        return [b"".join(parts)]
    return parts


def _alternation(needles: Sequence[bytes]) -> bytes:
    """A regex for any of `needles` with shared prefixes factored out (a trie), which `re` searches faster."""
    first, last = min(needles), max(needles)
    shared = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    prefix = first[:shared]
    rest = sorted({n[len(prefix) :] for n in needles})
    if rest == [b""]:
        return re.escape(prefix)
    by_first: dict[int, list[bytes]] = {}
    for r in rest:
        if r:
            by_first.setdefault(r[0], []).append(r)
    branches = b"|".join(_alternation(group) for _, group in sorted(by_first.items()))
    return re.escape(prefix) + b"(?:" + branches + b")" + (b"?" if b"" in rest else b"")


def _lines_with(parts: Sequence[bytes], iris: Iterable[str]) -> list[bytes]:
    """Every line of the N-Triples `parts` that mentions one of `iris` (as <iri>), each line once."""
    needles = sorted({f"<{iri}>".encode() for iri in iris})
    if not needles:
        return []
    pattern = re.compile(_alternation(needles))
    lines = []
    for part in parts:
        end = 0
        for m in pattern.finditer(part):
            if m.start() < end:  # a second mention on a line already taken
                continue
            start = part.rfind(b"\n", 0, m.start()) + 1
            end = part.find(b"\n", m.end()) + 1
            if end:
                lines.append(part[start:end])
            else:  # the last line, without its line feed
                end = len(part)
                lines.append(part[start:] + b"\n")
    return lines


def _subclasses(lines: Sequence[bytes], classes: Iterable[str]) -> set[str] | None:
    """The classes and their subclasses (rdfs:subClassOf*, from `lines`), or None if one is a blank node."""
    import pyoxigraph

    below: dict[Any, set[Any]] = {}
    for q in pyoxigraph.parse(b"".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES):
        if q.predicate.value == str(RDFS.subClassOf):
            below.setdefault(q.object, set()).add(q.subject)
    found = {pyoxigraph.NamedNode(c) for c in classes}
    todo = list(found)
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    if not all(isinstance(c, pyoxigraph.NamedNode) for c in found):
        return None
    return {c.value for c in found}


def _has_uchar(part: bytes) -> bool:
    """True if N-Triples text has a \\u or \\U escape (UCHAR), legal inside IRIs too (rdflib and Oxigraph
    write none there). Every backslash in N-Triples starts a two-character escape or a UCHAR."""
    i = part.find(b"\\")
    while i >= 0:
        if part[i + 1 : i + 2] in (b"u", b"U"):
            return True
        i = part.find(b"\\", i + 2)
    return False


def whole_graph_data(parts: Sequence[bytes], queries: Sequence[WholeGraphQuery]) -> bytes:
    """The N-Triples lines of `parts` that the queries can match: every triple with one of their
    predicates, every rdfs:subClassOf triple, and every triple that mentions a target class or one of
    its subclasses (so `?this rdf:type/rdfs:subClassOf* C` finds all its instances).

    Evaluating the queries over these lines gives the same rows as over all of `parts`, since each
    triple a query pattern matches is among them. IRIs written with \\u escapes would hide from this
    search, so data containing any escape is returned whole.
    """
    if any(_has_uchar(p) for p in parts):
        return b"".join(parts)
    predicates = set().union(*(q.predicates for q in queries))
    classes = set().union(*(q.classes for q in queries))
    lines = _lines_with(parts, predicates | classes | ({str(RDFS.subClassOf)} if classes else set()))
    if classes:
        needle = f"<{RDFS.subClassOf}>".encode()
        subclass_lines = [line for line in lines if needle in line]
        below = _subclasses(subclass_lines, classes)
        more = {str(RDF.type)} if below is None else below - classes
        lines += _lines_with(parts, more)
    return b"".join(lines)


def _fill(template: str, row: Mapping[str, Any]) -> str:
    """Replace {?var} and {$var} by the row's values, as pyshacl does (lexical form, IRI, blank node id)."""

    def value(m: re.Match[str]) -> str:
        term = row.get(m.group(1))
        return m.group(0) if term is None else str(term.value)

    return re.sub(r"\{[?$](\w+)\}", value, template)


def _store(data: bytes, keep_labels: bool) -> Any:
    """An in-memory pyoxigraph store of N-Triples; `keep_labels` keeps blank node labels (slower to load)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    if keep_labels:
        store.extend(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True))
    else:
        store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, lenient=True)
    return store


def _rows(store: Any, select: str) -> list[dict[str, Any]]:
    solutions = store.query(select)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


def _may_match(parts: Sequence[bytes], query: WholeGraphQuery) -> bool:
    """False if a predicate the query's pattern needs is written nowhere in `parts` (then it has no row:
    its pattern is a join of triple patterns with constant predicates). A partition of dataset rows has
    no position selector, so the check of evidence offsets is not searched for there. IRIs may be
    written with \\u escapes, which this search would miss: such data is always queried."""
    if all(any(_as_predicate(f"<{p}>".encode(), part) for part in parts) for p in query.required):
        return True
    return any(_has_uchar(p) for p in parts)


def _as_predicate(iri: bytes, part: bytes) -> bool:
    """True if N-Triples text may have `iri` (written `<…>`) as a predicate: after a space and before an
    object (`<`, `"` or `_`), where a subject starts its line and an object is followed by ` .` (an
    ontology declaring the property names it, but not as a predicate). A literal holding that text
    gives a true, which only costs a query."""
    needle = b" " + iri + b" "
    i = part.find(needle)
    while i >= 0:
        if part[i + len(needle) : i + len(needle) + 1] in (b"<", b'"', b"_"):
            return True
        i = part.find(needle, i + 1)
    return False


def run_whole_graph(parts: Sequence[bytes], queries: Sequence[WholeGraphQuery]) -> list[Result]:
    """Run the whole-graph queries over N-Triples `parts`; one result per row whose ?this is a focus node."""
    queries = [q for q in queries if _may_match(parts, q)]
    if not queries:
        return []
    import pyoxigraph

    data = whole_graph_data(parts, queries)
    store, labelled = _store(data, keep_labels=False), False
    out = []
    for q in queries:
        rows = _rows(store, q.select)
        if not labelled and any(isinstance(t, pyoxigraph.BlankNode) for row in rows for t in row.values()):
            # Store.load gives blank nodes new labels; results name them as the data does (as engine and pyshacl do)
            store, labelled = _store(data, keep_labels=True), True
            rows = _rows(store, q.select)
        if not rows:
            continue
        candidates = {row["this"] for row in rows}
        values = (
            ""  # a blank node cannot be written in VALUES: ask for all focus nodes
            if any(isinstance(c, pyoxigraph.BlankNode) for c in candidates)
            else "VALUES ?this { " + " ".join(sorted(str(c) for c in candidates)) + " }"
        )
        focus_nodes = {row["this"] for row in _rows(store, f"SELECT DISTINCT ?this WHERE {{ {values} {q.targets} }}")}
        for row in rows:
            this = row["this"]
            if this not in focus_nodes:
                continue
            path = row.get("path")
            out.append(
                Result(
                    str(this.value),
                    str(path.value) if isinstance(path, pyoxigraph.NamedNode) else "",
                    str(_SPARQL_COMPONENT),
                    q.shape,
                    _fill(q.message, row),
                    str(row.get("value", this)),  # a node shape's value node is the focus node (SHACL §5.3.2)
                )
            )
    return out


class _Chain(io.RawIOBase):
    """A binary file over a sequence of byte strings, so N-Triples chunks stream into the engine."""

    def __init__(self, parts: Iterable[bytes]) -> None:
        self._parts: Iterator[bytes] = iter(parts)
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not len(self._buf):
            try:
                self._buf = memoryview(next(self._parts))
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _iri(text: str | None) -> str:
    if not text:
        return ""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return text[2:] if text.startswith("_:") else text


@dataclass(frozen=True)
class Result:
    """One engine result, with terms as IRIs (or N-Triples for literals)."""

    focus: str
    path: str
    component: str
    source_shape: str
    message: str
    value: str

    def key(self) -> tuple[str, str, str]:
        """What two engines must agree on: focus node, path, constraint component."""
        return (self.focus, self.path, self.component)


def _write_all(fd: int, parts: Sequence[bytes]) -> None:
    """Write the parts to a pipe and close it (runs in its own thread; os.write releases the GIL)."""
    try:
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]
    except BrokenPipeError:
        pass  # the engine stopped reading: it failed, and its error is raised where it was called
    finally:
        os.close(fd)


#: the most a pipe to the engine is widened to: Linux's default /proc/sys/fs/pipe-max-size (root may go past
#: it, which would let a large build's data sit in the kernel while the engine parses)
PIPE_SIZE = 1 << 20


def _widen_pipe(fd: int, size: int) -> None:
    """Let the pipe hold `size` bytes, up to PIPE_SIZE (where the system allows it; elsewhere it stays as is).

    Through the default 64 KiB the writer thread and the engine take turns every 64 KiB, each turn a wait
    for the other thread, which on a busy machine is a wait for a core: `kg validate` of one annotation
    (1.2 MB of N-Triples with the ontology) waited ~100-150 times, ~25 times with 1 MiB pipes.
    """
    import fcntl

    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setsize is None:
        return
    with contextlib.suppress(OSError):  # over the system's limit for this user: the default size
        fcntl.fcntl(fd, setsize, min(size, PIPE_SIZE))


def _validate(shacl_rust: Any, parts: Sequence[bytes], shapes_nt: bytes) -> list[dict[str, Any]]:
    """shacl-rust's results for N-Triples data and shapes.

    Where the system gives a pipe a path, the engine reads both from pipes fed by writer threads, so
    it never needs the GIL while it parses and can run beside Python work in another thread; through a
    Python file object it would call back into Python for every 8 KiB.
    """
    options: dict[str, Any] = {"data_format": "nt", "shapes_format": "nt", "experimental_index": True}
    if not _FD_DIR.is_dir():
        return list(shacl_rust.validate_file(_Chain(parts), io.BytesIO(shapes_nt), **options)["results"])
    pipes = [os.pipe(), os.pipe()]
    for (_, w), content in zip(pipes, (parts, [shapes_nt]), strict=True):
        _widen_pipe(w, sum(len(c) for c in content))
    writers = [
        threading.Thread(target=_write_all, args=(w, content), daemon=True)
        for (_, w), content in zip(pipes, (parts, [shapes_nt]), strict=True)
    ]
    for t in writers:
        t.start()
    try:
        data_path, shapes_path = (str(_FD_DIR / str(r)) for r, _ in pipes)
        return list(shacl_rust.validate_file(data_path, shapes_path, **options)["results"])
    finally:
        for r, _ in pipes:
            os.close(r)  # a writer still blocked on a full pipe now gets EPIPE
        for t in writers:
            t.join()


def run_fast(data_nt: Iterable[bytes], shapes: PreparedShapes) -> list[Result]:
    """Validate N-Triples (ontology included) with shacl-rust and the whole-graph queries; map results back."""
    try:
        import shacl_rust
    except ImportError:
        raise KGError(
            "the fast SHACL engine needs shacl-rust",
            hint="pip install 'kg-conflict[scale]' (or shacl-rust), or use --shacl-engine pyshacl",
        ) from None
    parts = _whole_lines(list(data_nt))
    shapes_nt = shapes.text.encode("utf-8")
    if shapes.whole_graph and _FD_DIR.is_dir():
        with ThreadPoolExecutor(max_workers=1) as pool:
            engine = pool.submit(_validate, shacl_rust, parts, shapes_nt)
            try:
                out = run_whole_graph(parts, shapes.whole_graph)
            except SyntaxError:
                engine.result()  # data that does not parse: raise the engine's error, as without the queries
                raise
            results = engine.result()
    else:
        results = _validate(shacl_rust, parts, shapes_nt)
        out = run_whole_graph(parts, shapes.whole_graph)
    for r in results:
        shape = _iri(r.get("sourceShape"))
        messages = r.get("messages") or []
        rewrite = shapes.rewrites.get(shape)
        if rewrite is not None:
            out.append(
                Result(
                    _iri(r["focusNode"]),
                    str(rewrite.path),
                    str(_QUALIFIED_MIN),
                    str(rewrite.property_shape),
                    rewrite.message,
                    "",
                )
            )
            continue
        out.append(
            Result(
                _iri(r["focusNode"]),
                _iri(r.get("resultPath")),
                _iri(r.get("sourceConstraintComponent")),
                shape,
                str(messages[-1]) if messages else "constraint violated",
                str(r.get("value") or ""),
            )
        )
    return sorted(set(out), key=lambda x: (x.focus, x.path, x.component, x.source_shape))


def pyshacl_results(report: Graph) -> list[Result]:
    """The results of a pyshacl report graph as Result records (for comparing engines)."""
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.add(
            Result(
                str(report.value(r, SH.focusNode)),
                str(path) if isinstance(path, URIRef) else "",
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.resultMessage) or ""),
                "",
            )
        )
    return sorted(out, key=lambda x: (x.focus, x.path, x.component, x.source_shape))


def to_report(results: list[Result], labels: Graph | None, origins: Mapping[URIRef, Origin] | None = None) -> Report:
    """Turn engine results into kg's Report (one Violation per result, sorted)."""
    origins = origins or {}
    violations = []
    for r in results:
        focus = URIRef(r.focus)
        origin = origins.get(focus)
        violations.append(
            Violation(
                origin=str(origin) if origin else "",
                focus=r.focus,
                focus_label=label_of(labels, focus) if labels is not None else r.focus,
                path=curie(URIRef(r.path)) if r.path else "(node)",
                message=r.message or "constraint violated",
                severity="sh:Violation",
                component=curie(URIRef(r.component)),
                value=_value_text(r.value),
            )
        )
    return Report(not violations, tuple(sorted(set(violations))))


def _value_text(value: str) -> str:
    """An engine's value as kg.validation.read_report shows pyshacl's: IRIs as CURIEs, the rest as given."""
    if value.startswith("<") and value.endswith(">"):
        return curie(URIRef(value[1:-1]))
    return value


def _graph_nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def validate_fast(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    origins: Mapping[URIRef, Origin] | None = None,
) -> Report:
    """Validate an rdflib graph (merged with `ontology`) with the fast engine."""
    parts = [_graph_nt(data)] + ([_graph_nt(ontology)] if ontology is not None else [])
    return to_report(run_fast(parts, prepare_shapes(shapes)), data, origins)


# ----------------------------------------------------------------------------------------------
# the prepared shapes and the ontology's N-Triples, cached as data by the digest of their inputs
# ----------------------------------------------------------------------------------------------

#: bump when the cache's JSON layout changes; the digest of this module's own text is in every key too
_CACHE_LAYOUT = 1
#: cache files kept (the newest; ~0.35 MB each for kg's shapes and ontology): a few edits of the shapes
MAX_CACHED_CHECKS = 4


@dataclass(frozen=True)
class Checks:
    """What the fast engine validates against: the prepared shapes and the ontology as N-Triples."""

    shapes: PreparedShapes
    ontology_nt: bytes
    warning: str | None = None  # one line when a cache file was ignored or could not be written


def checks_key(shapes_file: Path, ontology_files: Sequence[Path]) -> str:
    """SHA-256 of what the prepared shapes depend on: the files, this module's code, rdflib's version."""
    import hashlib

    import rdflib

    digest = hashlib.sha256(f"kg-validation-cache {_CACHE_LAYOUT} rdflib {rdflib.__version__}\n".encode())
    for path in (Path(__file__), shapes_file, *ontology_files):
        body = path.read_bytes()
        digest.update(f"{path.name} {len(body)}\n".encode())
        digest.update(body)
    return digest.hexdigest()


def _checks_json(checks: Checks) -> bytes:
    shapes = checks.shapes
    rewrites = [
        {
            "node_shape": str(r.node_shape),
            "property_shape": r.property_shape.n3(),
            "path": str(r.path),
            "message": r.message,
        }
        for r in shapes.rewrites.values()
    ]
    queries = [
        {**q.__dict__, "predicates": sorted(q.predicates), "classes": sorted(q.classes), "required": sorted(q.required)}
        for q in shapes.whole_graph
    ]
    doc = {
        "layout": _CACHE_LAYOUT,
        "shapes": shapes.text,
        "rewrites": rewrites,
        "whole_graph": queries,
        "ontology": checks.ontology_nt.decode("utf-8"),
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _checks_from_json(data: bytes) -> Checks:
    """Checks from a cache file; KeyError, TypeError or ValueError if it is not one."""
    doc = json.loads(data)
    if doc["layout"] != _CACHE_LAYOUT:
        raise ValueError("another layout")
    rewrites = {}
    for r in doc["rewrites"]:
        prop = r["property_shape"]
        node = BNode(prop[2:]) if prop.startswith("_:") else URIRef(prop[1:-1])
        rewrites[r["node_shape"]] = Rewrite(URIRef(r["node_shape"]), node, URIRef(r["path"]), str(r["message"]))
    queries = tuple(
        WholeGraphQuery(
            shape=str(q["shape"]),
            select=str(q["select"]),
            targets=str(q["targets"]),
            predicates=frozenset(map(str, q["predicates"])),
            classes=frozenset(map(str, q["classes"])),
            message=str(q["message"]),
            required=frozenset(map(str, q["required"])),
        )
        for q in doc["whole_graph"]
    )
    return Checks(PreparedShapes(str(doc["shapes"]), rewrites, queries), str(doc["ontology"]).encode("utf-8"))


def load_checks(shapes_file: Path, ontology_files: Sequence[Path], cache_dir: Path | None = None) -> Checks:
    """The prepared shapes and the ontology's N-Triples, from `cache_dir` when it holds them for these files.

    The cache is data only (JSON, keyed by `checks_key`): parsing the ontology and shapes with rdflib and
    preparing the shapes (rdflib's SPARQL parser for the SPARQL-based constraints) is most of what
    `kg validate` of one annotation would spend. A cache file that does not parse is rebuilt (with a
    warning); one that cannot be written is skipped (with a warning).
    """
    key = checks_key(shapes_file, ontology_files)
    cached = cache_dir / f"shapes-{key}.json" if cache_dir is not None else None
    warning = None
    if cached is not None and cached.is_file():
        try:
            return _checks_from_json(cached.read_bytes())
        except (OSError, KeyError, TypeError, ValueError, AttributeError):
            warning = f"{cached}: not a kg validation cache; ignored and rebuilt"
    from kg.store import read_rdf

    checks = Checks(prepare_shapes(read_rdf([shapes_file])), _graph_nt(read_rdf(ontology_files)))
    if cached is not None:
        from kg.atomic import write_file_unsynced

        try:
            write_file_unsynced(cached, _checks_json(checks))
            _prune(cached.parent)
        except KGError as exc:
            warning = f"cannot write the validation cache: {exc}"
    return Checks(checks.shapes, checks.ontology_nt, warning)


OriginsOf = Callable[[], Mapping[URIRef, Origin]]


def _prune(folder: Path) -> None:
    """Remove all but the MAX_CACHED_CHECKS newest cache files (another process may remove them too)."""
    files = sorted(folder.glob("shapes-*.json"), key=lambda f: f.stat().st_mtime_ns if f.exists() else 0)
    for old in files[:-MAX_CACHED_CHECKS]:
        old.unlink(missing_ok=True)


def validate_lazily(
    data: Graph,
    checks: Checks | None,
    reference: Callable[[], tuple[Graph, Graph]],
    origins_of: OriginsOf | None = None,
) -> Report:
    """Validate an rdflib graph (the ontology merged in) with the fast engine and prepared `checks`, or with
    pyshacl and the `reference()` shapes and ontology when `checks` is None.

    `origins_of()` is called only when there are violations to place: finding the file and line of each
    resource costs a second mapping, which a graph that conforms does not need.
    """
    if checks is not None:
        results = run_fast([_graph_nt(data), checks.ontology_nt], checks.shapes)
        return to_report(results, data, origins_of() if results and origins_of else None)
    conforms, report = run_shacl(data, *reference())
    return Report(conforms, read_report(report, data, origins_of() if not conforms and origins_of else None))


def has_fast_engine() -> bool:
    """Whether shacl-rust is installed (the `scale` extra)."""
    import importlib.util

    return importlib.util.find_spec("shacl_rust") is not None


Engine = Callable[[Graph, Graph, "Graph | None", "Mapping[URIRef, Origin] | None"], Report]

#: SHACL engines by name: pyshacl is the reference; fast is shacl-rust plus the rewrites above
ENGINES: dict[str, Engine] = {
    "pyshacl": validate_graph,
    "fast": validate_fast,
}


def get_engine(name: str) -> Engine:
    """Return a SHACL engine by name; raise KGError listing the valid names."""
    try:
        return ENGINES[name]
    except KeyError:
        raise KGError(f"unknown SHACL engine {name!r}", hint=f"use one of {', '.join(ENGINES)}") from None
