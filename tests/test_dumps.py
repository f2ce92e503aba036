"""The dumps' writers: a diff applied to the last build's dumps gives what pyoxigraph writes for the whole graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from kg.build import dumps

BASE = "https://example.org/kg/"
_IRIS = [BASE + "id/a", BASE + "id/a/b", BASE + "id/a-b", BASE + "id/é", "http://other.org/x", BASE + "id/b"]
_PREDICATES = [
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "https://w3id.org/conflict-kg/ontology#p",
    "https://schema.org/name",
]
_LITERALS = st.one_of(
    st.text(alphabet='ab\n\t"\\é ', max_size=4).map(lambda t: Literal(t)),
    st.integers(-3, 3).map(lambda n: Literal(n)),
    st.sampled_from(["en", "id"]).map(lambda lang: Literal("x", lang=lang)),
)
_OBJECTS = st.one_of(
    st.sampled_from(_IRIS).map(URIRef),
    _LITERALS,
    st.sampled_from(
        ["https://w3id.org/conflict-kg/ontology#Summit", "https://w3id.org/conflict-kg/ontology#SourceDocument"]
    ).map(URIRef),
)
_TRIPLE = st.tuples(st.sampled_from(_IRIS).map(URIRef), st.sampled_from(_PREDICATES).map(URIRef), _OBJECTS)
_CHUNK = st.lists(_TRIPLE, max_size=8)


def _whole(lines: list[bytes]) -> dict[str, bytes]:
    """What pyoxigraph writes when handed every triple at once (the reference)."""
    nt = b"".join(line + b"\n" for line in lines)
    pre = dumps.prefixes(BASE)
    ttl = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=pre)
    js = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD)
    return {"kg.ttl": ttl, "kg.nt": nt, "kg.jsonld": dumps.json_head(BASE) + js[1:-1] + dumps.JSON_TAIL}


@settings(max_examples=150, deadline=None)
@given(before=st.lists(_CHUNK, min_size=1, max_size=5), after=st.lists(_CHUNK, min_size=1, max_size=5))
def test_a_diff_gives_the_bytes_of_writing_the_whole_graph(
    before: list[list[tuple[URIRef, URIRef, URIRef | Literal]]],
    after: list[list[tuple[URIRef, URIRef, URIRef | Literal]]],
) -> None:
    """Chunks share subjects and lines; chunk i changes from before[i] to after[i] (or appears, or goes)."""
    old = [dumps.ntriples_lines(c) for c in before]
    new = [dumps.ntriples_lines(c) for c in after]
    lines, shared = dumps.first_union(old)
    union = dumps.apply(dumps.Union(), [], lines, shared, BASE)
    assert dumps.payloads(union) == _whole(lines)
    width = max(len(old), len(new))
    changed_old = [old[i] for i in range(width) if i < len(old) and (i >= len(new) or old[i] != new[i])]
    changed_new = [new[i] for i in range(width) if i < len(new) and (i >= len(old) or old[i] != new[i])]
    removed, added, shared = dumps.diff(union, changed_old, changed_new)
    spliced = dumps.apply(union, removed, added, shared, BASE)
    expected_lines, expected_shared = dumps.first_union(new)
    assert spliced.shared == expected_shared
    assert dumps.payloads(spliced) == _whole(expected_lines)
    fresh = dumps.Counts()
    fresh.count(expected_lines, 1)
    assert spliced.counts == fresh
    assert spliced.subjects == sorted({line[: line.index(b"> ") + 1] for line in expected_lines})


def test_ntriples_are_canonical_and_sorted() -> None:
    lines = dumps.ntriples_lines(
        [
            (URIRef(BASE + "b"), URIRef(BASE + "p"), Literal("x\ny")),
            (URIRef(BASE + "a"), URIRef(BASE + "p"), Literal(1)),
        ]
    )
    assert lines == [
        b'<https://example.org/kg/a> <https://example.org/kg/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        b'<https://example.org/kg/b> <https://example.org/kg/p> "x\\ny" .',
    ]


def test_a_diff_counted_in_parts_counts_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full build's million lines are split and counted in parts (`_PART` lines at a time); with parts
    of two lines, a subject's lines cross part boundaries and the counts are still those of every line."""
    monkeypatch.setattr(dumps, "_PART", 2)
    a, b = URIRef(BASE + "id/a"), URIRef(BASE + "id/b")
    p, summit = (
        URIRef("https://w3id.org/conflict-kg/ontology#p"),
        URIRef("https://w3id.org/conflict-kg/ontology#Summit"),
    )
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    iri = {a: b"<https://example.org/kg/id/a>", b: b"<https://example.org/kg/id/b>"}
    pred, cls = b"<" + str(p).encode() + b">", b"<" + str(summit).encode() + b">"
    first = [(a, p, Literal(n)) for n in range(5)] + [(a, rdf_type, summit), (b, p, a), (b, rdf_type, summit)]
    lines, shared = dumps.first_union([dumps.ntriples_lines(first)])
    union = dumps.apply(dumps.Union(), [], lines, shared, BASE)
    assert union.counts.triples == 8 and union.counts.predicates[pred] == 6 and union.counts.classes == {cls: 2}
    assert union.counts.typed[cls] == {iri[a], iri[b]} and union.subjects == [iri[a], iri[b]]
    # a loses 0-2 and gains 5-7, b loses its type
    then = [(a, p, Literal(n)) for n in range(3, 8)] + [(a, rdf_type, summit), (b, p, a)]
    removed, added, shared = dumps.diff(union, [lines], [dumps.ntriples_lines(then)])
    assert (len(removed), len(added)) == (4, 3)
    union = dumps.apply(union, removed, added, shared, BASE)
    assert union.counts.triples == 7 and union.counts.predicates[pred] == 6 and union.counts.classes == {cls: 1}
    assert union.counts.typed[cls] == {iri[a]} and union.subjects == [iri[a], iri[b]]
    assert dumps.payloads(union) == _whole(dumps.ntriples_lines(then))
