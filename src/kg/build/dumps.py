"""The dumps, written by pyoxigraph from the union of the chunks' triples, and VoID's counts.

pyoxigraph writes every byte of kg.nt (canonical N-Triples), kg.ttl (Turtle with kg's prefixes)
and kg.jsonld (JSON-LD), fed sorted triples so that the same graph gives the same bytes. The
graph is held as its sorted, distinct N-Triples lines (`Union`). A build changes it by a diff
(lines that leave, lines that come); a full build is the diff from the empty graph. Because
pyoxigraph writes one triple per N-Triples line and, fed triples grouped by subject, one Turtle
block and one JSON-LD node object per subject, a change re-serialises only the subjects whose
lines changed and puts their blocks in place of the old ones: the result is what serialising
the whole graph gives (`tests/test_dumps.py` checks it against one call over every triple).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.exporters.rdf import jsonld_context
from kg.namespaces import KGO

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_TYPE = f"<{RDF.type}>".encode()
#: classes whose instances VoID names (the dataset's sources and example resources)
TYPED = (f"<{KGO.SourceDocument}>".encode(), f"<{KGO.Summit}>".encode())
_BLOCK_END = re.compile(rb"\n(?!\t)")  # pyoxigraph escapes newlines and tabs inside literals


# ----------------------------------------------------------------------------------------------
# Triples → canonical N-Triples lines
# ----------------------------------------------------------------------------------------------


class _Terms:
    """rdflib terms as pyoxigraph terms (IRIs are met many times: converted once)."""

    def __init__(self) -> None:
        self.iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self.iris.get(value)
        if node is None:
            if len(self.iris) > 200_000:
                self.iris.clear()
            node = self.iris[value] = ox.NamedNode(value)
        return node

    def term(self, t: URIRef | Literal) -> ox.NamedNode | ox.Literal:
        if isinstance(t, URIRef):
            return self.iri(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=self.iri(str(t.datatype)))
            return ox.Literal(str(t))
        raise TypeError(f"{t!r} is neither an IRI nor a literal (kg publishes no blank nodes)")


_TERMS = _Terms()


def _write(triples: Iterable[ox.Triple], fmt: ox.RdfFormat, pre: dict[str, str] | None = None) -> bytes:
    """pyoxigraph's serialisation of some triples, as bytes."""
    data = ox.serialize(triples, format=fmt, prefixes=pre)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data


def _parse(nt: bytes) -> Iterable[ox.Triple]:
    return ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)


def ntriples_lines(triples: Iterable[Triple]) -> list[bytes]:
    """The sorted, distinct canonical N-Triples lines of some triples (without their newlines)."""
    term, iri = _TERMS.term, _TERMS.iri
    data = _write((ox.Triple(iri(str(s)), iri(str(p)), term(o)) for s, p, o in triples), ox.RdfFormat.N_TRIPLES)
    return sorted(set(data.split(b"\n")[:-1]))


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples, lines sorted (the canonical form of a graph without blank nodes)."""
    lines = ntriples_lines(triples)
    return b"\n".join(lines) + b"\n" if lines else b""


def turtle(triples: Iterable[Triple], base: str | None) -> bytes:
    """Turtle with kg's prefixes, written by pyoxigraph from the sorted triples."""
    data = ntriples(triples)
    return _write(_parse(data), ox.RdfFormat.TURTLE, prefixes(base))


def prefixes(base: str | None) -> dict[str, str]:
    """The prefixes of the Turtle dump (and the JSON-LD @context)."""
    return jsonld_context(base)


# ----------------------------------------------------------------------------------------------
# The union of the chunks' triples, as the dumps hold it
# ----------------------------------------------------------------------------------------------


@dataclass
class Counts:
    """What VoID counts, kept up to date line by line."""

    triples: int = 0
    predicates: Counter[bytes] = field(default_factory=Counter)  # predicate → lines
    classes: Counter[bytes] = field(default_factory=Counter)  # class → rdf:type lines
    objects: Counter[bytes] = field(default_factory=Counter)  # 128-bit digest of an object → lines
    typed: dict[bytes, set[bytes]] = field(default_factory=lambda: {c: set() for c in TYPED})

    def count(self, lines: Iterable[bytes], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) lines of the graph."""
        blake = hashlib.blake2b
        for line in lines:
            s, p, rest = line.split(b" ", 2)
            o = rest[:-2]
            self.triples += sign
            for counter, key in ((self.predicates, p), (self.objects, blake(o, digest_size=16).digest())):
                counter[key] += sign
                if not counter[key]:
                    del counter[key]
            if p == _TYPE:
                self.classes[o] += sign
                if not self.classes[o]:
                    del self.classes[o]
                if o in self.typed:
                    (self.typed[o].add if sign > 0 else self.typed[o].discard)(s)


@dataclass
class Union:
    """The graph of a build: its sorted N-Triples, its subjects, its Turtle and JSON-LD bodies."""

    nt: bytes = b""  # sorted distinct lines, each ending in "\n"
    subjects: list[bytes] = field(default_factory=list)  # "<iri>", in the order of the lines
    ttl: bytes = b""  # Turtle blocks, one per subject, without the prefix lines
    ttl_ends: array[int] = field(default_factory=lambda: array("Q"))  # end of each subject's block
    json: bytes = b""  # JSON-LD node objects, one per subject, each followed by ","
    json_ends: array[int] = field(default_factory=lambda: array("Q"))
    counts: Counts = field(default_factory=Counts)
    shared: dict[bytes, int] = field(default_factory=dict)  # line → chunks giving it, if more than one


def _subject(line: bytes) -> bytes:
    return line[: line.index(b"> ") + 1]


def _bisect(buf: bytes, line: bytes) -> int:
    """Offset of the first line of the sorted lines in `buf` that is ≥ `line`."""
    lo, hi = 0, len(buf)
    while lo < hi:
        mid = (lo + hi) // 2
        start = buf.rfind(b"\n", lo, mid)
        start = lo if start < 0 else start + 1
        end = buf.index(b"\n", start)
        if buf[start:end] < line:
            lo = end + 1
        else:
            hi = start
    return lo


def _holds(buf: bytes, line: bytes) -> bool:
    at = _bisect(buf, line)
    return buf.startswith(line + b"\n", at)


def diff(
    union: Union, old: Sequence[Sequence[bytes]], new: Sequence[Sequence[bytes]]
) -> tuple[list[bytes], list[bytes], dict[bytes, int]]:
    """Lines that leave and lines that come when chunks giving `old` lines now give `new` ones.

    A line stays while some chunk gives it: `union.shared` counts the chunks of lines given by
    more than one. Returns (removed, added, shared after the change), removed and added sorted.
    """
    delta: Counter[bytes] = Counter()
    for lines in old:
        delta.subtract(lines)
    for lines in new:
        delta.update(lines)
    shared = dict(union.shared)
    removed, added = [], []
    for line, d in delta.items():
        if not d:
            continue
        before = shared.get(line) or (1 if d < 0 or _holds(union.nt, line) else 0)
        after = before + d
        if after > 1:
            shared[line] = after
        else:
            shared.pop(line, None)
        if before and not after:
            removed.append(line)
        elif after and not before:
            added.append(line)
    return sorted(removed), sorted(added), shared


def first_union(chunks: Sequence[Sequence[bytes]]) -> tuple[list[bytes], dict[bytes, int]]:
    """The sorted distinct lines of chunks, and the lines more than one chunk gives (a full build)."""
    every = [line for lines in chunks for line in lines]
    distinct = set(every)
    shared: dict[bytes, int] = {}
    if len(distinct) != len(every):
        shared = {line: n for line, n in Counter(every).items() if n > 1}
    return sorted(distinct), shared


def _edit_lines(buf: bytes, removed: Sequence[bytes], added: Sequence[bytes]) -> bytes:
    """`buf` (sorted lines) without `removed` (all in it) and with `added` (none in it), sorted."""
    if not buf:
        return b"".join(line + b"\n" for line in added)
    edits = sorted(
        [(_bisect(buf, line), 1, line) for line in removed] + [(_bisect(buf, line), 0, line) for line in added]
    )
    pieces: list[bytes] = []
    pos = 0
    for at, is_removal, line in edits:
        if at > pos:
            pieces.append(buf[pos:at])
            pos = at
        if is_removal:
            pos = at + len(line) + 1
        else:
            pieces.append(line + b"\n")
    pieces.append(buf[pos:])
    return b"".join(pieces)


def _subject_lines(nt: bytes, subjects: Sequence[bytes], everything: bool) -> bytes:
    """The lines of `subjects` (sorted) in `nt`."""
    if everything:
        return nt
    parts = []
    for s in subjects:
        start = _bisect(nt, s + b" ")
        end = _bisect(nt, s + b"!")  # "!" follows " " in byte order: the end of s's lines
        parts.append(nt[start:end])
    return b"".join(parts)


def _blocks(data: bytes, subjects: Sequence[bytes], base: str) -> tuple[bytes, list[int], bytes, list[int]]:
    """Turtle blocks and JSON-LD nodes of the subjects whose lines are `data`, with their ends."""
    pre = prefixes(base)
    ttl = _write(_parse(data), ox.RdfFormat.TURTLE, pre)
    if ttl:
        ttl = ttl.split(b"\n", len(pre))[-1]  # the prefix lines come first, one per prefix
    ttl_ends = [m.end() for m in _BLOCK_END.finditer(ttl)]
    raw = _write(_parse(data), ox.RdfFormat.JSON_LD)
    body = raw[1:-1] + b"," if len(raw) > 2 else b""
    json_ends = []
    pos = 0
    for s in subjects[1:]:  # a node object starts with its @id and at least one property
        pos = body.index(b'{"@id":"' + s[1:-1] + b'","', pos)
        json_ends.append(pos)
    if subjects:
        json_ends.append(len(body))
    if len(ttl_ends) != len(subjects) or len(json_ends) != len(subjects):
        raise AssertionError(f"pyoxigraph wrote {len(ttl_ends)} Turtle blocks for {len(subjects)} subjects")
    return ttl, ttl_ends, body, json_ends


def _splice(
    body: bytes,
    ends: array[int],
    subjects: Sequence[bytes],
    changed: Sequence[bytes],
    new_body: bytes,
    new_ends: Sequence[int],
    kept: Sequence[bytes],
) -> tuple[bytes, array[int]]:
    """`body` with the blocks of `changed` subjects cut out and the new blocks of `kept` put in order."""
    pieces: list[bytes] = []
    out = array("Q")
    size = 0
    i = 0  # next old subject not yet copied
    k = 0  # next new block
    new_starts = [0, *new_ends[:-1]]

    def copy(upto: int) -> None:
        nonlocal i, size
        if upto <= i:
            return
        start = ends[i - 1] if i else 0
        stop = ends[upto - 1]
        pieces.append(body[start:stop])
        shift = size - start
        out.extend(e + shift for e in ends[i:upto])
        size += stop - start
        i = upto

    for s in changed:
        at = bisect.bisect_left(subjects, s, lo=i)
        copy(at)
        if at < len(subjects) and subjects[at] == s:
            i = at + 1  # the old block goes
        if k < len(kept) and kept[k] == s:
            block = new_body[new_starts[k] : new_ends[k]]
            pieces.append(block)
            size += len(block)
            out.append(size)
            k += 1
    copy(len(subjects))
    return b"".join(pieces), out


def apply(union: Union, removed: Sequence[bytes], added: Sequence[bytes], shared: dict[bytes, int], base: str) -> Union:
    """The union after a diff; only the subjects of changed lines are serialised again."""
    everything = not union.nt
    nt = _edit_lines(union.nt, removed, added)
    changed = sorted({_subject(line) for line in (*removed, *added)})
    kept = changed if everything else [s for s in changed if _holds_subject(nt, s)]
    ttl_new, ttl_ends, json_new, json_ends = _blocks(_subject_lines(nt, kept, everything), kept, base)
    if everything:
        subjects, ttl, tends, js, jends = kept, ttl_new, array("Q", ttl_ends), json_new, array("Q", json_ends)
    else:
        ttl, tends = _splice(union.ttl, union.ttl_ends, union.subjects, changed, ttl_new, ttl_ends, kept)
        js, jends = _splice(union.json, union.json_ends, union.subjects, changed, json_new, json_ends, kept)
        subjects = list(union.subjects)
        for s in changed:
            at = bisect.bisect_left(subjects, s)
            held = at < len(subjects) and subjects[at] == s
            if held and not _holds_subject(nt, s):
                del subjects[at]
            elif not held and _holds_subject(nt, s):
                subjects.insert(at, s)
    counts = union.counts
    counts.count(removed, -1)
    counts.count(added, 1)
    return Union(nt, list(subjects), ttl, tends, js, jends, counts, shared)


def _holds_subject(nt: bytes, s: bytes) -> bool:
    return nt.startswith(s + b" ", _bisect(nt, s + b" "))


def turtle_head(base: str) -> bytes:
    """The prefix lines pyoxigraph writes before the first triple."""
    one = ox.Triple(ox.NamedNode(base), ox.NamedNode(base), ox.NamedNode(base))
    pre = prefixes(base)
    data = _write([one], ox.RdfFormat.TURTLE, pre)
    return b"".join(line + b"\n" for line in data.split(b"\n", len(pre))[:-1])


def json_head(base: str) -> bytes:
    """What comes before pyoxigraph's node objects in kg.jsonld: kg's prefixes as the @context."""
    context = json.dumps(jsonld_context(base), ensure_ascii=False, sort_keys=True)
    return b'{"@context":' + context.encode("utf-8") + b',"@graph":['


JSON_TAIL = b"]}\n"


def payloads(union: Union, base: str) -> dict[str, bytes]:
    """kg.ttl, kg.nt and kg.jsonld of the union."""
    return {
        "kg.ttl": (turtle_head(base) if union.ttl else b"") + union.ttl,
        "kg.nt": union.nt,
        "kg.jsonld": json_head(base) + union.json[:-1] + JSON_TAIL,
    }


def bodies(files: dict[str, bytes], base: str) -> tuple[bytes, bytes]:
    """The Turtle and JSON-LD bodies of written dumps (what `payloads` wrapped)."""
    ttl, js = files["kg.ttl"], files["kg.jsonld"]
    head = turtle_head(base)
    ttl_body = ttl[len(head) :] if ttl else b""
    json_body = js[len(json_head(base)) : -len(JSON_TAIL)]
    return ttl_body, json_body + b"," if json_body else b""
