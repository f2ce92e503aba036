"""What the dataset sources (UCDP GED, ACLED, GDELT) share: reading rows, refusing bad ones, the Source.

A dataset module gives a `Dataset`: its name, its release's terms, how to read a file into rows
(with the line each row starts on) and how to turn one row into a `RowReport`, raising `RowError`
for the column that is wrong. `import_files` reads every row, keeps the good ones and collects one
`RowError` per refused row; `DatasetSource` is the Source a project's kg.toml names (`type =
"ucdp"`): one chunk per file, so that a changed file (a partition of a release) is mapped again and
the others come from the build cache.
"""

from __future__ import annotations

import collections
import csv
import gc
import heapq
import io
import itertools
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from rdflib import URIRef

from kg import iris
from kg.atomic import SortedRuns
from kg.errors import KGError, ValidationFailed, WorkerDied
from kg.mapping import Origin, RegistryTerms, RowMapper, map_dataset_reports
from kg.records import Release, RowReport
from kg.sources import ChunkInput, ChunkRead, Triple

#: a field larger than this is refused (csv's own default limit is 128 KiB; UCDP's longest
#: source_article fields are a few KiB)
FIELD_LIMIT = 1 << 20


class RowError(KGError):
    """One row of a dataset file is refused: the file, its line, the column and what is wrong."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None, column: str) -> None:
        self.column = column
        super().__init__(message, file=file, line=line, field=column)

    def render(self) -> str:
        """`file:line:column: message`, the form compilers use, so that editors can jump to the row."""
        where = f"{self.file}:{self.line}:{self.column}" if self.file else self.column
        return f"{where}: {' '.join(self.message.split())}"


class RefusedRows(KGError):
    """Some rows of a dataset were refused (the others are kept)."""

    exit_code = 1

    def __init__(self, errors: Sequence[RowError], file: Path) -> None:
        self.errors = tuple(errors)
        first = errors[0].render()
        super().__init__(
            f"{len(errors)} row(s) refused; the first: {first}",
            file=file,
            hint="`kg import` lists every refused row",
        )


class Dataset(Protocol):
    """One event dataset: how its files read and how a row becomes a report."""

    name: str  # the source type in kg.toml and `kg import` ("ucdp")
    key: str  # the IRI key of the dataset ("ucdp-ged")
    suffixes: tuple[str, ...]  # file suffixes a folder of its files is searched for (".csv")

    def release(self, key: str) -> Release:
        """The release of that key, with the dataset's licence, citation and terms."""
        ...

    def rows(self, file: Path) -> Iterator[tuple[int, Mapping[str, str]]]:
        """The rows of a file, each with the line it starts on; a file that cannot be read raises KGError."""
        ...

    def parse(self, row: Mapping[str, str], line: int, file: Path, release: str, registry: RegistryTerms) -> RowReport:
        """One row of a release (by its key) as a report; raise RowError naming the column that is wrong."""
        ...


_NOT_KEY = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A kg key from a name: ASCII letters and digits, lower case, joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = _NOT_KEY.sub("-", ascii_text.lower()).strip("-")
    return key or "x"


def degrees(value: str, column: str, limit: int, line: int, file: Path) -> Decimal:
    """A latitude (limit 90) or longitude (180) in decimal degrees; RowError otherwise."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        message = f"{value!r} is not a number of degrees from -{limit} to {limit}"
        raise RowError(message, file=file, line=line, column=column)
    return number


def count(value: str, column: str, line: int, file: Path) -> int:
    """A count of people or things: a whole number, 0 or more; RowError otherwise."""
    value = value.strip()
    if not value.isdigit() or not value.isascii():
        raise RowError(f"{value!r} is not a count (a whole number, 0 or more)", file=file, line=line, column=column)
    return int(value)


def registry_place(registry: RegistryTerms, label: str, type_: str) -> URIRef | None:
    """The registry's place of that type and English name, if it has one (the same entity as a dataset's)."""
    kept = _PLACES.get(id(registry))
    if kept is None or kept[0] is not registry:  # the places by (type, name), made once per registry
        places: dict[tuple[str, str], URIRef] = {}
        for iri, kind in registry.place_types.items():
            names = registry.names.get(iri)
            if names is not None and names.en is not None:
                places.setdefault((kind, names.en), iri)  # the first, as a search in order finds
        _PLACES.clear()  # the last registry's only: a long-lived process does not keep every registry it met
        kept = _PLACES[id(registry)] = (registry, places)
    return kept[1].get((type_, label))


#: registry_place's index of the last registry it was asked about (a row asks for its country: a search was
#: a pass over the registry's places for every row)
_PLACES: dict[int, tuple[RegistryTerms, dict[tuple[str, str], URIRef]]] = {}


def read_csv(
    file: Path, required: Sequence[str], *, delimiter: str = ",", header: Sequence[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as dicts, each with the line it starts on (quoted fields may hold newlines).

    With `header` the file has none and its columns are those. A second row of HXL hashtags
    (`#date+year`, as HDX publishes UCDP's files) is skipped. A missing required column is one error.
    """
    csv.field_size_limit(FIELD_LIMIT)
    try:
        handle = file.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise KGError(f"cannot read: {exc.strerror}", file=file) from None
    with handle:
        reader = csv.reader(
            handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE
        )
        start = 1
        try:
            columns = list(header) if header is not None else next(reader, None)
            if columns is None:
                raise KGError("the file is empty; expected a header row", file=file, line=1)
            missing = [c for c in required if c not in columns]
            if missing:
                raise KGError(
                    f"no column {missing[0]!r} in the header ({len(missing)} missing)",
                    file=file,
                    line=1,
                    hint=f"the file needs the columns {', '.join(required)}",
                )
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not cells:
                    continue
                if line <= 2 and header is None and any(c.startswith("#") for c in cells):
                    continue  # HXL hashtags
                if len(cells) != len(columns):
                    yield line, {"": f"{len(cells)} fields, expected {len(columns)}"}
                    continue
                yield line, dict(zip(columns, cells, strict=True))
        except csv.Error as exc:
            raise KGError(f"not valid CSV: {exc}", file=file, line=reader.line_num) from None
        except UnicodeDecodeError as exc:
            raise KGError(f"not UTF-8: {exc.reason} at byte {exc.start}", file=file) from None


@dataclass
class Imported:
    """The rows of a release: the reports of the good ones and one error per refused row."""

    release: Release
    reports: list[RowReport]
    refused: list[RowError]


def parse_row(
    dataset: Dataset, row: Mapping[str, str], line: int, file: Path, release: str, registry: RegistryTerms
) -> RowReport:
    """The report of one row as read (RowError if the reader could not split it, or the dataset refuses it)."""
    if "" in row:
        raise RowError(row[""], file=file, line=line, column="(row)")
    return dataset.parse(row, line, file, release, registry)


def repeated_id(row_id: str, first: tuple[Path, int], file: Path, line: int) -> RowError:
    """The refusal of a row whose id the row at `first` (file, line) has."""
    return RowError(
        f"row id {row_id} is used twice (first at {first[0]}:{first[1]})", file=file, line=line, column="id"
    )


def iter_reports(
    dataset: Dataset,
    files: Sequence[Path],
    release: str,
    registry: RegistryTerms,
    refused: list[RowError],
    *,
    strict: bool = False,
    on_refused: Callable[[RowError], None] | None = None,
    on_row: Callable[[int, int], None] | None = None,
) -> Iterator[RowReport]:
    """The reports of the good rows of `files`, one at a time; a refused row goes to `refused`.

    With `strict` the first refused row is raised. `on_row(index of the file, line)` is called
    before each row (for a progress bar).
    """
    seen: dict[str, tuple[Path, int]] = {}
    for index, file in enumerate(files):
        for line, row in dataset.rows(file):
            if on_row is not None:
                on_row(index, line)
            try:
                report = parse_row(dataset, row, line, file, release, registry)
                if report.row in seen:
                    raise repeated_id(report.row, seen[report.row], file, line)
            except RowError as exc:
                if strict:
                    raise
                refused.append(exc)
                if on_refused is not None:
                    on_refused(exc)
                continue
            seen[report.row] = (file, line)
            yield report


def import_files(
    dataset: Dataset,
    files: Sequence[Path],
    release: str,
    registry: RegistryTerms,
    *,
    strict: bool = False,
    on_refused: Callable[[RowError], None] | None = None,
    on_row: Callable[[int, int], None] | None = None,
) -> Imported:
    """Read every row of `files` into reports; a refused row is kept in `refused` (raised with `strict`)."""
    refused: list[RowError] = []
    reports = list(
        iter_reports(dataset, files, release, registry, refused, strict=strict, on_refused=on_refused, on_row=on_row)
    )
    return Imported(dataset.release(release), reports, refused)


class DatasetSource:
    """A dataset file, or a folder of its files (the partitions of one release), in a project's kg.toml."""

    needs: tuple[str, ...] = ("registry",)

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def discover(self, path: Path) -> list[ChunkInput]:
        """One chunk per file; the release is the folder's name (or the file's, for a single file)."""
        name = self.dataset.name
        if path.is_dir():
            release = slug(path.name)
            files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(self.dataset.suffixes))
            return [ChunkInput(name, f"{name}/{release}/{slug(f.name)}", (f,), f) for f in files]
        return [ChunkInput(name, f"{name}/{slug(path.stem)}", (path,), path)]

    def _import(self, chunk: ChunkInput, needs: Mapping[str, object]) -> tuple[Imported, RegistryTerms]:
        from kg.sources.registry import Provided

        registry = needs["registry"]
        assert isinstance(registry, Provided)
        release = chunk.key.split("/")[1]
        imported = import_files(self.dataset, [chunk.path], release, registry.terms)
        if imported.refused:
            raise RefusedRows(imported.refused, chunk.path)
        return imported, registry.terms

    def read(self, chunk: ChunkInput, needs: Mapping[str, object], base: str) -> ChunkRead:
        imported, terms = self._import(chunk, needs)
        triples: set[Triple] = set()
        map_dataset_reports(imported.release, imported.reports, terms, base, triples)
        # the events it declares: the build refuses two files of a release declaring the same row
        declares = tuple(
            str(iris.mint(base, "event", self.dataset.key, imported.release.release, r.row)) for r in imported.reports
        )
        return ChunkRead(triples, name=chunk.key, declares=declares)

    def origins(self, chunks: Sequence[ChunkInput], needs: Mapping[str, object], base: str) -> dict[URIRef, Origin]:
        origins: dict[URIRef, Origin] = {}
        for chunk in chunks:
            imported, terms = self._import(chunk, needs)
            origins.update(map_dataset_reports(imported.release, imported.reports, terms, base, set()))
        return origins


def datasets() -> dict[str, Dataset]:
    """The datasets `kg import` knows, by the name it and kg.toml use."""
    from kg.sources import acled, gdelt, ucdp

    return {d.name: d for d in (ucdp.DATASET, acled.DATASET, gdelt.DATASET)}


def get_dataset(name: str) -> Dataset:
    """The dataset of that name; raise KGError listing the known ones."""
    known = datasets()
    if name not in known:
        raise KGError(f"unknown dataset {name!r}", hint=f"use one of {', '.join(sorted(known))}")
    return known[name]


@dataclass(frozen=True)
class ImportResult:
    """What `kg import` made: the N-Quads of the release's named graph and the rows it refused."""

    release: Release
    graph: URIRef  # the named graph (the release's IRI)
    nquads: bytes | None  # sorted canonical N-Quads, every triple in `graph` (None: written to `output`)
    reports: int
    triples: int
    refused: tuple[RowError, ...]


def import_dataset(
    name: str,
    files: Sequence[Path],
    release: str,
    registry_file: Path,
    base: str,
    shapes: Path,
    ontology: Sequence[Path],
    *,
    strict: bool = False,
    on_refused: Callable[[RowError], None] | None = None,
    on_row: Callable[[int, int], None] | None = None,
    on_phase: Callable[[str, int], None] | None = None,
    output: SortedRuns | None = None,
    jobs: int | None = None,
) -> ImportResult:
    """Read, map and validate the rows of `files` as one release; the graph of the rows that were not refused.

    The rows are read and checked here, in order; each `PARTITION_ROWS` of them are mapped and
    validated (with the registry's triples, whose places and actors they may name, by the fast
    SHACL engine) apart, in `jobs` worker processes (default: one per core, at most
    `MAX_JOBS`; 1: in this process), each partition's distinct N-Quads one sorted run of lines. A
    violation raises ValidationFailed and nothing is returned. Without `output` the runs are merged
    in memory into `nquads`; with it, each run is written to a run file of `output` (by the worker
    that made it, so that memory holds a few partitions, not the release) and they are merged into
    its target at the end, unless a partition had a violation or a refused row stopped a `strict`
    import. The bytes do not depend on `jobs`. `on_phase(phase, rows so far)` says when reading
    ("read"), waiting for the validation ("validate") and writing ("write") begin (for a progress bar).
    """
    from kg.build import dumps
    from kg.mapping import release_iri
    from kg.sources.registry import SOURCE as REGISTRY
    from kg.sources.registry import Provided

    dataset = get_dataset(name)
    if not iris.is_key(release):
        raise KGError(f"{release!r} is not a release key", hint="use lower-case letters and digits joined by hyphens")
    reg_chunk = ChunkInput("registry", "registry", (registry_file,), registry_file)
    reg = REGISTRY.read(reg_chunk, {}, base)
    provided = reg.provides
    assert isinstance(provided, Provided)
    terms = provided.terms
    info = dataset.release(release)
    graph = release_iri(base, info)
    checker = _Checker(dumps.ntriples_lines(reg.triples), shapes, ontology)
    partitioner = _Partitioner(name, tuple(files), info, terms, base, checker, f" <{graph}> .\n".encode())
    raw = _raw_partitions(dataset, files, on_row)
    refusals = _Refusals(tuple(files), strict, on_refused)
    rows = [0]
    runs = _partition_runs(raw, partitioner, refusals, rows, on_phase, output, jobs or default_jobs())
    violations = [line for run in runs for line in run.violations]
    if violations:
        raise ValidationFailed(
            f"the imported rows do not conform to {shapes}: {len(violations)} violation(s); nothing was written",
            violations,
        )
    if on_phase is not None:
        on_phase("write", rows[0])
    nquads: bytes | None = None
    if output is None:
        nquads, count = _merge([run.run for run in runs if run.run])
    else:
        count = output.merge(distinct_runs=True)  # a partition's run has each line once (`_run`)
    return ImportResult(info, graph, nquads, rows[0], count, tuple(refusals.refused))


#: rows mapped and validated together by `kg import` (about 1.3M triples of UCDP rows)
PARTITION_ROWS = 10_000
#: worker processes `kg import` starts by default, at most (each holds a partition at a time)
MAX_JOBS = 2


def default_jobs() -> int:
    """Worker processes for an import: one per core, at most MAX_JOBS."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


#: a row as read, before it is parsed: (index of its file, line, cells by column)
RawRow = tuple[int, int, Mapping[str, str]]


def _raw_partitions(
    dataset: Dataset, files: Sequence[Path], on_row: Callable[[int, int], None] | None
) -> Iterator[list[RawRow]]:
    """The rows of the files as read, `PARTITION_ROWS` at a time (one empty partition if there is no row)."""
    part: list[RawRow] = []
    some = False
    for index, file in enumerate(files):
        for line, row in dataset.rows(file):
            if on_row is not None:
                on_row(index, line)
            part.append((index, line, row))
            if len(part) == PARTITION_ROWS:
                yield part
                part, some = [], True
    if part or not some:
        yield part


@dataclass(frozen=True)
class _Run:
    """What a partition gives: its sorted, distinct N-Quads (b"" when written to a run file), its
    violations, and what the parent needs to refuse rows as a reading in one process would."""

    run: bytes
    violations: list[str]
    parsed: list[tuple[str, int, int]]  # (row id, file index, line) of every row that parsed, in order
    errors: list[tuple[str, int, int, str]]  # (message, file index, line, column) of rows that did not
    repeated: list[tuple[int, int]]  # (file index, line) of the rows left out as repeating an earlier row's id
    error: tuple[int, str] | None = None  # (errno, strerror) of a run file that could not be written


class _Partitioner:
    """Parses, maps and validates one partition of a release's rows (in this process or a worker's)."""

    def __init__(
        self,
        dataset: str,
        files: tuple[Path, ...],
        info: Release,
        terms: RegistryTerms,
        base: str,
        checker: _Checker,
        in_graph: bytes,
    ) -> None:
        self.dataset, self.files, self.info, self.terms = dataset, files, info, terms
        self.base, self.checker, self.in_graph = base, checker, in_graph
        self.mapper = RowMapper(info, terms, base, read=checker.read)

    def run(self, raw: Sequence[RawRow], file: str | None, leave_out: frozenset[tuple[int, int]] | None) -> _Run:
        """The partition's run and violations; with `file`, the run is written there and not returned.

        A row whose id an earlier row of the partition has is left out, or, with `leave_out`, the
        rows at those places (the parent's verdict, when an earlier partition had the id). A
        partition is mapped and validated apart (with every shared resource it names), so that the
        validator's memory stays that of one partition.
        """
        dataset, files, release = get_dataset(self.dataset), self.files, self.info.release
        reports: list[RowReport] = []
        parsed: list[tuple[str, int, int]] = []
        errors: list[tuple[str, int, int, str]] = []
        repeated: list[tuple[int, int]] = []
        ids: set[str] = set()
        for index, line, row in raw:
            try:
                report = parse_row(dataset, row, line, files[index], release, self.terms)
            except RowError as exc:
                errors.append((exc.message, index, line, exc.column))
                continue
            parsed.append((report.row, index, line))
            if leave_out is None:
                if report.row in ids:
                    repeated.append((index, line))
                    continue
                ids.add(report.row)
            elif (index, line) in leave_out:
                continue
            reports.append(report)
        chunks, violations = self._run(reports)
        in_graph = self.in_graph
        if file is None:
            return _Run(b"".join(in_graph.join(c) + in_graph for c in chunks), violations, parsed, errors, repeated)
        try:
            with open(file, "wb") as f:
                for c in chunks:
                    f.write(in_graph.join(c) + in_graph)
        except OSError as exc:
            return _Run(b"", violations, parsed, errors, repeated, (exc.errno or 0, exc.strerror or str(exc)))
        return _Run(b"", violations, parsed, errors, repeated)

    def _run(self, part: Sequence[RowReport]) -> tuple[list[list[bytes]], list[str]]:
        """The partition's distinct triples, sorted, as N-Triples lines without their ` .` and line feed (in
        chunks of `_CHUNK_LINES`), and its violations."""
        mapper = self.mapper
        mapper.forget_shared()
        lines = mapper.release_lines()
        # the lines of predicates the shapes do not read (a fifth of a GDELT row's: its counts, codes and row
        # line) are kept apart from what the engine parses and indexes (one partition's engine CPU 1.3 -> 1.1 s)
        apart: list[str] = []
        for report in part:
            lines.extend(mapper.lines(report, apart))
        read = _sorted_distinct(lines)
        del lines
        read_chunks = _chunked(read)
        if apart:
            read += _sorted_distinct(apart)
            del apart
            read.sort()  # two sorted runs: merged
            chunks = _chunked(_distinct(read))
        else:
            chunks = read_chunks
        del read
        violations = self.checker.violations(read_chunks, chunks, self.info, part, self.terms, self.base)
        return chunks, violations


def _sorted_distinct(lines: list[str]) -> list[bytes]:
    """The lines encoded without their ` .`, sorted, each once."""
    # each line encoded apart (a partition's lines joined into one string would be as wide as its
    # widest character) without the " ." that ends every line: sorted, they are in the order of the
    # whole lines and of the N-Quads made from them, since where one is the start of another, what
    # follows in the longer is a language tag, a datatype or more of a label, all after a space
    encoded = [line[:-2].encode() for line in lines]
    encoded.sort()  # in the order they were made, which has long sorted stretches (a set's order has none)
    return _distinct(encoded)


def _distinct(ordered: list[bytes]) -> list[bytes]:
    """Sorted lines, each once."""
    # equal lines are adjacent: a line is kept where it differs from the one before it (compared in C: a
    # loop over pairs in Python took 0.3-0.4 s of 1.3M lines, this 0.12 s)
    return list(itertools.compress(ordered, map(operator.ne, ordered, itertools.chain((None,), ordered))))


def _chunked(lines: list[bytes]) -> list[list[bytes]]:
    """The lines in lists of `_CHUNK_LINES`."""
    return [lines[i : i + _CHUNK_LINES] for i in range(0, len(lines), _CHUNK_LINES)]


#: lines of a partition joined at a time
_CHUNK_LINES = 8192


class _Refusals:
    """The rows refused so far, in the order of the files' rows, and the ids of the rows kept."""

    def __init__(self, files: tuple[Path, ...], strict: bool, on_refused: Callable[[RowError], None] | None) -> None:
        self.files, self.strict, self.on_refused = files, strict, on_refused
        self.refused: list[RowError] = []
        self.seen: dict[str, tuple[int, int]] = {}

    def settle(self, run: _Run) -> tuple[int, frozenset[tuple[int, int]] | None]:
        """Refuse a partition's bad rows (raise the first with `strict`); return the rows it keeps and, if
        it left out other rows than those repeating an id, the rows it must leave out (it is run again)."""
        files = self.files
        found = [(i, n, RowError(m, file=files[i], line=n, column=c)) for m, i, n, c in run.errors]
        repeated: list[tuple[int, int]] = []
        for row, index, line in run.parsed:
            other = self.seen.get(row)
            if other is None:
                self.seen[row] = (index, line)
                continue
            repeated.append((index, line))
            found.append((index, line, repeated_id(row, (files[other[0]], other[1]), files[index], line)))
        found.sort(key=lambda f: (f[0], f[1]))
        for _, _, error in found:
            if self.strict:
                raise error
            self.refused.append(error)
            if self.on_refused is not None:
                self.on_refused(error)
        kept = len(run.parsed) - len(repeated)
        return kept, None if repeated == run.repeated else frozenset(repeated)


#: the partitioner of a worker process (set by `_start_worker`)
_WORKER: list[_Partitioner] = []


def _start_worker(partitioner: _Partitioner) -> None:
    # a partition makes millions of objects and hardly a cycle: collecting every 700 new ones cost 5 % of a
    # worker's CPU (one partition of UCDP rows 6.5 s to 6.2 s, of GDELT rows 3.0 s to 2.9 s; the same peak RSS)
    gc.set_threshold(50_000, 20, 100)
    _WORKER[:] = [partitioner]


def _run_partition(raw: Sequence[RawRow], file: str | None, leave_out: frozenset[tuple[int, int]] | None) -> _Run:
    return _WORKER[0].run(raw, file, leave_out)


def _partition_runs(
    raw: Iterator[list[RawRow]],
    partitioner: _Partitioner,
    refusals: _Refusals,
    rows: list[int],
    on_phase: Callable[[str, int], None] | None,
    output: SortedRuns | None,
    jobs: int,
) -> list[_Run]:
    """Every partition's run (empty when written to a file of `output`) and violations, in the order of
    the partitions, its bad rows refused in that order. `rows[0]` counts the rows kept."""
    out: list[_Run] = []

    def settled(part: list[RawRow], file: str | None, run: _Run, again: Callable[..., _Run]) -> None:
        kept, leave_out = refusals.settle(run)
        if leave_out is not None:  # rarely: a row repeats the id of a row in an earlier partition
            run = again(part, file, leave_out)
        if run.error is not None and output is not None:
            with output.reported():
                raise OSError(*run.error)
        rows[0] += kept
        out.append(run)

    def file() -> str | None:
        return None if output is None else output.new_file()

    first = next(raw)
    if len(first) < PARTITION_ROWS or jobs <= 1:  # one partition, or one process: no worker
        part: list[RawRow] | None = first
        while part is not None:
            name = file()
            settled(part, name, partitioner.run(part, name, None), partitioner.run)
            if on_phase is not None:
                on_phase("read", rows[0])
            part = next(raw, None)
        return out
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def wait() -> None:
        part, name, result = waiting.popleft()
        if on_phase is not None and not result.done():
            on_phase("validate", rows[0])

        def again(part: list[RawRow], name: str | None, leave_out: frozenset[tuple[int, int]]) -> _Run:
            return pool.submit(_run_partition, part, name, leave_out).result()

        settled(part, name, result.result(), again)

    waiting: collections.deque[tuple[list[RawRow], str | None, Future[_Run]]] = collections.deque()
    # spawned, not forked as the build's mapping workers are: shacl-rust's threads do not survive a fork,
    # and a worker forked from a process that has validated before waits for them forever. concurrent.futures,
    # not multiprocessing.Pool: a worker that dies (the out-of-memory killer, or at its start) breaks the pool
    # with an error, where Pool waits for the dead worker's answer, or starts a new worker, forever
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(partitioner,)) as pool:
            for part in itertools.chain([first], raw):
                while len(waiting) >= 2 * jobs:  # one partition waits for each worker besides the one it maps
                    wait()
                name = file()
                waiting.append((part, name, pool.submit(_run_partition, part, name, None)))
                if on_phase is not None:
                    on_phase("read", rows[0])
            while waiting:
                wait()
    except BrokenProcessPool:
        raise WorkerDied(
            f"a worker process ended without its answer after {rows[0]:,} rows",
            hint=f"it was probably killed for want of memory (each of the {jobs} holds a partition of "
            f"{PARTITION_ROWS:,} rows); run again with --jobs 1",
        ) from None
    return out


def _merge(runs: list[bytes]) -> tuple[bytes, int]:
    """The sorted, distinct lines of sorted runs of lines (each line ending in a newline), and their count.

    A line is in several runs only if several partitions name the resource it describes (an
    actor, a country): equal lines meet in the merge and are kept once.
    """
    if not runs:
        return b"", 0
    if len(runs) == 1:
        return runs[0], runs[0].count(b"\n")
    out = io.BytesIO()
    count, last = 0, b""
    for line in heapq.merge(*(io.BytesIO(run) for run in runs)):
        if line != last:
            out.write(line)
            count, last = count + 1, line
    runs.clear()
    return out.getvalue(), count


class _Checker:
    """The shapes, ontology and registry prepared once, to validate partitions of a release's lines."""

    def __init__(self, registry: Sequence[bytes], shapes: Path, ontology: Sequence[Path]) -> None:
        from kg.store import read_rdf
        from kg.validation_fast import prepare_shapes, read_predicates

        self.args = (registry, shapes, ontology)
        self.ontology_nt = read_rdf(ontology).serialize(format="nt", encoding="utf-8")
        self.registry_nt = b"".join(line + b"\n" for line in registry)
        shapes_graph = read_rdf([shapes])
        self.shapes = prepare_shapes(shapes_graph)
        self.read = read_predicates(shapes_graph)  # the predicates the shapes read (None: any)

    def __reduce__(self) -> tuple[type[_Checker], tuple[Sequence[bytes], Path, Sequence[Path]]]:
        # made again in a worker that does not fork (the prepared shapes hold rdflib graphs)
        return (_Checker, self.args)

    def violations(
        self,
        read: Sequence[list[bytes]],
        chunks: Sequence[list[bytes]],
        release: Release,
        reports: Sequence[RowReport],
        terms: RegistryTerms,
        base: str,
    ) -> list[str]:
        """The readable lines of the violations whose focus is one of the partition's resources (subjects
        of its lines `chunks`: N-Triples without their ` .`); the engine is given those of `read`, the
        lines of every predicate the shapes read (`self.read`)."""
        from rdflib import Graph

        from kg.validation_fast import run_fast, to_report

        # joined in chunks: one allocation of a partition's size costs more than the copy
        parts = [b" .\n".join(c) + b" .\n" for c in read if c]
        results = run_fast([*parts, self.registry_nt, self.ontology_nt], self.shapes)
        del parts
        if not results:
            return []
        nt = [b" .\n".join(c) + b" .\n" for c in chunks if c]
        mine = {line[1 : line.index(b">")].decode() for part in nt for line in part.split(b"\n") if line}
        results = [r for r in results if r.focus in mine]
        if not results:
            return []
        origins: dict[str, Origin] = {}
        mapper = RowMapper(release, terms, base, origins)
        for report in reports:
            mapper.lines(report)
        named = {URIRef(k): v for k, v in origins.items()}
        return to_report(results, Graph().parse(data=b"".join(nt), format="nt"), named).lines()
