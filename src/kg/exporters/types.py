"""`kg-types.nt`: the types the class hierarchy implies, so plain SPARQL finds instances by any class.

The dumps hold only the types kg asserts (a riot is a `kgo:Riot`). RDFS entailment (RDF 1.1 Semantics
§9.2.1, rule rdfs9: `x a C`, `C rdfs:subClassOf D` ⊢ `x a D`) adds every superclass, so that
`SELECT ?e { ?e a kgo:Event }` and `?e a schema:Event` answer on an engine that does no reasoning. This
module computes exactly that closure, for the subjects of kg's own classes (`kgo:`), over the named
superclasses `ontology/kg.ttl` declares (`kgo:`, schema.org, PROV-O, Web Annotation), less the types
already asserted: one sorted N-Triples file, published beside the dumps and loaded beside them by
`kg serve`, `kg query`, `kg push` and the on-disk store. Types from domains and ranges, and everything
else OWL implies, are `kg reason`'s (`kg-inferred.ttl`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.namespaces import KGO

#: file name of the type closure in dist/
TYPES_NAME = "kg-types.nt"
_TYPE = f" <{RDF.type}> ".encode()
_KGO = f"<{KGO}".encode()
_TOP = frozenset({OWL.Thing, RDFS.Resource})


def superclasses(ontology: Graph) -> dict[bytes, tuple[bytes, ...]]:
    """Each named class of the ontology → its named superclasses (rdfs:subClassOf+, N-Triples terms)."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sup not in _TOP:
            direct[sub].add(sup)
    out: dict[bytes, tuple[bytes, ...]] = {}
    for cls in direct:
        seen: set[URIRef] = set()
        todo = [cls]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen and sup != cls:
                    seen.add(sup)
                    todo.append(sup)
        out[f"<{cls}>".encode()] = tuple(f"<{c}>".encode() for c in seen)
    return out


def _closure_lines(asserted: dict[bytes, set[bytes]], supers: dict[bytes, tuple[bytes, ...]]) -> Iterable[bytes]:
    for subject, classes in asserted.items():
        for cls in classes:
            if cls.startswith(_KGO):
                for sup in supers.get(cls, ()):
                    if sup not in classes:
                        yield subject + _TYPE + sup + b" ."


def _type_of(line: bytes) -> tuple[bytes, bytes] | None:
    """(subject, class) of a canonical N-Triples line that types an IRI with an IRI, else None."""
    at = line.find(_TYPE)
    subject, cls = line[:at], line[at + len(_TYPE) :].removesuffix(b" .")
    # an IRI subject and class (IRIs hold no spaces), never the same bytes inside a literal
    if at > 0 and subject[:1] == b"<" and b" " not in subject and cls[:1] == b"<" and b" " not in cls:
        return subject, cls
    return None


def update_type_closure(
    old: bytes, removed: Sequence[bytes], added: Sequence[bytes], nt: bytes, ontology: Graph
) -> bytes:
    """The closure after an incremental build took `removed` lines out of the dumps and put `added` in:
    the same bytes as `type_closure(nt, ontology)`, recomputing only the subjects whose types changed."""
    from kg.build.dumps import _bisect  # the dumps' own search of their sorted lines

    touched = {t[0] for t in map(_type_of, (*removed, *added)) if t is not None}
    if not touched:
        return old
    kept = [line for line in old.splitlines() if line[: line.find(b" ")] not in touched]
    asserted: dict[bytes, set[bytes]] = defaultdict(set)
    for subject in touched:  # its lines are one block of the sorted dump
        at = _bisect(nt, subject + b" ")
        while nt.startswith(subject + b" ", at):
            end = nt.find(b"\n", at)
            typed = _type_of(nt[at:end])
            if typed is not None:
                asserted[subject].add(typed[1])
            at = end + 1
    lines = sorted({*kept, *_closure_lines(asserted, superclasses(ontology))})
    return b"".join(line + b"\n" for line in lines)


def type_closure(nt: bytes, ontology: Graph) -> bytes:
    """The rdf:type triples the ontology's class hierarchy adds to the sorted canonical N-Triples `nt`,
    for subjects of a `kgo:` class, as sorted canonical N-Triples (read from the lines as bytes: every
    line of canonical N-Triples is `subject predicate object .`, and kg publishes no blank nodes)."""
    supers = superclasses(ontology)
    asserted: dict[bytes, set[bytes]] = defaultdict(set)
    start = 0
    while (at := nt.find(_TYPE, start)) >= 0:
        line_start = nt.rfind(b"\n", 0, at) + 1
        line_end = nt.find(b"\n", at)
        line_end = len(nt) if line_end < 0 else line_end
        typed = _type_of(nt[line_start:line_end])
        if typed is not None:
            asserted[typed[0]].add(typed[1])
        start = line_end
    return b"".join(line + b"\n" for line in sorted(set(_closure_lines(asserted, supers))))
