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
import functools
import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.exporters.rdf import jsonld_context
from kg.namespaces import KGO

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_TYPE = f"<{RDF.type}>".encode()
#: classes whose instances VoID names (the dataset's sources, example resources and dataset releases)
TYPED = (f"<{KGO.SourceDocument}>".encode(), f"<{KGO.Summit}>".encode(), f"<{KGO.DatasetRelease}>".encode())
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
    objects: Counter[bytes] = field(default_factory=Counter)  # object (as N-Triples) → lines
    typed: dict[bytes, set[bytes]] = field(default_factory=lambda: {c: set() for c in TYPED})

    def count(self, lines: Sequence[bytes], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) lines of the graph."""
        self.count_triples(split_lines(lines), sign)

    def count_triples(self, parts: Sequence[tuple[bytes, bytes, bytes]], sign: int) -> None:
        """`count` for lines already split into (subject, predicate, object)."""
        if not parts:
            return
        self.triples += sign * len(parts)
        typed = [(s, o) for s, p, o in parts if p == _TYPE]
        deltas = (
            (self.predicates, Counter(p for _, p, _ in parts)),
            (self.objects, Counter(o for _, _, o in parts)),
            (self.classes, Counter(o for _, o in typed)),
        )
        for counter, delta in deltas:
            for key, n in delta.items():
                value = counter.get(key, 0) + sign * n
                if value:
                    counter[key] = value
                else:
                    counter.pop(key, None)
        for s, o in typed:
            if o in self.typed:
                (self.typed[o].add if sign > 0 else self.typed[o].discard)(s)


_LINE = re.compile(rb"^(<[^>]*>) (<[^>]*>) (.*) \.$", re.M)


def split_lines(lines: Sequence[bytes]) -> list[tuple[bytes, bytes, bytes]]:
    """(subject, predicate, object) of canonical N-Triples lines (IRIs hold no '>', lines no newline)."""
    parts: list[tuple[bytes, bytes, bytes]] = _LINE.findall(b"\n".join(lines))
    if len(parts) != len(lines):
        raise AssertionError("a line is not canonical N-Triples")
    return parts


#: a file as the pieces it is the concatenation of (views of the last build's bytes and new bytes): a
#: build writes them one after the other (kg.atomic.stage_file) instead of joining them in memory
Pieces = Sequence[bytes | memoryview]


def joined(pieces: Pieces) -> bytes:
    """The bytes of a file given as pieces."""
    return pieces[0] if len(pieces) == 1 and isinstance(pieces[0], bytes) else b"".join(pieces)


@dataclass
class Union:
    """The graph of a build: its sorted N-Triples, its subjects, its Turtle and JSON-LD bodies."""

    nt: bytes = b""  # kg.nt: sorted distinct lines, each ending in "\n"
    subjects: list[bytes] = field(default_factory=list)  # "<iri>", in the order of the lines
    ttl: Pieces = ()  # kg.ttl: the prefix lines, then one block per subject
    ttl_ends: array[int] = field(default_factory=lambda: array("Q"))  # end of each block, after the head
    json: Pieces = ()  # kg.jsonld: the @context, then one node object per subject (and ",")
    json_ends: array[int] = field(default_factory=lambda: array("Q"))
    counts: Counts = field(default_factory=Counts)
    shared: dict[bytes, int] = field(default_factory=dict)  # line → chunks giving it, if more than one


def _subject(line: bytes) -> bytes:
    return line[: line.index(b"> ") + 1]


def subject_lines(nt: bytes, subject: URIRef) -> bytes:
    """The lines of sorted N-Triples whose subject is `subject`, each ending in a newline."""
    head = f"<{subject}> ".encode()
    start = end = _bisect(nt, head)
    while nt.startswith(head, end):
        end = nt.index(b"\n", end) + 1
    return nt[start:end]


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
    view = memoryview(buf)
    edits = sorted(
        [(_bisect(buf, line), 1, line) for line in removed] + [(_bisect(buf, line), 0, line) for line in added]
    )
    pieces: list[bytes | memoryview] = []
    pos = 0
    for at, is_removal, line in edits:
        if at > pos:
            pieces.append(view[pos:at])
            pos = at
        if is_removal:
            pos = at + len(line) + 1
        else:
            pieces.append(line + b"\n")
    pieces.append(view[pos:])
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


def _blocks(
    data: bytes, subjects: Sequence[bytes], base: str, whole: bool = False
) -> tuple[memoryview, list[int], memoryview, list[int]]:
    """Turtle blocks and JSON-LD nodes of the subjects whose lines are `data`, with their ends (views of
    pyoxigraph's output, not copies). Each node object ends in ","; with `whole` (the blocks are the
    whole file), the last one ends in pyoxigraph's closing "]" instead, which the splice cuts off."""
    pre = prefixes(base)
    ttl = _write(_parse(data), ox.RdfFormat.TURTLE, pre)
    skip = 0
    for _ in pre if ttl else ():  # the prefix lines come first, one per prefix
        skip = ttl.index(b"\n", skip) + 1
    ttl_ends = [m.end() - skip for m in _BLOCK_END.finditer(ttl, skip)]
    raw = _write(_parse(data), ox.RdfFormat.JSON_LD)
    if len(raw) <= 2:
        raw = b""
    elif not whole:
        raw = raw[:-1] + b",]"
    body = memoryview(raw)[1 : len(raw) - (0 if whole else 1)]  # after "[": the node objects and their ","
    json_ends = []
    pos = 1
    for s in subjects[1:]:  # a node object starts with its @id and at least one property
        pos = raw.index(b'{"@id":"' + s[1:-1] + b'","', pos)
        json_ends.append(pos - 1)
    if subjects:
        json_ends.append(len(body))
    if len(ttl_ends) != len(subjects) or len(json_ends) != len(subjects):
        raise AssertionError(f"pyoxigraph wrote {len(ttl_ends)} Turtle blocks for {len(subjects)} subjects")
    return memoryview(ttl)[skip:], ttl_ends, body, json_ends


@dataclass(frozen=True)
class Frame:
    """What surrounds the blocks in a dump file, and what follows each block inside it."""

    head: bytes
    tail: bytes
    sep: bytes  # after every block but the last (JSON's ","); a block in `ends` counts it
    empty: bytes  # the file of a graph without triples


def _splice(
    pieces_of_file: Pieces,
    frame: Frame,
    ends: array[int],
    subjects: Sequence[bytes],
    changed: Sequence[bytes],
    new_body: bytes | memoryview,
    new_ends: Sequence[int],
    kept: Sequence[bytes],
) -> tuple[Pieces, array[int]]:
    """`file` with the blocks of `changed` subjects cut out and the new blocks of `kept` put in order.

    Offsets count from the end of the head; each block is followed by `frame.sep`, the last one in
    the file too (it is cut off in the pieces the file is returned as: views of the old and new bytes).
    """
    file = joined(pieces_of_file) if pieces_of_file else b""
    if not file or (len(file) == len(frame.empty) and file == frame.empty):
        body = memoryview(b"")
    else:
        body = memoryview(file)[len(frame.head) : len(file) - len(frame.tail)]
    fresh = memoryview(new_body)
    pieces: list[bytes | memoryview] = []
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
        if stop > len(body):  # the file's last block: its separator was cut off
            pieces.extend((body[start:], frame.sep))
        else:
            pieces.append(body[start:stop])
        shift = size - start
        out.extend([e + shift for e in ends[i:upto]])
        size += stop - start
        i = upto

    if not subjects:  # nothing to cut: the new blocks are the body
        pieces.append(fresh)
        out.extend(new_ends)
    else:
        for s in changed:
            at = bisect.bisect_left(subjects, s, lo=i)
            copy(at)
            if at < len(subjects) and subjects[at] == s:
                i = at + 1  # the old block goes
            if k < len(kept) and kept[k] == s:
                pieces.append(fresh[new_starts[k] : new_ends[k]])
                size += new_ends[k] - new_starts[k]
                out.append(size)
                k += 1
        copy(len(subjects))
    pieces = [piece for piece in pieces if len(piece)]
    if not pieces:
        return [frame.empty], out
    if frame.sep:
        last = memoryview(pieces[-1])
        pieces[-1] = last[: len(last) - len(frame.sep)]
    return [frame.head, *pieces, frame.tail], out


def apply(
    union: Union,
    removed: Sequence[bytes],
    added: Sequence[bytes],
    shared: dict[bytes, int],
    base: str,
    nt_ready: Callable[[bytes], None] | None = None,
) -> Union:
    """The union after a diff; only the subjects of changed lines are serialised again.

    `nt_ready` is handed the new N-Triples as soon as they are known (the store loads them while
    the Turtle and JSON-LD are written).
    """
    everything = not union.nt
    nt = _edit_lines(union.nt, removed, added)
    if nt_ready is not None:
        nt_ready(nt)
    counts = union.counts
    changed = _count(counts, removed, added)
    kept = changed if everything else [s for s in changed if _holds_subject(nt, s)]
    ttl, tends, js, jends = _rewrite(union, nt, changed, kept, everything, base)
    if everything:
        subjects = kept
    else:
        subjects = list(union.subjects)
        for s in changed:
            at = bisect.bisect_left(subjects, s)
            held = at < len(subjects) and subjects[at] == s
            if held and not _holds_subject(nt, s):
                del subjects[at]
            elif not held and _holds_subject(nt, s):
                subjects.insert(at, s)
    return Union(nt, list(subjects), ttl, tends, js, jends, counts, shared)


#: lines split into (subject, predicate, object) at a time when a diff is counted
_PART = 100_000


def _count(counts: Counts, removed: Sequence[bytes], added: Sequence[bytes]) -> list[bytes]:
    """Take `removed` from the counts and add `added`; return the subjects of their lines, sorted.

    The lines are split in parts: a million lines split at once hold ~400 MB of small objects.
    """
    touched: set[bytes] = set()
    for lines, sign in ((removed, -1), (added, 1)):
        for start in range(0, len(lines), _PART):
            parts = split_lines(lines[start : start + _PART])
            touched.update(s for s, _, _ in parts)
            counts.count_triples(parts, sign)
    return sorted(touched)


def _rewrite(
    union: Union, nt: bytes, changed: Sequence[bytes], kept: Sequence[bytes], everything: bool, base: str
) -> tuple[Pieces, array[int], Pieces, array[int]]:
    """kg.ttl and kg.jsonld with the blocks of the `changed` subjects written again (those of `kept`,
    the changed subjects the graph still has), and where each block ends; each new body is dropped
    as soon as its file is spliced."""
    ttl_new, ttl_ends, json_new, json_ends = _blocks(_subject_lines(nt, kept, everything), kept, base, everything)
    ttl_frame, json_frame = frames(base)
    ttl, tends = _splice(union.ttl, ttl_frame, union.ttl_ends, union.subjects, changed, ttl_new, ttl_ends, kept)
    del ttl_new
    js, jends = _splice(union.json, json_frame, union.json_ends, union.subjects, changed, json_new, json_ends, kept)
    return ttl, tends, js, jends


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


@functools.lru_cache(maxsize=4)
def frames(base: str) -> tuple[Frame, Frame]:
    """The frames of kg.ttl (pyoxigraph's prefix lines) and kg.jsonld (a @context of kg's prefixes)."""
    return Frame(turtle_head(base), b"", b"", b""), Frame(json_head(base), JSON_TAIL, b",", json_head(base) + JSON_TAIL)


def payloads(union: Union) -> dict[str, bytes]:
    """kg.ttl, kg.nt and kg.jsonld of the union."""
    return {name: joined(pieces) for name, pieces in bodies(union).items()}


def bodies(union: Union) -> dict[str, Pieces]:
    """kg.ttl, kg.nt and kg.jsonld of the union, as the pieces a build writes."""
    return {"kg.ttl": union.ttl, "kg.nt": [union.nt], "kg.jsonld": union.json}
