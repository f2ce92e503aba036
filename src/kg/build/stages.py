"""The one ordered list of build stages, and the two schedulers that run it (full, incremental).

    discover → map → validate → render (dumps + VoID) → write → store → reason

`Build` has one method per stage. The full build maps every chunk, validates the whole graph and
renders the dumps from the empty graph; the incremental build maps only chunks whose digest is
not in the cache, validates only what changed (each changed chunk with the chunks it needs, or
the whole graph when more than `WHOLE_GRAPH_SHARE` of the chunks changed) and renders the dumps
from the last build's by the diff of their lines. Both write the same bytes for the same inputs.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Graph, URIRef

import kg
from kg import paths
from kg.atomic import clean_builds, publish_build, published_dir, stage_file
from kg.build import dumps
from kg.build.cache import Cache, ChunkEntry, FileDigests, State
from kg.config import Settings
from kg.errors import KGError, ValidationFailed
from kg.exporters.rdf import DUMP_FORMATS, DatasetInfo, VoidStats, void_graph
from kg.exporters.rdf import turtle as rdflib_turtle  # the ontology has blank nodes
from kg.exporters.types import TYPES_NAME, type_closure, update_type_closure
from kg.mapping import Origin
from kg.reasoning import INFERRED_FILE
from kg.sources import ChunkInput, get_source, needs_of
from kg.store import read_rdf
from kg.validation import Report, Violation

#: The stages, in the order every build runs them.
STAGES = ("discover", "map", "validate", "render", "write", "store", "reason")
#: validate the whole graph instead of chunk by chunk when more than this share of chunks changed
WHOLE_GRAPH_SHARE = 0.05
#: kg modules whose code decides a chunk's triples; their text is part of every chunk digest
_CODE = (
    "annotation.py",
    "mapping.py",
    "iris.py",
    "namespaces.py",
    "sources/__init__.py",
    "build/cache.py",
    "build/dumps.py",
)
_SUB_BATCH = 150  # chunks per job sent to a mapping worker (bounds what a worker holds)
#: how mapping workers start: fork where it is the platform's cheap and safe way (Linux: the worker
#: shares what the parent imported), spawn elsewhere (macOS and Windows, where fork is unsafe or missing)
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def code_digest(source_type: str) -> str:
    """SHA-256 of the kg code that maps a source's chunks, and of the pyoxigraph writing them."""
    import pyoxigraph

    root = Path(kg.__file__).parent
    files = [*_CODE, f"sources/{source_type}.py"]
    return _sha(pyoxigraph.__version__.encode(), *((root / name).read_bytes() for name in files))


@dataclass
class Chunk:
    """A chunk of this build: what it is, its digest, and (once mapped or read from the cache) its lines."""

    input: ChunkInput
    digest: str
    needs: dict[str, ChunkInput]  # the chunks it needs, by source type
    lines: list[bytes] | None = None
    entry: ChunkEntry | None = None  # what the cache manifest says of it
    mapped: bool = False  # mapped in this build
    validated: bool = False  # known to conform to the current shapes and ontology


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    files: tuple[Path, ...]
    triples: int
    chunks: int
    remapped: tuple[str, ...]  # chunk keys mapped in this build
    validated: tuple[str, ...]  # chunk keys validated in this build
    report: Report
    spliced: bool = False  # True if the dumps were changed by a diff rather than written from the empty graph
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# Reading chunks (in this process or in worker processes)
# ----------------------------------------------------------------------------------------------


_Job = tuple[list[ChunkInput], dict[str, ChunkInput], str]
_Mapped = tuple[str, list[bytes], str | None, str, list[list[Any]], list[str]]


def _read_job(job: _Job) -> list[_Mapped]:
    """Map chunks: (key, sorted N-Triples lines, date, name, references, declared IRIs) each."""
    chunks, deps, base = job
    out: list[_Mapped] = []
    for c in chunks:
        read = get_source(c.source).read(c, needs_of(c.source, deps, base), base)
        refers = [[r.iri, r.line, r.field] for r in read.refers]
        out.append((c.key, dumps.ntriples_lines(read.triples), read.date, read.name, refers, list(read.declares)))
    return out


def chunk_origins(chunks: Sequence[Chunk], base: str) -> dict[URIRef, Origin]:
    """File and line of the resources the chunks define, asked of their sources."""
    origins: dict[URIRef, Origin] = {}
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.input.source, []).append(c)
    for type_, group in by_source.items():
        needs = needs_of(type_, group[0].needs, base)
        origins.update(get_source(type_).origins([c.input for c in group], needs, base))
    return origins


# ----------------------------------------------------------------------------------------------
# The stages
# ----------------------------------------------------------------------------------------------


class Build:
    """One build of a project: one method per stage, run in order by a scheduler."""

    def __init__(
        self,
        settings: Settings,
        cache_dir: Path | None = None,
        engine: str = "pyshacl",
        workers: int | None = None,
        store: Path | None = None,
    ) -> None:
        self.settings, self.engine, self.workers, self.store = settings, engine, workers, store
        self.cache = Cache(cache_dir or paths.cache_dir(settings.dist_dir))
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()
        self.ontology = read_rdf(settings.ontology_files)
        self.shapes = read_rdf([settings.shapes_file])
        self.checks = _sha(engine.encode(), *(f.read_bytes() for f in (*settings.ontology_files, settings.shapes_file)))
        self.state = self.cache.read_state(settings.base)
        self.chunks: list[Chunk] = []
        self.files = FileDigests(self.cache.root / "files.json")
        self.loader: _StoreLoader | None = None
        self.published: dict[str, str] = {}  # SHA-256 of the kg.nt, ontology.ttl and kg-types.nt written
        self.digests: dict[str, str] = {}  # SHA-256 of every file rendered, computed once
        self.prior: Path | None = None  # the folder of the last build, when this one changes it by a diff
        self.staged: _Staged | None = None  # the big files, written and hashed as soon as each is known
        #: what decides ontology.ttl: the files, the order they are read in, the code and rdflib writing it
        self.ontology_key = _sha(
            rdflib.__version__.encode(),
            *(p.name.encode() for p in settings.ontology_files),
            *(p.read_bytes() for p in settings.ontology_files),
            *((Path(kg.__file__).parent / name).read_bytes() for name in ("exporters/rdf.py", "namespaces.py")),
        )
        self.old_types: bytes | None = None  # the type closure the last build wrote (for the store's diff)
        self.new_types: bytes | None = None  # the type closure of this build
        #: what decides the files besides the chunks' lines: when it and the lines are unchanged, nothing is written
        self.render_key = _sha(
            settings.base.encode(), settings.license.encode(), self.checks.encode(), TYPES_NAME.encode()
        )

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now

    # -- discover ----------------------------------------------------------------------------
    def discover(self) -> list[Chunk]:
        """Every chunk of every source, with the digest of all that decides its triples."""
        base = self.settings.base
        files = self.files = FileDigests.load(self.cache.root / "files.json")  # saved once the build succeeds
        single: dict[str, Chunk] = {}  # source type → its chunk, for sources others need
        chunks: list[Chunk] = []
        for declared in self.settings.inputs():
            source = get_source(declared.type)
            found = source.discover(declared.path)
            missing = [t for t in source.needs if t not in single]
            if missing:
                raise KGError(
                    f"source {declared.name!r} ({declared.type}) needs a {missing[0]} source declared before it",
                    hint="declare it earlier in kg.toml",
                )
            code = code_digest(declared.type).encode()
            for c in found:
                deps = {t: single[t] for t in source.needs}
                digest = _sha(
                    code,
                    base.encode(),
                    c.key.encode(),
                    *(f"{f.name}\0{_file_digest(files, f)}".encode() for f in c.files),
                    *(deps[t].digest.encode() for t in source.needs),
                )
                needs = {t: d.input for t, d in deps.items()}
                for d in deps.values():
                    needs.update(d.needs)
                chunks.append(Chunk(c, digest, needs))
            if len(found) == 1:
                single[declared.type] = chunks[-1]
        seen: set[str] = set()
        for chunk in chunks:
            if chunk.input.key in seen:
                raise KGError(f"two inputs make the chunk {chunk.input.key!r}", file=chunk.input.path)
            seen.add(chunk.input.key)
        self.chunks = chunks
        return chunks

    def cached(self, chunk: Chunk) -> bool:
        """True if the cache manifest holds the chunk for its digest (its lines are read when needed)."""
        entry = self.state.chunks.get(chunk.input.key) if self.state else None
        if entry is None or entry.digest != chunk.digest:
            return False
        chunk.entry = entry
        chunk.validated = entry.validated == self.checks
        return True

    def read_lines(self, chunks: Sequence[Chunk]) -> list[Chunk]:
        """Read the cached lines of chunks; return those whose cache file is missing or broken."""
        lost = []
        for c in chunks:
            if c.lines is None:
                assert c.entry is not None
                c.lines = self.cache.read_chunk(c.input.key, c.entry)
                if c.lines is None:
                    c.entry, c.validated = None, False
                    lost.append(c)
        return lost

    # -- map ---------------------------------------------------------------------------------
    def map(self, todo: Sequence[Chunk]) -> None:
        """Map chunks to their sorted N-Triples lines (in two processes when there are many)."""
        if not todo:
            return
        base = self.settings.base
        by_key = {c.input.key: c for c in todo}
        n = self.workers if self.workers is not None else min(os.cpu_count() or 1, 2 if len(todo) > 40 else 1)
        groups: dict[tuple[str, ...], list[Chunk]] = {}
        for c in todo:
            groups.setdefault(tuple(sorted(c.needs)), []).append(c)
        jobs: list[_Job] = []
        for group in groups.values():
            deps = group[0].needs
            jobs += [
                ([c.input for c in group[i : i + _SUB_BATCH]], deps, base) for i in range(0, len(group), _SUB_BATCH)
            ]
        results = []
        if n > 1 and len(jobs) > 1:
            with multiprocessing.get_context(START_METHOD).Pool(min(n, len(jobs))) as pool:
                for batch in pool.imap_unordered(_read_job, jobs):
                    results += batch
        else:
            for job in jobs:
                results += _read_job(job)
        for key, lines, date, name, refers, declares in results:
            c = by_key[key]
            c.lines, c.mapped, c.validated = lines, True, False
            c.entry = ChunkEntry(c.input.source, c.digest, "", "", date, name, refers, declares)
        names: dict[tuple[str, str], str] = {}
        for c in self.chunks:
            if c.entry is not None and c.entry.name:
                other = names.setdefault((c.input.source, c.entry.name), c.input.key)
                if other != c.input.key:
                    raise KGError(
                        f"{c.input.source} key {c.entry.name!r} is used by two inputs ({other} and {c.input.key})",
                        file=c.input.path,
                        hint="keys are unique; rename one",
                    )

    def check_references(self) -> dict[str, list[Chunk]]:
        """Every resource a chunk names in another chunk is declared by one; return, for each chunk
        key, the chunks that declare what it names (validated with it, as it describes their events)."""
        declared: dict[str, Chunk] = {}
        for c in self.chunks:
            for iri in c.entry.declares if c.entry else ():
                first = declared.setdefault(iri, c)
                if first is not c:  # two partitions of a dataset release with the same row id
                    raise KGError(
                        f"<{iri}> is declared by two inputs ({first.input.key} and {c.input.key})",
                        file=c.input.path,
                        hint="a row id is unique in its release; remove the row from one of the files",
                    )
        others: dict[str, list[Chunk]] = {}
        for c in self.chunks:
            for iri, line, field_ in c.entry.refers if c.entry else ():
                owner = declared.get(iri)
                if owner is None:
                    raise KGError(
                        f"<{iri}> is declared by no document of this build",
                        file=c.input.path,
                        line=line,
                        field=field_,
                        hint="name a figure or a declaring report of another document as <document-id>/<key>",
                    )
                if owner is not c:
                    others.setdefault(c.input.key, []).append(owner)
        return others

    # -- validate ----------------------------------------------------------------------------
    def validate(self, targets: Sequence[Chunk], whole: bool, others: Mapping[str, list[Chunk]]) -> Report:
        """Validate `targets`: the whole graph, or each with the chunks it needs and the chunks declaring
        what it names (`others`); raise on violations."""
        from kg.validation_fast import get_engine, prepare_shapes, run_fast, to_report

        if not targets:
            return Report(True, ())
        by_key = {c.input.key: c for c in self.chunks}
        groups: list[tuple[list[Chunk], set[bytes] | None]] = (
            [(list(self.chunks), None)]
            if whole
            else [
                (
                    [c, *(by_key[d.key] for d in c.needs.values()), *others.get(c.input.key, ())],
                    {dumps._subject(line) for line in c.lines or ()},
                )
                for c in targets
            ]
        )
        ontology_nt = self.ontology.serialize(format="nt", encoding="utf-8")
        prepared = prepare_shapes(self.shapes) if self.engine == "fast" else None
        violations: list[Violation] = []
        for data, keep in groups:
            nt = b"".join(line + b"\n" for c in data for line in c.lines or ())
            wanted = None if keep is None else {s[1:-1].decode() for s in keep}
            if prepared is not None:
                results = [r for r in run_fast([nt, ontology_nt], prepared) if wanted is None or r.focus in wanted]
                if results:
                    violations += to_report(results, Graph().parse(data=nt, format="nt")).violations
                continue
            report = get_engine(self.engine)(Graph().parse(data=nt, format="nt"), self.shapes, self.ontology, None)
            violations += [v for v in report.violations if wanted is None or v.focus in wanted]
        if violations:
            origins = chunk_origins(targets if not whole else self.chunks, self.settings.base)
            fixed = sorted({replace(v, origin=str(origins.get(URIRef(v.focus), "") or v.origin)) for v in violations})
            report = Report(False, tuple(fixed))
            raise ValidationFailed(
                f"the graph does not conform to {self.settings.shapes_file}: {len(report.violations)} "
                "violation(s); no dumps were written",
                report.lines(),
            )
        for c in targets:
            c.validated = True
        return Report(True, ())

    # -- render ------------------------------------------------------------------------------
    def intact(self) -> bool:
        """True if the files in dist/ are the ones the last build wrote (sizes and modification times)."""
        if self.state is None or not self.state.dumps or not self.state.union:
            return False
        dist = self.settings.dist_dir
        try:
            return {name: _stamp(dist / name) for name in self.state.dumps} == self.state.dumps
        except OSError:
            return False

    def previous(self) -> dumps.Union | None:
        """The graph the last build wrote, if the dumps in dist/ are still the ones it wrote."""
        if self.state is None or not self.intact():
            return None
        dist = self.prior = published_dir(self.settings.dist_dir)  # resolved once: one build's files
        files = {name: (dist / name).read_bytes() for name in ("kg.nt", "kg.ttl", "kg.jsonld")}
        return self.cache.read_union(self.state.union, files["kg.nt"], files["kg.ttl"], files["kg.jsonld"])

    def render(
        self, union: dumps.Union, removed: Sequence[bytes] = (), added: Sequence[bytes] = ()
    ) -> dict[str, bytes | Path]:
        """The dumps of the union, VoID's description of them, the ontology, and the type closure (from
        the last build's and the lines that changed, when it is known).

        Each file is hashed once (`self.digests`: VoID's checksums, the build folder's name, the store's
        manifest). A file of the last build whose bytes this build would write again (the ontology when
        it and the code writing it are unchanged, the type closure when no type changed) is given as its
        path, and published by a hard link instead of being written and fsynced again.
        """
        assert self.staged is not None  # (build() makes it)
        staged = self.staged
        if self.new_types is None:  # (the store's loader computed it already)
            self.new_types = (
                type_closure(union.nt, self.ontology)
                if self.old_types is None
                else update_type_closure(self.old_types, removed, added, union.nt, self.ontology)
            )
        payloads: dict[str, bytes | Path] = {}
        if self.prior is not None and self.old_types is not None and self.new_types == self.old_types:
            payloads[TYPES_NAME] = self.prior / TYPES_NAME
            self.digests = _sha256s({TYPES_NAME: self.new_types})
        else:
            staged.put(TYPES_NAME, [self.new_types])
            self.digests = {}
        self.digests.update({name: staged.digest(name) for name in staged.files})
        files = {**dumps.bodies(union), TYPES_NAME: [self.new_types]}
        sums = [(f, sum(len(p) for p in files[f.filename]), self.digests[f.filename]) for f in DUMP_FORMATS.values()]
        void = void_graph(self.void_stats(union), sums, self.dataset_info(union))
        payloads["void.ttl"] = dumps.turtle(void, self.settings.base)  # type: ignore[arg-type]
        earlier = self.earlier_ontology()
        payloads["ontology.ttl"] = self.ontology_ttl if earlier is None else earlier[0]
        if earlier is not None:
            self.digests["ontology.ttl"] = earlier[1]
        self.digests.update(
            _sha256s({k: v for k, v in payloads.items() if k not in self.digests and isinstance(v, bytes)})
        )
        return payloads

    def earlier_ontology(self) -> tuple[Path, str] | None:
        """The last build's ontology.ttl and its SHA-256, if this build would write the same bytes (the same
        ontology key, and the file is what that build recorded publishing)."""
        if self.prior is None or self.state is None or self.state.union.get("ontology") != self.ontology_key:
            return None
        path = self.prior / "ontology.ttl"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        return (path, digest) if digest == (self.state.union.get("published") or {}).get("ontology.ttl") else None

    @functools.cached_property
    def ontology_ttl(self) -> bytes:
        return rdflib_turtle(self.ontology, None)

    def void_stats(self, union: dumps.Union) -> VoidStats:
        """VoID's statistics, from the counts kept with the union (the one place they are computed)."""
        c = union.counts
        minted = ("<" + self.settings.base + "id/").encode()
        return VoidStats(
            triples=c.triples,
            entities=sum(1 for s in union.subjects if s.startswith(minted)),
            distinct_subjects=len(union.subjects),
            distinct_objects=len(c.objects),
            properties=len(c.predicates),
            classes={URIRef(k[1:-1].decode()): n for k, n in c.classes.items()},
        )

    def dataset_info(self, union: dumps.Union) -> DatasetInfo:
        """What VoID says besides its counts; the date comes from the inputs, never from the clock."""
        dates = [dt.date.fromisoformat(str(c.entry.date)) for c in self.chunks if c.entry and c.entry.date]
        generated = max(dates) if dates else dt.date(1970, 1, 1)
        sources, summits, releases = (
            sorted(URIRef(s[1:-1].decode()) for s in union.counts.typed[t]) for t in dumps.TYPED
        )
        described = Graph().parse(data=b"".join(dumps.subject_lines(union.nt, r) for r in releases), format="nt")
        return DatasetInfo(
            self.settings.base,
            self.settings.license,
            generated,
            tuple(sources),
            tuple(summits[:3]),
            releases=tuple(sorted(described)),  # type: ignore[arg-type]
        )

    # -- write -------------------------------------------------------------------------------
    def write(self, payloads: dict[str, bytes | Path], union: dumps.Union) -> list[Path]:
        """Publish the files as one build (kg.atomic.publish_build: a new folder, one symlink switch), then
        record it in the cache. The staged files (written and fsynced already) and the last build's files
        given as paths are hard-linked into the new folder; the others are written there. A file added to
        `payloads` is published with the others, nothing more."""
        if self.staged is not None:  # written already: hard-linked into the build folder
            payloads = {**payloads, **{name: self.staged.path(name) for name in self.staged.files}}
        out = publish_build(self.settings.dist_dir, payloads, [paths.INFERRED_NAME], self.digests)
        chunks = {}
        for c in self.chunks:
            assert c.entry is not None
            if c.mapped and c.lines is not None:
                c.entry.sha256 = self.cache.write_chunk(c.input.key, c.digest, c.lines)
            c.entry.validated = self.checks if c.validated else ""
            chunks[c.input.key] = c.entry
        self.published = {name: self.digests[name] for name in ("kg.nt", "ontology.ttl", TYPES_NAME)}
        index = self.cache.write_union(union)
        index["published"] = self.published
        index["ontology"] = self.ontology_key
        index["rendered"] = self.render_key
        state = State(self.settings.base, chunks, {p.name: _stamp(p) for p in out}, index)
        self.cache.write_state(state)
        self.cache.prune(state)
        self.files.save()
        return sorted(out)

    # -- store -------------------------------------------------------------------------------
    def load_store(
        self, removed: Sequence[bytes], added: Sequence[bytes], whole: bool, before: dict[str, str] | None
    ) -> None:
        """Bring the on-disk store in line with the dumps: the diff if it holds the last build, else reload.

        The store's manifest records the SHA-256 of the kg.nt and ontology.ttl it holds; the diff is
        applied only to a store holding exactly what the last build published, with the same ontology.
        """
        from kg.store import apply_diff, load_store, read_manifest, store_db

        assert self.store is not None
        dist = self.settings.dist_dir
        files = [dist / "kg.nt", dist / "ontology.ttl", dist / TYPES_NAME]
        now = self.published
        held = read_manifest(self.store).get("chunks") or {}
        if self.loader is not None:
            self.loader.finish(files, now)
        elif (
            whole
            or not store_db(self.store).is_dir()
            or not before
            or held != before
            or before.get("ontology.ttl") != now["ontology.ttl"]
            or (before.get(TYPES_NAME) != now[TYPES_NAME] and self.old_types is None)
        ):
            load_store(self.store, files, now)
        else:  # the type closure changes with the data: its lines' diff goes with the data's
            old = set(self.old_types.splitlines()) if self.old_types is not None else set()
            new = set((dist / TYPES_NAME).read_bytes().splitlines()) if self.old_types is not None else set()
            apply_diff(self.store, [*removed, *sorted(old - new)], [*added, *sorted(new - old)], files, now)

    def start_store(self, nt: bytes) -> None:
        """Bulk-load the store from the new N-Triples in a thread while the other dumps are rendered."""
        assert self.store is not None
        self.new_types = type_closure(nt, self.ontology)
        self.loader = _StoreLoader(self.store, nt, self.ontology_ttl, self.new_types, self.settings.dist_dir)

    # -- reason ------------------------------------------------------------------------------
    def reason(self, union: dumps.Union) -> bytes:
        """Asserted + inferred triples, or ReasoningError naming the clashes."""
        from kg.reasoning import reason as run_reasoner

        graph = Graph().parse(data=union.nt, format="nt")
        origins = chunk_origins(self.chunks, self.settings.base)
        return run_reasoner(graph, self.ontology, origins, None).turtle(self.settings.base)


class _StoreLoader:
    """Oxigraph's bulk loader in a thread (it releases the GIL), fed the N-Triples in parts.

    The loader holds memory in proportion to what one call is given (~0.9 GB for a million
    triples at once), so the lines go in parts of about `_STORE_PART` bytes.
    """

    def __init__(self, location: Path, nt: bytes, ontology_ttl: bytes, types_nt: bytes, dist: Path) -> None:
        from kg.store import bulk_load_store

        self.location = location
        self.error: BaseException | None = None

        def parts() -> Iterator[tuple[bytes, Path, str]]:
            start = 0
            while start < len(nt):
                end = nt.find(b"\n", start + _STORE_PART)
                end = len(nt) if end < 0 else end + 1
                yield nt[start:end], dist / "kg.nt", "nt"
                start = end
            yield ontology_ttl, dist / "ontology.ttl", "turtle"
            yield types_nt, dist / TYPES_NAME, "nt"

        def run() -> None:
            try:
                bulk_load_store(location, parts())
            except BaseException as exc:  # handed to the main thread by finish()
                self.error = exc

        self.thread = threading.Thread(target=run, name="kg-store-load")
        self.thread.start()

    def finish(self, files: Sequence[Path], published: dict[str, str]) -> None:
        """Wait for the load; on success record the written files in the store's manifest."""
        from kg.store import write_manifest

        self.thread.join()
        if self.error is not None:
            raise self.error
        write_manifest(self.location, files, published)


_STORE_PART = 20_000_000  # bytes of N-Triples per bulk-load call (~110k triples)


class _Staged:
    """The big files of a build (the dumps, the type closure), each written and fsynced (as a temporary
    file, kg.atomic.stage_file) and hashed in threads as soon as it is known, while the build goes on:
    the writes overlap the rest of the rendering instead of following it. `publish_build` hard-links
    them into the build folder; `close` waits for the threads and removes the temporary files."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.pool = ThreadPoolExecutor(4, thread_name_prefix="kg-stage")  # writes and hashing free the GIL
        self.files: dict[str, Future[Path]] = {}
        self.sums: dict[str, Future[str]] = {}

    def put(self, name: str, pieces: dumps.Pieces) -> None:
        self.sums[name] = self.pool.submit(_sha256_of, pieces)
        self.files[name] = self.pool.submit(stage_file, self.dist, name, pieces)

    def digest(self, name: str) -> str:
        return self.sums[name].result()

    def path(self, name: str) -> Path:
        return self.files[name].result()  # raises the write's OutputError, if it failed

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for done in self.files.values():
            if done.exception() is None:
                done.result().unlink(missing_ok=True)


def _sha256_of(pieces: dumps.Pieces) -> str:
    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece)
    return h.hexdigest()


def _sha256s(files: Mapping[str, bytes]) -> dict[str, str]:
    """SHA-256 (hex) of each file, in parallel threads (hashlib frees the GIL on large data)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(4, len(files)) or 1) as pool:
        return dict(zip(files, pool.map(lambda data: hashlib.sha256(data).hexdigest(), files.values()), strict=True))


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # a build before kg-types.nt existed: the store is loaded anew
        return None


def _file_digest(files: FileDigests, path: Path) -> str:
    """The digest of an input file; one that cannot be read is left to its source's loader to explain."""
    try:
        return files.digest(path)
    except OSError:
        return "unreadable"


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


# ----------------------------------------------------------------------------------------------
# The two schedulers
# ----------------------------------------------------------------------------------------------


def build(
    settings: Settings,
    *,
    full: bool = False,
    reason: bool = False,
    engine: str = "pyshacl",
    store: Path | None = None,
    cache_dir: Path | None = None,
    workers: int | None = None,
    guard_shrink: bool = False,
) -> BuildResult:
    """Run the stages: everything (`full`, implied by `reason`), or only what changed since the last build.

    With `guard_shrink`, a build of less than half the triples of the one in dist/ is refused (KGError)
    before anything is written: the sign of a mistyped or half-empty input folder.
    """
    b = Build(settings, cache_dir, engine, workers, store)
    clean_builds(settings.dist_dir)  # what a killed run left, even if this one has nothing to write
    b.cache.clean()
    full = full or reason
    chunks = b.discover()
    b.lap("discover")
    # the schedule: which chunks to map, which lines the last build's dumps must lose and gain
    old = b.state.chunks if b.state is not None else {}
    stale = chunks if full else [c for c in chunks if not b.cached(c)]
    changed = [c for c in chunks if c.input.key not in old or old[c.input.key].digest != c.digest]
    digests = {c.input.key: c.digest for c in chunks}
    gone = [(k, e) for k, e in old.items() if digests.get(k) != e.digest]  # changed or removed since
    same = not full and not changed and not gone and b.state is not None
    if same and b.state is not None and b.state.union.get("rendered") == b.render_key and b.intact():
        return _unchanged(b, chunks)  # nothing to map, validate or write
    previous = None if full else b.previous()
    old_lines: list[list[bytes]] = []
    for key, entry in gone if previous is not None else ():
        lines = b.cache.read_chunk(key, entry)
        if lines is None:
            previous = None
            break
        old_lines.append(lines)
    targets = [c for c in chunks if not c.validated or c in stale]
    whole = full or len(targets) > max(1, WHOLE_GRAPH_SHARE * len(chunks))
    by_key = {c.input.key: c for c in chunks}
    if whole or previous is None:
        needed = chunks
    else:
        needed = list({id(d): d for c in targets for d in (c, *(by_key[n.key] for n in c.needs.values()))}.values())
    lost = b.read_lines([c for c in needed if c not in stale])
    stale = [*stale, *(c for c in lost if c not in stale)]
    targets = [*targets, *(c for c in lost if c not in targets)]
    b.lap("cache")
    b.map(stale)
    b.lap("map")
    others = b.check_references()
    if not whole and previous is not None:
        lost = b.read_lines([o for c in targets for o in others.get(c.input.key, ()) if o.lines is None])
        if lost:  # a declaring chunk's cache file went missing: map it again
            b.map(lost)
    report = b.validate(targets, whole, others)
    b.lap("validate")
    b.staged = staged = _Staged(settings.dist_dir)
    try:
        union, removed, added = _render_union(b, previous, old_lines, changed, whole, guard_shrink)
        payloads = b.render(union, removed, added)
        if reason:
            payloads[INFERRED_FILE] = b.reason(union)
        b.lap("render")
        written = b.write(payloads, union)
    finally:
        staged.close()
    b.lap("write")
    if store is not None:
        b.load_store(removed, added, previous is None, b.state.union.get("published") if b.state else None)
        b.lap("store")
    return BuildResult(
        tuple(written),
        union.counts.triples,
        len(chunks),
        tuple(c.input.key for c in chunks if c.mapped),
        tuple(c.input.key for c in targets),
        report,
        spliced=previous is not None,
        warnings=tuple(b.cache.warnings),
        timings=b.timings,
    )


def _render_union(
    b: Build,
    previous: dumps.Union | None,
    old_lines: list[list[bytes]],
    changed: list[Chunk],
    whole: bool,
    guard_shrink: bool,
) -> tuple[dumps.Union, list[bytes], list[bytes]]:
    """The new union of the chunks' lines (the last one's changed by the diff, or made from the empty one);
    each dump is handed to the staged writer as soon as it is known (kg.nt first, while the Turtle and
    JSON-LD are rendered), and to the store's bulk loader when the store is loaded anew."""
    assert b.staged is not None
    staged, base = b.staged, b.settings.base
    start_store = b.start_store if b.store is not None and (previous is None or whole) else None

    def nt_ready(nt: bytes) -> None:
        if guard_shrink:  # before anything is written
            _refuse_shrink(b, nt.count(b"\n"))
        staged.put("kg.nt", [nt])
        if start_store is not None:
            start_store(nt)

    if previous is not None:
        removed, added, shared = dumps.diff(previous, old_lines, [c.lines or [] for c in changed])
        union = dumps.apply(previous, removed, added, shared, base, nt_ready)
    else:
        lines, shared = dumps.first_union([c.lines or [] for c in b.chunks])
        removed, added = [], lines
        union = dumps.apply(dumps.Union(), [], lines, shared, base, nt_ready)
    for name in ("kg.ttl", "kg.jsonld"):
        staged.put(name, dumps.bodies(union)[name])
    if previous is not None:  # the closure the last build wrote: updated by the diff, and the store's diff
        b.old_types = _read_or_none((b.prior or b.settings.dist_dir) / TYPES_NAME)
    return union, removed, added


#: a build keeping less than this share of the triples in dist/ needs `kg build --allow-shrink`
SHRINK_SHARE = 0.5


def _refuse_shrink(b: Build, triples: int) -> None:
    """Raise KGError if dist/ holds a build more than twice as large as this one."""
    before = int(b.state.union.get("triples", 0)) if b.state is not None and b.intact() else None
    if before is None:
        try:
            with (b.settings.dist_dir / "kg.nt").open("rb") as f:
                before = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        except OSError:
            return  # no previous build to protect
    if triples < SHRINK_SHARE * before:
        raise KGError(
            f"this build has {triples} triples, less than half of the {before} in {b.settings.dist_dir}; "
            f"nothing was written ({len(b.chunks)} input(s) read)",
            hint="check --articles/--registry and kg.toml, or rerun with --allow-shrink to replace it",
        )


def _unchanged(b: Build, chunks: Sequence[Chunk]) -> BuildResult:
    """A build whose inputs are those of the last one: the files stay; the store is checked."""
    assert b.state is not None
    b.lap("cache")
    if b.store is not None:
        b.published = dict(b.state.union.get("published") or {})
        b.load_store([], [], False, b.published)
        b.lap("store")
    return BuildResult(
        tuple(sorted(b.settings.dist_dir / name for name in b.state.dumps)),
        int(b.state.union.get("triples", 0)),
        len(chunks),
        (),
        (),
        Report(True, ()),
        spliced=True,
        warnings=tuple(b.cache.warnings),
        timings=b.timings,
    )
