"""Incremental builds: a cache of per-article chunks, dumps re-assembled byte-identical to a full build.

Every IRI the mapping mints for an article contains the article's key (`kg.iris`), and every
registry resource is minted from the registry alone, so the data graph splits by subject into
one *chunk* per input: the registry and each article. A chunk is cached under
`<cache>/chunks/`, keyed by the SHA-256 of its inputs (annotation folder, registry, base IRI and
kg's own mapping code). For each subject a chunk keeps what every dump needs: its sorted
N-Triples lines, its Turtle block and its JSON-LD node, plus the counts VoID reports. A rebuild
re-maps and re-validates only chunks whose key changed and re-assembles the dumps by sorting
subjects, which gives exactly the bytes `kg.exporters.rdf` writes for the whole graph:

- N-Triples: lines of one subject are contiguous in sorted order, so sorting subjects by
  `<iri>` and concatenating their sorted lines equals sorting all lines.
- Turtle (rdflib's longturtle): subjects ordered by (times referenced as object, IRI), each
  block written as longturtle writes it, prefixes = those any chunk used.
- JSON-LD: nodes built as rdflib's converter builds them, sorted by their JSON text.

Validation of a changed article runs on the article's chunk + the registry + the ontology and
keeps results whose focus node belongs to the article: no kg shape reaches from one article's
resources into another's. If more than `WHOLE_GRAPH_SHARE` of the chunks changed (or the
registry, shapes or ontology did) the whole graph is validated instead.

Anything the splitter cannot prove (a subject in two chunks, a registry resource that gains
triples from an article, a predicate in an unbound namespace) raises `IncrementalUnsupported`;
`build` then falls back to the full pipeline, so output is never wrong, only slower.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import pickle
import re
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_string
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, split_uri
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.plugins.serializers.turtle import RecursiveSerializer
from rdflib.plugins.shared.jsonld.context import Context

import kg
from kg import paths
from kg.annotation import LoadedRegistry, load_article, load_registry, parse_iso_day, read_yaml_fast
from kg.atomic import write_file_atomically, write_files_atomically
from kg.config import Settings
from kg.errors import KGError, ValidationFailed
from kg.exporters.rdf import (
    DUMP_FORMATS,
    DatasetInfo,
    VoidStats,
    checksums,
    jsonld_context,
    turtle,
    void_graph,
)
from kg.mapping import Mapped, RegistryTerms, map_article, registry_terms
from kg.namespaces import KGO, bind_prefixes
from kg.store import read_rdf
from kg.validation import Report, Violation

CACHE_FORMAT = 1
REGISTRY_CHUNK = "~registry"  # "~" cannot start an article key
#: validate the whole graph instead of chunk by chunk when more than this share of chunks changed
WHOLE_GRAPH_SHARE = 0.05
#: kg modules whose code decides the bytes of a chunk; their text is part of every cache key
_CODE = ("annotation.py", "mapping.py", "iris.py", "namespaces.py", "exporters/rdf.py", "incremental.py")
_ARTICLE_KINDS = {"group", "place", "venue", "event", "report", "figure", "claim"}


class IncrementalUnsupported(KGError):
    """The graph cannot be split into per-input chunks; the full build must run."""


# ----------------------------------------------------------------------------------------------
# Chunks
# ----------------------------------------------------------------------------------------------


def chunk_of(subject: str, base: str) -> str:
    """The input a subject IRI was minted from: an article key, or REGISTRY_CHUNK."""
    prefix = base + "id/"
    if not subject.startswith(prefix):
        raise IncrementalUnsupported(f"subject <{subject}> is not minted under {prefix}")
    kind, _, rest = subject[len(prefix) :].partition("/")
    parts = rest.split("/")
    if kind in ("evidence", "participation"):
        return parts[0]
    if kind == "document":
        return REGISTRY_CHUNK if parts == ["registry"] else parts[0]
    if kind in _ARTICLE_KINDS and len(parts) >= 2:
        return parts[0]
    return REGISTRY_CHUNK


@dataclass
@dataclass
class Chunk:
    """The part of the data graph that one input produces, ready to assemble."""

    key: str
    digest: str
    subjects: list[str]  # its subjects; the three blobs hold their parts in this order
    nt: bytes  # each subject's sorted N-Triples lines, each line ending in "\n"
    ttl: bytes  # each subject's longturtle block
    json: bytes  # each subject's JSON-LD node, indented for its place in the @graph array
    ends: dict[str, list[int]]  # blob name → end offset of each subject's part
    prefixes: dict[str, str]  # Turtle prefixes its nodes use
    refs: dict[str, int]  # IRI → times it is an object here
    triples: int
    classes: dict[str, int]
    predicates: list[str]
    objects: list[bytes]  # distinct objects, as 128-bit digests of their N-Triples form (VoID counts them)
    sources: list[str]
    summits: list[str]
    curated: str | None
    validated: str = ""  # digest of shapes + ontology this chunk conforms to ("" = not yet)

    def parts(self, blob: str) -> Iterator[tuple[str, memoryview]]:
        """(subject, its bytes in `blob`) for every subject."""
        data = memoryview(getattr(self, blob))
        start = 0
        for s, end in zip(self.subjects, self.ends[blob], strict=True):
            yield s, data[start:end]
            start = end


class _Renderer:
    """Writes one subject the way kg.exporters.rdf writes it inside the whole-graph dumps."""

    _PERCENT = RecursiveSerializer.LOCALNAME_PECRENT_CHARACTER_REQUIRING_ESCAPE_REGEX

    def __init__(self, base: str) -> None:
        self.base = base
        self.graph = bind_prefixes(Graph(), base)  # the same bindings as exporters.rdf._canonical_copy
        self.nm = self.graph.namespace_manager
        self._bound = {str(ns) for _, ns in self.nm.namespaces()}
        self._bound_heads = {b[:i] for b in self._bound for i in range(len(b) + 1)}
        self.context = Context(jsonld_context(base))
        self._pnames: dict[tuple[str, bool], tuple[str | None, tuple[str, str] | None]] = {}
        self._symbols: dict[str, str] = {}
        self._shrunk: dict[str, str] = {}
        self._nt: dict[str, str] = {}
        self._labels: dict[tuple[str, bool], str] = {}

    def clear(self) -> None:
        """Forget the cached names (they are recomputed on demand)."""
        for cache in (self._pnames, self._symbols, self._shrunk, self._nt, self._labels):
            cache.clear()

    # -- Turtle (rdflib LongTurtleSerializer, no blank nodes) ---------------------------------
    def pname(self, uri: URIRef, verb: bool) -> tuple[str | None, tuple[str, str] | None]:
        """(prefixed name or None, (prefix, namespace) registered), as the serializer's get_pname."""
        key = (str(uri), verb)
        hit = self._pnames.get(key)
        if hit is not None:
            return hit
        if not self._maybe_bound(str(uri)):
            self._pnames[key] = (None, None)
            return self._pnames[key]
        try:
            prefix, namespace, local = self.nm.compute_qname(uri, generate=False)
        except Exception:  # rdflib raises KeyError/ValueError for an unbound or unsplittable IRI
            pfx = self.graph.store.prefix(uri)
            if pfx is None:
                if verb:
                    raise IncrementalUnsupported(
                        f"predicate <{uri}> has no bound prefix; rdflib would invent one"
                    ) from None
                self._pnames[key] = (None, None)
                return self._pnames[key]
            prefix, namespace, local = pfx, uri, ""
        if prefix.startswith("_"):
            raise IncrementalUnsupported(f"prefix {prefix!r} would be rewritten by rdflib")
        local = local.replace("(", r"\(").replace(")", r"\)")
        local = self._PERCENT.sub("\\%", local)
        result = (None, None) if local.endswith(".") else (f"{prefix}:{local}", (prefix, str(namespace)))
        self._pnames[key] = result
        return result

    def _maybe_bound(self, iri: str) -> bool:
        """False when no bound namespace can name `iri` (skips rdflib's slow namespace trie)."""
        try:
            ns, _ = split_uri(iri)
        except ValueError:
            return True
        if iri in self._bound:
            return True
        return ns in self._bound_heads and any(b.startswith(ns) and iri.startswith(b) for b in self._bound)

    def _datatype_name(self, dt_: URIRef) -> str | None:
        return self.pname(dt_, False)[0]

    def label(self, node: Node, verb: bool) -> str:
        """The term as the serializer's label() writes it."""
        if isinstance(node, Literal):
            return node._literal_n3(use_plain=True, qname_callback=self._datatype_name)
        key = (str(node), verb)
        hit = self._labels.get(key)
        if hit is None:
            if verb and key[0] == _TYPE_STR:
                hit = "a"
            else:
                name, _ = self.pname(node, verb)  # type: ignore[arg-type]
                hit = name if name is not None else node.n3()
            self._labels[key] = hit
        return hit

    def register(self, nodes: Iterable[tuple[URIRef, bool]], used: dict[str, str]) -> None:
        """What the serializer's preprocess() records for these terms: the prefixes it will declare."""
        for node, verb in nodes:
            _, ns = self.pname(node, verb)
            if ns is not None:
                prefix, namespace = ns
                if used.setdefault(prefix, namespace) != namespace:
                    raise IncrementalUnsupported(f"prefix {prefix!r} names two namespaces")

    def turtle_block(self, s: URIRef, props: dict[URIRef, list[Node]]) -> str:
        order = [p for p in _FIRST if p in props]
        order += sorted(p for p in props if p not in _FIRST_SET)
        out = ["\n", self.label(s, False), "\n    "]
        for i, p in enumerate(order):
            if i:
                out.append(" ;\n    ")
            out.append(self.label(p, True))
            objects = sorted(props[p])  # type: ignore[type-var]  # rdflib orders its terms
            if len(objects) == 1:
                out.append(" " + self.label(objects[0], False))
            else:
                out.append("\n        " + " ,\n        ".join(self.label(o, False) for o in objects))
        out.append(" ;\n.\n")
        return "".join(out)

    # -- N-Triples (rdflib's nt serializer, one row per triple) -------------------------------
    def nt(self, term: Node) -> str:
        if isinstance(term, Literal):
            return _quoteLiteral(term)
        key = str(term)
        hit = self._nt.get(key)
        if hit is None:
            hit = self._nt[key] = term.n3()
        return hit

    # -- JSON-LD (rdflib's Converter with kg's context, then exporters.rdf sorting) -----------
    def _symbol(self, iri: str) -> str:
        hit = self._symbols.get(iri)
        if hit is None:
            hit = self._symbols[iri] = self.context.to_symbol(iri) or iri
        return hit

    def _shrink(self, iri: str) -> str:
        hit = self._shrunk.get(iri)
        if hit is None:
            hit = self._shrunk[iri] = self.context.shrink_iri(iri)
        return hit

    def _raw(self, o: Node) -> object:
        if isinstance(o, URIRef):
            return {"@id": self._shrink(str(o))}
        assert isinstance(o, Literal)
        if o.datatype is not None:
            if o.datatype in _NATIVE:
                return o.toPython()
            return {"@type": self._symbol(str(o.datatype)), "@value": str(o)}
        if o.language:
            return {"@language": o.language, "@value": str(o)}
        return str(o)

    def json_node(self, s: URIRef, pairs: Iterable[tuple[URIRef, Node]]) -> str:
        """The node as rdflib's converter builds it, sorted and indented for its place in @graph.

        Nodes are ordered by their JSON text, which starts with the quoted @id: the assembly sorts
        by that instead of keeping the text as a key.
        """
        node: dict[str, object] = {"@id": self._shrink(str(s))}
        for p, o in pairs:
            if str.__eq__(p, _TYPE_STR):  # str comparison: rdflib's __eq__ is Python code
                key, value = "@type", (self._symbol(str(o)) if isinstance(o, URIRef) else self._raw(o))
            else:
                key, value = self._symbol(str(p)), self._raw(o)
            old = node.get(key)
            if old:  # rdflib's Converter appends only to a truthy value
                node[key] = [*old, value] if isinstance(old, list) else [old, value]
            else:
                node[key] = value
        for key, value in node.items():  # values are flat (IRIs, literals), so only lists need sorting
            if isinstance(value, list):
                node[key] = sorted(value, key=_json_sort_key)
        return "  " + _emit(node, 2)


def _json_sort_key(value: object) -> str:
    """The order `kg.exporters.rdf._sort_jsonld` gives list items."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _emit(value: object, level: int) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)` for a value starting at
    column `level` (the C encoder is not used by json.dumps once it indents)."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)
    inner = " " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{_encode_string(k)}: {_emit(value[k], level + 1)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _emit(v, level + 1) for v in value) + "\n" + " " * level + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


_RENDER_CACHE = 50_000
#: the characters str.splitlines() breaks a line at
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_TYPE = RDF.type
_TYPE_STR = str(RDF.type)
_FIRST = (RDF.type, RDFS.label)  # the serializer's predicateOrder
_FIRST_SET = frozenset(_FIRST)
_SOURCE_DOCUMENT = KGO.SourceDocument
_SUMMIT = KGO.Summit
_NATIVE = {
    URIRef("http://www.w3.org/2001/XMLSchema#" + t) for t in ("boolean", "integer", "double", "string")
}  # rdflib.plugins.serializers.jsonld.PLAIN_LITERAL_TYPES


def render_chunk(
    key: str,
    digest: str,
    triples: Iterable[tuple[Node, Node, Node]],
    base: str,
    curated: str | None,
    expect: str | None = None,
) -> Chunk:
    """Turn one input's triples into its per-subject dump parts and statistics.

    With `expect`, every subject must belong to that chunk (`chunk_of`); else the split cannot be
    trusted and `IncrementalUnsupported` is raised.
    """
    r = _renderer(base)
    if len(r._nt) > _RENDER_CACHE:  # most IRIs are met once; keep the caches from growing with the corpus
        r.clear()
    by_subject: dict[URIRef, dict[URIRef, list[Node]]] = {}
    refs: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    n = 0
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, []).append(o)  # type: ignore[arg-type]
        n += 1
        if type(o) is URIRef:
            refs[o] += 1
            if str.__eq__(p, _TYPE_STR):  # type: ignore[operator]  # str's, not rdflib's (slow) __eq__
                classes[o] += 1
    nodes: set[tuple[URIRef, bool]] = set()  # what the Turtle serializer's preprocess() looks up
    objects: set[bytes] = set()
    subjects: list[str] = []
    blobs: dict[str, list[bytes]] = {"nt": [], "ttl": [], "json": []}
    for s, props in by_subject.items():
        if not isinstance(s, URIRef):
            raise IncrementalUnsupported(f"{s!r} is not an IRI")
        if expect is not None and chunk_of(s, base) != expect:
            raise IncrementalUnsupported(f"<{s}> is minted for {chunk_of(s, base)}, not for the input {expect}")
        nodes.add((s, False))
        lines: set[str] = set()
        head = r.nt(s) + " "
        for p, objs in props.items():
            if not str.__eq__(p, _TYPE_STR):
                nodes.add((p, True))
            row = head + r.nt(p) + " "
            for o in objs:
                text = r.nt(o)
                objects.add(hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
                if isinstance(o, Literal):
                    if o.datatype is not None:
                        nodes.add((o.datatype, False))
                    line = row + text + " ."
                    if _LINE_BREAK.search(line) is None:
                        lines.add(line)
                    else:  # what sorting the serializer's output by str.splitlines() makes of it
                        lines.update(part for part in line.splitlines() if part.strip())
                elif isinstance(o, URIRef):
                    nodes.add((o, False))
                    lines.add(row + text + " .")
                else:
                    raise IncrementalUnsupported(f"{o!r} is neither an IRI nor a literal")
        if any(not line.startswith("<") for line in lines):
            raise IncrementalUnsupported(f"a literal of <{s}> breaks an N-Triples line")
        json_text = r.json_node(s, ((p, o) for p, objs in props.items() for o in objs))
        subjects.append(str(s))
        blobs["nt"].append(("\n".join(sorted(lines)) + "\n").encode("utf-8"))
        blobs["ttl"].append(r.turtle_block(s, props).encode("utf-8"))
        blobs["json"].append(json_text.encode("utf-8"))
    used: dict[str, str] = {}
    r.register(nodes, used)
    typed = {
        cls: sorted(str(s) for s, props in by_subject.items() if cls in props.get(_TYPE, ()))
        for cls in (_SOURCE_DOCUMENT, _SUMMIT)
    }
    ends: dict[str, list[int]] = {}
    for name, parts in blobs.items():
        ends[name] = list(itertools.accumulate(len(p) for p in parts))
    return Chunk(
        key=key,
        digest=digest,
        subjects=subjects,
        nt=b"".join(blobs["nt"]),
        ttl=b"".join(blobs["ttl"]),
        json=b"".join(blobs["json"]),
        ends=ends,
        prefixes=used,
        refs={str(k): v for k, v in refs.items()},
        triples=n,
        classes={str(k): v for k, v in classes.items()},
        predicates=sorted({str(p) for props in by_subject.values() for p in props}),
        objects=sorted(objects),
        sources=typed[_SOURCE_DOCUMENT],
        summits=typed[_SUMMIT],
        curated=curated,
    )


_RENDERERS: dict[str, _Renderer] = {}


def _renderer(base: str) -> _Renderer:
    if base not in _RENDERERS:
        _RENDERERS[base] = _Renderer(base)
    return _RENDERERS[base]


# ----------------------------------------------------------------------------------------------
# Assembly: dumps spliced from the last build's bytes, or written from scratch
# ----------------------------------------------------------------------------------------------

ASSEMBLY_FORMAT = 1
_JSON_SEP = b",\n"


@dataclass
class _Index:
    """One dump's body: its subjects in output order and where each one's bytes sit in the file."""

    subjects: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


@dataclass
class State:
    """What the last incremental build wrote, indexed so that the next one splices instead of sorting."""

    base: str
    checks: str  # digest of the shapes and ontology every chunk here conforms to
    inputs: dict[str, tuple[str, str]]  # cache name → (chunk key, digest)
    dumps: dict[str, tuple[int, int]] = field(default_factory=dict)  # file → (size, mtime_ns) as written
    nt: _Index = field(default_factory=_Index)
    ttl: _Index = field(default_factory=_Index)
    jsonld: _Index = field(default_factory=_Index)
    ttl_head: int = 0
    json_head: int = 0
    refs: Counter[str] = field(default_factory=Counter)
    prefixes: dict[str, list[Any]] = field(default_factory=dict)  # prefix → [namespace, chunks using it]
    objects: Counter[bytes] = field(default_factory=Counter)  # object digest → chunks holding it
    predicates: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    sources: set[str] = field(default_factory=set)
    summits: set[str] = field(default_factory=set)
    curated: Counter[str] = field(default_factory=Counter)

    def count(self, chunk: Chunk, sign: int) -> None:
        """Add (sign=1) or remove (sign=-1) a chunk's share of the statistics."""
        for iri, n in chunk.refs.items():
            self.refs[iri] += sign * n
            if self.refs[iri] == 0:
                del self.refs[iri]
        for digest in chunk.objects:
            self.objects[digest] += sign
            if self.objects[digest] == 0:
                del self.objects[digest]
        for predicate in chunk.predicates:
            self.predicates[predicate] += sign
            if self.predicates[predicate] == 0:
                del self.predicates[predicate]
        for cls, n in chunk.classes.items():
            self.classes[cls] += sign * n
            if self.classes[cls] == 0:
                del self.classes[cls]
        for prefix, ns in chunk.prefixes.items():
            entry = self.prefixes.setdefault(prefix, [ns, 0])
            if entry[0] != ns:
                raise IncrementalUnsupported(f"prefix {prefix!r} names two namespaces")
            entry[1] += sign
            if entry[1] == 0:
                del self.prefixes[prefix]
        self.triples += sign * chunk.triples
        for target, items in ((self.sources, chunk.sources), (self.summits, chunk.summits)):
            (target.update if sign > 0 else target.difference_update)(items)
        if chunk.curated is not None:
            self.curated[chunk.curated] += sign
            if self.curated[chunk.curated] == 0:
                del self.curated[chunk.curated]


def void_stats(state: State) -> VoidStats:
    """What `kg.exporters.rdf.void_stats` counts for the whole graph, from the build's statistics.

    Every subject is an IRI minted under the uriSpace (`chunk_of` refuses others) and no subject
    is in two chunks, so the subjects are the entities and the N-Triples index counts them.
    """
    subjects = len(state.nt.subjects)
    classes = {URIRef(c): n for c, n in state.classes.items()}
    return VoidStats(state.triples, subjects, subjects, len(state.objects), len(state.predicates), classes)


def dataset_info(state: State, settings: Settings) -> DatasetInfo:
    """What `kg.pipeline.dataset_info` says about the same graph, from the build's statistics."""
    dates = [parse_iso_day(d) for d in state.curated]
    generated = max(dates) if dates else dt.date(1970, 1, 1)
    sources = tuple(sorted(URIRef(s) for s in state.sources))
    examples = tuple(sorted(URIRef(s) for s in state.summits))[:3]
    return DatasetInfo(settings.base, settings.license, generated, sources, examples)


def _splice(
    old: bytes | memoryview,
    index: _Index,
    remove: set[str],
    add: Sequence[tuple[str, bytes | memoryview]],
    key: Callable[[str], Any],
    sep: bytes = b"",
    head: bytes = b"",
    tail: bytes = b"",
) -> tuple[bytes, _Index]:
    """`head` + the body with `remove`d subjects cut out and `add`ed ones put in key order + `tail`.

    Kept runs are copied whole, and the file is joined once. Index offsets count from the body's start.

    Consecutive entries of an index sit next to each other in the body (`sep` between them), so
    the body is cut only where a subject goes or comes: the work grows with the change, not the body.
    """
    view = memoryview(old)
    gone = [i for i, s in enumerate(index.subjects) if s in remove] if remove else []
    if gone:
        dropped = set(gone)
        keep = [i for i in range(len(index.subjects)) if i not in dropped]
        kept_subjects = [index.subjects[i] for i in keep]
    else:
        keep, kept_subjects = list(range(len(index.subjects))), index.subjects
    adds = sorted(add, key=lambda kv: key(kv[0]))
    at = [bisect.bisect_left(kept_subjects, key(s), key=key) for s, _ in adds]
    # kept-space positions where a run of old entries ends: an insertion, or a removed entry
    cuts = sorted({0, len(keep), *at, *(r - j for j, r in enumerate(gone))})
    pieces: list[bytes | memoryview] = []
    out = _Index()
    pos = 0

    def put(s: str, data: bytes | memoryview) -> None:
        nonlocal pos
        if pieces:
            pos += len(sep)
        pieces.append(data)
        out.subjects.append(s)
        out.offsets.append(pos)
        out.lengths.append(len(data))
        pos += len(data)

    a = 0
    for c0, c1 in zip(cuts, [*cuts[1:], None], strict=True):
        while a < len(adds) and at[a] == c0:
            put(*adds[a])
            a += 1
        if c1 is None or c0 == c1:
            continue
        i0, i1 = keep[c0], keep[c1 - 1]  # contiguous in the old index, hence in the old body
        if pieces:
            pos += len(sep)
        start, end = index.offsets[i0], index.offsets[i1] + index.lengths[i1]
        pieces.append(view[start:end])
        shift = pos - start
        out.subjects.extend(index.subjects[i0 : i1 + 1])
        out.offsets.extend([o + shift for o in index.offsets[i0 : i1 + 1]])
        out.lengths.extend(index.lengths[i0 : i1 + 1])
        pos += end - start
    if sep and len(pieces) > 1:
        pieces = [x for piece in pieces for x in (sep, piece)][1:]
    return b"".join([head, *pieces, tail]), out


def turtle_fast(graph: Graph, base: str) -> bytes:
    """`kg.exporters.rdf.turtle(graph, base)` for a graph without blank nodes, written by the chunk renderer."""
    try:
        chunk = render_chunk("", "", graph, base, None)
    except IncrementalUnsupported:
        return turtle(graph, base)
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(chunk.prefixes.items()))
    order = sorted(chunk.subjects, key=lambda s: (chunk.refs.get(s, 0), s))
    blocks = dict(chunk.parts("ttl"))
    return head.encode("utf-8") + b"".join(blocks[s] for s in order)


def _json_head_tail(base: str) -> tuple[bytes, bytes]:
    skeleton = json.dumps(
        {"@context": jsonld_context(base), "@graph": [0]}, ensure_ascii=False, indent=1, sort_keys=True
    )
    head, tail = skeleton.split("\n  0\n")
    return (head + "\n").encode("utf-8"), ("\n" + tail + "\n").encode("utf-8")


def assemble(
    state: State,
    old: dict[str, bytes],
    removed: Sequence[Chunk],
    added: Sequence[Chunk],
    settings: Settings,
    ontology_ttl: bytes | None,
    consume: bool = False,
) -> dict[str, bytes]:
    """Update `state` and the dump bytes for chunks removed and added; return every dump's payload.

    With an empty state and no old bytes this writes the dumps from scratch. The bytes equal what
    `kg.exporters.rdf.render_dumps` writes for the whole graph. With `consume`, the added chunks'
    parts are dropped as each dump is made (keeps the peak memory of a full build down).
    """
    gone = {s for c in removed for s in c.subjects}
    touched = {iri for c in (*removed, *added) for iri in c.refs}  # the only reference counts that can change
    before = {iri: state.refs.get(iri, 0) for iri in touched}
    for c in removed:
        state.count(c, -1)
    for c in added:
        state.count(c, 1)

    def held(s: str) -> bool:  # was in the last build and stays; the N-Triples index is sorted by s + ">"
        i = bisect.bisect_left(state.nt.subjects, s + ">", key=lambda x: x + ">")
        return i < len(state.nt.subjects) and state.nt.subjects[i] == s and s not in gone

    fresh: set[str] = set()
    for c in added:
        for s in c.subjects:
            if s in fresh or held(s):
                raise IncrementalUnsupported(f"<{s}> has triples from two inputs (one is {c.key})")
            fresh.add(s)

    def new_parts(blob: str) -> list[tuple[str, bytes | memoryview]]:
        return [part for c in added for part in c.parts(blob)]

    def release(blob: str) -> None:  # the chunks' copy of a dump's parts is not needed once it is made
        if consume:
            for c in added:
                setattr(c, blob, b"")

    if len(state.nt.subjects) - len(gone) + len(fresh) < 2:
        raise IncrementalUnsupported("fewer than two subjects")  # rdflib writes a lone JSON-LD node without @graph
    unknown = set(DUMP_FORMATS) - {"ttl", "nt", "jsonld"}
    if unknown:
        raise IncrementalUnsupported(f"no incremental writer for {', '.join(sorted(unknown))}")
    # N-Triples: subjects in "<iri>" order
    nt_body, state.nt = _splice(
        old.get("kg.nt", b""),
        state.nt,
        gone,
        new_parts("nt"),
        lambda s: s + ">",
    )
    release("nt")
    # Turtle: (times referenced, iri); a subject whose count changed moves
    refs = state.refs
    moved = {s for s in touched if before[s] != refs.get(s, 0) and s not in fresh and held(s)}
    ttl_old = old.get("kg.ttl", b"")
    ttl_view = memoryview(ttl_old)[state.ttl_head :]
    moved_blocks = [
        (s, bytes(ttl_view[o : o + n]))
        for s, o, n in zip(state.ttl.subjects, state.ttl.offsets, state.ttl.lengths, strict=True)
        if s in moved
    ]
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, (ns, _) in sorted(state.prefixes.items())).encode("utf-8")
    ttl, state.ttl = _splice(
        ttl_view,
        state.ttl,
        gone | moved,
        [*moved_blocks, *new_parts("ttl")],
        lambda s: (refs.get(s, 0), s),
        head=head,
    )
    state.ttl_head = len(head)
    release("ttl")
    # JSON-LD: nodes in the order of their JSON text, i.e. of their quoted @id
    r = _renderer(settings.base)
    json_head, json_tail = _json_head_tail(settings.base)
    json_old = old.get("kg.jsonld", b"")
    json_body_old = memoryview(json_old)[len(json_head) : len(json_old) - len(json_tail)] if json_old else b""
    jsonld, state.jsonld = _splice(
        json_body_old,
        state.jsonld,
        gone,
        new_parts("json"),
        lambda s: _encode_string(r._shrink(s)),  # the quoted @id starts the node's JSON text
        _JSON_SEP,
        head=json_head,
        tail=json_tail,
    )
    state.json_head = len(json_head)
    release("json")
    payloads = {"kg.ttl": ttl, "kg.nt": nt_body, "kg.jsonld": jsonld}
    payloads = {fmt.filename: payloads[fmt.filename] for fmt in DUMP_FORMATS.values()}
    void = void_graph(void_stats(state), checksums(payloads), dataset_info(state, settings))
    payloads["void.ttl"] = turtle_fast(void, settings.base)
    if ontology_ttl is not None:
        payloads["ontology.ttl"] = ontology_ttl
    return payloads


# ----------------------------------------------------------------------------------------------
# Cache
# ----------------------------------------------------------------------------------------------


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def code_digest() -> str:
    """SHA-256 of the kg modules that decide a chunk's bytes, and of the cache format."""
    root = Path(kg.__file__).parent
    return _sha(str(CACHE_FORMAT).encode(), *((root / name).read_bytes() for name in _CODE))


def folder_digest(folder: Path) -> bytes:
    """SHA-256 over every file of an article folder (annotation, text, anything next to them)."""
    parts = []
    for f in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        parts.append(f.name.encode() + b"\0" + hashlib.sha256(f.read_bytes()).digest())
    return b"".join(parts)


#: a file modified this close to when its digest was recorded may change again within the same
#: timestamp, so its recorded digest is not trusted (git's "racily clean" rule)
_RACY_NS = 2_000_000_000


@dataclass
class FolderDigests:
    """`folder_digest` of article folders, recomputed only for folders whose files' stats changed."""

    file: Path
    entries: dict[str, tuple[list[list[Any]], str, int]] = field(default_factory=dict)  # folder → (stats, hex, when)
    changed: bool = False

    @classmethod
    def load(cls, file: Path) -> FolderDigests:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            entries = {k: (v[0], v[1], v[2]) for k, v in data["folders"].items()} if data.get("format") == 1 else {}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            entries = {}
        return cls(file, entries)

    def digest(self, folder: Path) -> bytes:
        stats: list[list[Any]] = []
        mtimes: list[int] = []
        for f in sorted(os.scandir(folder), key=lambda e: e.name):
            if f.is_file() and not f.name.startswith("."):
                st = f.stat()
                stats.append([f.name, st.st_size, st.st_mtime_ns, st.st_ino])
                mtimes.append(st.st_mtime_ns)
        key = str(folder)
        hit = self.entries.get(key)
        if hit is not None and hit[0] == stats and all(m < hit[2] - _RACY_NS for m in mtimes):
            return bytes.fromhex(hit[1])
        value = folder_digest(folder)
        self.entries[key] = (stats, value.hex(), time.time_ns())
        self.changed = True
        return value

    def save(self) -> None:
        if not self.changed:
            return
        write_file_atomically(self.file, json.dumps({"format": 1, "folders": self.entries}).encode())


@dataclass
class Cache:
    """Chunks on disk, one pickle per input, each valid for one digest."""

    root: Path

    def _file(self, name: str) -> Path:
        return self.root / "chunks" / (hashlib.sha1(name.encode()).hexdigest()[:20] + ".pkl")

    def get(self, name: str, digest: str) -> Chunk | None:
        f = self._file(name)
        try:
            with f.open("rb") as fh:
                chunk = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        return chunk if isinstance(chunk, Chunk) and chunk.digest == digest else None

    def peek(self, name: str) -> Chunk | None:
        """The cached chunk of an input whatever its digest (what the last build used)."""
        try:
            with self._file(name).open("rb") as fh:
                chunk = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        return chunk if isinstance(chunk, Chunk) else None

    def put(self, name: str, chunk: Chunk) -> None:
        f = self._file(name)
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, f)


# ----------------------------------------------------------------------------------------------
# Mapping inputs to chunks
# ----------------------------------------------------------------------------------------------


_SUB_BATCH = 150  # articles per job sent to a mapping worker (bounds what a worker holds)
#: how mapping workers start: fork where it is the platform's cheap and safe way (Linux: the worker
#: shares what the parent imported), spawn elsewhere (macOS and Windows, where fork is unsafe or missing)
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


@functools.lru_cache(maxsize=2)
def _registry(file: Path, mtime_ns: int, base: str) -> tuple[LoadedRegistry, RegistryTerms]:
    """The registry and its IRIs and labels, loaded once per worker process (keyed by modification time)."""
    registry = load_registry(file, read=read_yaml_fast)
    return registry, registry_terms(registry, base)


_Job = tuple[Path, list[tuple[Path, str]], str]


def _map_articles(job: _Job) -> list[tuple[str, Chunk]]:
    """Worker: map a batch of articles, each into its own chunk (the registry is mapped on its own)."""
    registry_file, batch, base = job
    registry, terms = _registry(registry_file, registry_file.stat().st_mtime_ns, base)
    out = []
    for file, digest in batch:
        article = load_article(file, registry, read=read_yaml_fast)
        triples: set[tuple[Node, Node, Node]] = set()
        map_article(article, terms, base, triples)
        curated = article.annotation.document.curated
        out.append((str(file), render_chunk(article.key, digest, triples, base, curated, expect=article.key)))
    return out


def _map_registry(registry_file: Path, base: str, digest: str) -> Chunk:
    registry = load_registry(registry_file, read=read_yaml_fast)
    triples: set[tuple[Node, Node, Node]] = set()
    registry_terms(registry, base, triples)
    return render_chunk(REGISTRY_CHUNK, digest, triples, base, None, expect=REGISTRY_CHUNK)


# ----------------------------------------------------------------------------------------------
# Validation of chunks
# ----------------------------------------------------------------------------------------------


def _chunk_nt(chunks: Iterable[Chunk]) -> Iterator[bytes]:
    for c in chunks:
        yield c.nt


def _chunks_graph(chunks: Iterable[Chunk]) -> Graph:
    g = Graph()
    g.parse(data=b"".join(_chunk_nt(chunks)), format="nt")
    return g


def validate_chunks(
    targets: Sequence[Chunk],
    everything: Sequence[Chunk],
    registry: Chunk,
    shapes: Graph,
    ontology: Graph,
    engine: str,
) -> Report:
    """Validate `targets`: the whole graph if many changed, else each with the registry and ontology."""
    from kg.validation_fast import get_engine, prepare_shapes, run_fast, to_report

    whole = len(targets) > max(1, WHOLE_GRAPH_SHARE * len(everything))
    groups: list[tuple[list[Chunk], set[str] | None]] = (
        [(list(everything), None)]
        if whole
        else [([c] if c is registry else [c, registry], set(c.subjects)) for c in targets]
    )
    ontology_nt = ontology.serialize(format="nt", encoding="utf-8")
    violations: list[Violation] = []
    prepared = prepare_shapes(shapes) if engine == "fast" else None
    for data, keep in groups:
        if prepared is not None:
            results = run_fast([*_chunk_nt(data), ontology_nt], prepared)
            results = [r for r in results if keep is None or r.focus in keep]
            if results:
                report = to_report(results, _chunks_graph(data))
                violations.extend(report.violations)
            continue
        graph = _chunks_graph(data)
        report = get_engine(engine)(graph, shapes, ontology, None)
        violations.extend(v for v in report.violations if keep is None or v.focus in keep)
    return Report(not violations, tuple(sorted(set(violations))))


# ----------------------------------------------------------------------------------------------
# The incremental build
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncrementalResult:
    """What an incremental build did."""

    files: tuple[Path, ...]
    triples: int
    chunks: int
    remapped: tuple[str, ...]  # chunk keys mapped in this run
    validated: tuple[str, ...]  # chunk keys validated in this run
    report: Report
    fallback: str = ""  # why the full pipeline ran instead, if it did
    spliced: bool = False  # True if the dumps were patched in place rather than written from scratch
    timings: dict[str, float] = field(default_factory=dict)


def default_cache_dir(settings: Settings) -> Path:
    """Where the chunk cache lives unless told: a hidden folder inside the output folder."""
    return paths.cache_dir(settings.dist_dir)


def build(
    settings: Settings,
    cache_dir: Path | None = None,
    engine: str = "pyshacl",
    workers: int | None = None,
    store: Path | None = None,
) -> IncrementalResult:
    """Build like `kg.pipeline.build`, re-mapping and re-validating only what changed."""
    try:
        return _Build(settings, cache_dir or default_cache_dir(settings), engine, workers, store).run()
    except IncrementalUnsupported as exc:
        from kg import pipeline

        full = pipeline.build(settings, shacl_engine=engine, store=store)
        return IncrementalResult(full.files, len(full.mapped.graph), 0, (), (), full.report, fallback=str(exc))


_DUMP_FILES = ("kg.ttl", "kg.nt", "kg.jsonld")


class _Build:
    """One incremental build: decide what changed, map and validate it, splice or write the dumps."""

    def __init__(
        self, settings: Settings, cache_dir: Path, engine: str, workers: int | None, store: Path | None
    ) -> None:

        self.clock = time.perf_counter
        self.t0 = self.clock()
        self.timings: dict[str, float] = {}
        self.settings, self.engine, self.workers, self.store = settings, engine, workers, store
        self.cache = Cache(cache_dir)
        self.state_file = cache_dir / "state.pkl"
        registry_bytes = settings.registry_file.read_bytes() if settings.registry_file.is_file() else b""
        self.common = _sha(code_digest().encode(), settings.base.encode(), registry_bytes)
        self.ontology = read_rdf(settings.ontology_files)
        self.shapes = read_rdf([settings.shapes_file])
        self.checks = _sha(
            self.common.encode(),
            engine.encode(),
            *(f.read_bytes() for f in (*settings.ontology_files, settings.shapes_file)),
        )
        self.digests = FolderDigests.load(cache_dir / "folders.json")  # saved once the build succeeds
        self.wanted = [
            (str(f.resolve()), f, _sha(self.common.encode(), self.digests.digest(f.parent)))
            for f in paths.annotation_files(settings.articles_dir)
        ]
        self.remapped: list[str] = []

    @functools.cached_property
    def ontology_ttl(self) -> bytes:
        return turtle(self.ontology, None)

    def lap(self, name: str) -> None:
        self.timings[name] = self.clock() - self.t0 - sum(self.timings.values())

    # -- steps -------------------------------------------------------------------------------
    def registry(self) -> Chunk:
        chunk = self.cache.get(REGISTRY_CHUNK, self.common)
        if chunk is None:
            chunk = _map_registry(self.settings.registry_file, self.settings.base, self.common)
            self.remapped.append(REGISTRY_CHUNK)
        return chunk

    def map(self, stale: list[tuple[str, Path, str]], registry: Chunk) -> dict[str, Chunk]:
        """Map the stale articles (in two processes when there are many); cache name → chunk."""
        if not stale:
            return {}
        items = [(f, d) for _, f, d in stale]
        n = self.workers if self.workers is not None else min(os.cpu_count() or 1, 2 if len(items) > 40 else 1)
        # small jobs streamed back one by one: no process holds more than one batch's graph and chunks
        jobs: list[_Job] = [
            (self.settings.registry_file, items[i : i + _SUB_BATCH], self.settings.base)
            for i in range(0, len(items), _SUB_BATCH)
        ]
        by_file: dict[str, Chunk] = {}
        if n > 1 and len(jobs) > 1:
            with multiprocessing.get_context(START_METHOD).Pool(min(n, len(jobs))) as pool:
                for batch in pool.imap_unordered(_map_articles, jobs):
                    by_file.update(batch)
        else:
            for job in jobs:
                by_file.update(_map_articles(job))
        out = {name: by_file[str(f)] for name, f, _ in stale}
        self.remapped += [c.key for c in out.values()]
        return out

    def validate(self, targets: Sequence[Chunk], everything: Sequence[Chunk], registry: Chunk) -> None:
        if targets:
            report = validate_chunks(targets, everything, registry, self.shapes, self.ontology, self.engine)
            if not report.conforms:
                _annotate_origins(report, self.settings, targets)
                raise ValidationFailed(
                    f"the graph does not conform to {self.settings.shapes_file}: {len(report.violations)} "
                    "violation(s); no dumps were written",
                    report.lines(),
                )
        for c in targets:
            c.validated = self.checks

    def load_state(self) -> State | None:
        try:
            with self.state_file.open("rb") as fh:
                state = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        if not isinstance(state, tuple) or state[0] != ASSEMBLY_FORMAT or not isinstance(state[1], State):
            return None
        s: State = state[1]
        dist = self.settings.dist_dir
        try:
            stamps = {name: _stamp(dist / name) for name in s.dumps}
        except OSError:
            return None
        if s.base != self.settings.base or s.checks != self.checks or stamps != s.dumps or not s.dumps:
            return None
        return s

    def save_state(self, state: State, written: Iterable[Path]) -> None:
        state.dumps = {p.name: _stamp(p) for p in written}
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump((ASSEMBLY_FORMAT, state), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.state_file)

    def write(self, payloads: dict[str, bytes]) -> list[Path]:
        out = {self.settings.dist_dir / name: data for name, data in payloads.items()}
        write_files_atomically(out, stale=[self.settings.dist_dir / paths.INFERRED_NAME])
        return sorted(out)

    # -- the two ways ------------------------------------------------------------------------
    def run(self) -> IncrementalResult:
        result = self._run()
        self.digests.save()
        return result

    def _run(self) -> IncrementalResult:
        state = self.load_state()
        if state is not None:
            names = {name for name, _, _ in self.wanted}
            stale = [w for w in self.wanted if state.inputs.get(w[0], ("", ""))[1] != w[2]]
            removed = [n for n in state.inputs if n not in names and n != REGISTRY_CHUNK]
            if len(stale) + len(removed) <= max(1, WHOLE_GRAPH_SHARE * len(self.wanted)):
                result = self.splice(state, stale, removed)
                if result is not None:
                    return result
        return self.full()

    def full(self) -> IncrementalResult:
        """Load or map every chunk, validate what is not yet known to conform, write the dumps anew."""
        registry = self.registry()
        found: dict[str, Chunk] = {}
        stale: list[tuple[str, Path, str]] = []
        previous: dict[str, Chunk] = {}
        for name, f, digest in self.wanted:
            hit = self.cache.get(name, digest)
            if hit is None:
                stale.append((name, f, digest))
                old = self.cache.peek(name) if self.store is not None else None
                if old is not None:
                    previous[old.key] = old
            else:
                found[name] = hit
        self.lap("cache")
        found.update(self.map(stale, registry))
        self.lap("map")
        articles = [found[name] for name, _, _ in self.wanted]
        _check_unique(c.key for c in articles)
        everything = [registry, *articles]
        targets = [c for c in everything if c.validated != self.checks]
        self.validate(targets, everything, registry)
        self.lap("validate")
        for name, chunk in [(REGISTRY_CHUNK, registry), *((name, found[name]) for name, _, _ in self.wanted)]:
            if chunk.key in self.remapped or chunk in targets:
                self.cache.put(name, chunk)
        self.lap("cache-write")
        inputs = {REGISTRY_CHUNK: (REGISTRY_CHUNK, self.common), **{n: (found[n].key, d) for n, _, d in self.wanted}}
        state = State(self.settings.base, self.checks, inputs)
        loader = _StoreLoader(self.store, self.settings.dist_dir, self.ontology_ttl, everything) if self.store else None
        try:  # the store loads the chunks in a thread while the dumps are made and written
            payloads = assemble(state, {}, [], everything, self.settings, self.ontology_ttl, consume=True)
            self.lap("assemble")
            validated = tuple(dict.fromkeys([*self.remapped, *(c.key for c in targets)]))
            del found, articles, everything, targets, previous  # the dumps are all that is needed now
            written = self.write(payloads)
            del payloads
            self.save_state(state, written)
            self.lap("write")
        finally:
            if loader is not None:
                loader.join()
        if loader is not None:
            loader.finish(_store_chunks(state, self.ontology_ttl))
            self.lap("store")
        return IncrementalResult(
            tuple(written),
            state.triples,
            len(inputs),
            tuple(self.remapped),
            validated,
            Report(True, ()),
            timings=self.timings,
        )

    def splice(self, state: State, stale: list[tuple[str, Path, str]], removed: list[str]) -> IncrementalResult | None:
        """Map and validate only what changed and patch the last build's dumps; None if that cannot be done."""
        registry = self.cache.get(REGISTRY_CHUNK, self.common)
        if registry is None:
            return None
        old: list[Chunk] = []
        for name in [*(n for n, _, _ in stale if n in state.inputs), *removed]:
            chunk = self.cache.peek(name)
            if chunk is None or chunk.digest != state.inputs[name][1]:
                return None  # the cache no longer holds what the dumps were made from
            old.append(chunk)
        self.lap("cache")
        new = self.map(stale, registry)
        self.lap("map")
        replaced = {n for n, _, _ in stale} | set(removed)
        _check_unique(
            [
                *(k for n, (k, _) in state.inputs.items() if n not in replaced and n != REGISTRY_CHUNK),
                *(c.key for c in new.values()),
            ]
        )
        added = list(new.values())
        self.validate([c for c in added if c.validated != self.checks], [registry, *added], registry)
        self.lap("validate")
        for name, chunk in new.items():
            self.cache.put(name, chunk)
        self.lap("cache-write")
        if stale or removed:
            dumps = {name: (self.settings.dist_dir / name).read_bytes() for name in _DUMP_FILES}
            payloads = assemble(state, dumps, old, added, self.settings, None)  # ontology.ttl is unchanged
            for name in removed:
                del state.inputs[name]
            for name, _, digest in stale:
                state.inputs[name] = (new[name].key, digest)
            self.lap("assemble")
            written = sorted({*self.write(payloads), self.settings.dist_dir / "ontology.ttl"})
            self.save_state(state, written)
        else:  # nothing changed, and the dumps are the ones the state describes (size, mtime)
            written = sorted(self.settings.dist_dir / name for name in (*_DUMP_FILES, "void.ttl", "ontology.ttl"))
        self.lap("write")
        if self.store is not None:
            ontology_ttl = (self.settings.dist_dir / "ontology.ttl").read_bytes()
            sync_store(self.store, self.settings, state, added, {c.key: c for c in old}, self.cache, ontology_ttl)
            self.lap("store")
        return IncrementalResult(
            tuple(written),
            state.triples,
            len(state.inputs),
            tuple(self.remapped),
            tuple(c.key for c in added),
            Report(True, ()),
            spliced=True,
            timings=self.timings,
        )


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def _check_unique(keys: Iterable[str]) -> None:
    twice = sorted(k for k, n in Counter(keys).items() if n > 1)
    if twice:
        raise KGError(f"article key {twice[0]!r} is used by two annotations", hint="keys are unique; rename one")


def _annotate_origins(report: Report, settings: Settings, targets: Sequence[Chunk]) -> None:
    """Violations found chunk by chunk carry no file:line; fill them in from a fresh mapping."""
    if all(v.origin for v in report.violations):
        return
    from dataclasses import replace

    from kg import pipeline

    keys = {c.key for c in targets}
    files = [f for f in paths.annotation_files(settings.articles_dir) if f.parent.name in keys] or None
    mapped: Mapped = pipeline.map_corpus(settings, files)
    fixed = tuple(
        sorted(replace(v, origin=str(mapped.origins.get(URIRef(v.focus), "") or "")) for v in report.violations)
    )
    object.__setattr__(report, "violations", fixed)


_ONTOLOGY_CHUNK = "~ontology"


class _StoreLoader:
    """Bulk-loads the on-disk store in a thread (Oxigraph releases the GIL) while the build goes on.

    The chunks' N-Triples go in parts of about `_STORE_PART` triples: Oxigraph's bulk loader holds
    memory in proportion to what it is given at once (~0.9 GB for a million triples in one go).
    """

    def __init__(self, location: Path, dist_dir: Path, ontology_ttl: bytes, chunks: Sequence[Chunk]) -> None:
        from kg.store import bulk_load_store

        self.location, self.dist_dir = location, dist_dir
        self.error: BaseException | None = None
        sources = self._sources(deque((c.nt, c.triples) for c in chunks), ontology_ttl)

        def run() -> None:
            try:
                bulk_load_store(location, sources)
            except BaseException as exc:  # handed to the main thread by finish()
                self.error = exc

        self.thread = threading.Thread(target=run, name="kg-store-load")
        self.thread.start()

    def _sources(self, pending: deque[tuple[bytes, int]], ontology_ttl: bytes) -> Iterator[tuple[bytes, Path, str]]:
        nt = self.dist_dir / "kg.nt"
        part: list[bytes] = []
        size = 0
        while pending:  # popped, so each chunk's bytes are freed once loaded (the build drops its own copy)
            data, triples = pending.popleft()
            part.append(data)
            size += triples
            if size >= _STORE_PART:
                yield b"".join(part), nt, "nt"
                part, size = [], 0
        if part:
            yield b"".join(part), nt, "nt"
        yield ontology_ttl, self.dist_dir / "ontology.ttl", "turtle"

    def join(self) -> None:
        self.thread.join()

    def finish(self, chunks: dict[str, list[str]]) -> None:
        """Wait for the load; on success record the written dumps in the store's manifest."""
        from kg.store import write_manifest

        self.join()
        if self.error is not None:
            raise self.error
        write_manifest(self.location, [self.dist_dir / "kg.nt", self.dist_dir / "ontology.ttl"], chunks)


_STORE_PART = 120_000


def _store_chunks(state: State, ontology_ttl: bytes) -> dict[str, list[str]]:
    """What the store's manifest records: chunk key → [digest, cache name], and the ontology's hash."""
    current = {key: [digest, name] for name, (key, digest) in state.inputs.items()}
    current[_ONTOLOGY_CHUNK] = [hashlib.sha256(ontology_ttl).hexdigest(), ""]
    return current


def sync_store(
    location: Path,
    settings: Settings,
    state: State,
    added: Sequence[Chunk],
    previous: dict[str, Chunk],
    cache: Cache,
    ontology_ttl: bytes,
) -> str:
    """Bring the on-disk store in line with the build: replace changed chunks, else reload; say which."""
    from kg.store import load_store, read_manifest, store_db, update_store

    files = [settings.dist_dir / "kg.nt", settings.dist_dir / "ontology.ttl"]
    current = _store_chunks(state, ontology_ttl)
    held = read_manifest(location).get("chunks") or {}
    changed = {k for k in current if held.get(k) != current[k]} | {k for k in held if k not in current}
    whole = (
        not held
        or not store_db(location).is_dir()
        or bool(changed & {REGISTRY_CHUNK, _ONTOLOGY_CHUNK})
        or len(changed) > max(1, WHOLE_GRAPH_SHARE * len(current))
    )
    old: list[Chunk] = []
    for k in sorted(changed):
        if k not in held:
            continue
        chunk = previous.get(k) or (cache.peek(held[k][1]) if held[k][1] else None)
        if chunk is None or chunk.digest != held[k][0]:
            whole = True  # the store holds a version of this input we no longer know
        else:
            old.append(chunk)
    if whole:
        load_store(location, files, current)
        return "reloaded"
    new_nt = b"".join(_chunk_nt([c for c in added if c.key in changed]))
    update_store(location, (s for c in old for s in c.subjects), new_nt, files, current)
    return f"updated {len(changed)} chunk(s)"
