"""What the dataset sources (UCDP GED, ACLED, GDELT) share: reading rows, refusing bad ones, the Source.

A dataset module gives a `Dataset`: its name, its release's terms, how to read a file into rows
(with the line each row starts on) and how to turn one row into a `RowReport`, raising `RowError`
for the column that is wrong. `import_files` reads every row, keeps the good ones and collects one
`RowError` per refused row; `DatasetSource` is the Source a project's kg.toml names (`type =
"ucdp"`): one chunk per file, so that a changed file (a partition of a release) is mapped again and
the others come from the build cache.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from rdflib import URIRef

from kg import iris
from kg.errors import KGError
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


def slug(text: str) -> str:
    """A kg key from a name: ASCII letters and digits, lower case, joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
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
    for iri, kind in registry.place_types.items():
        names = registry.names.get(iri)
        if kind == type_ and names is not None and names.en == label:
            return iri
    return None


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
                if "" in row:
                    raise RowError(row[""], file=file, line=line, column="(row)")
                report = dataset.parse(row, line, file, release, registry)
                if report.row in seen:
                    other = seen[report.row]
                    raise RowError(
                        f"row id {report.row} is used twice (first at {other[0]}:{other[1]})",
                        file=file,
                        line=line,
                        column="id",
                    )
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
    nquads: bytes | None  # sorted canonical N-Quads, every triple in `graph` (None: given to `write_runs`)
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
    write_runs: Callable[[Iterable[bytes]], int] | None = None,
) -> ImportResult:
    """Read, map and validate the rows of `files` as one release; the graph of the rows that were not refused.

    The rows' triples are validated with the registry's (whose places and actors they may name) by
    the fast SHACL engine, `PARTITION_ROWS` rows at a time; a violation raises ValidationFailed and
    nothing is returned. Each partition's distinct N-Quads are one sorted run of lines: without
    `write_runs` the runs are merged in memory into `nquads`; with it, they are given to it one at a
    time as they are validated (`kg.atomic.write_sorted_runs`, which spills them to files and merges
    them into the output, so that memory holds a partition, not the release), and it returns the
    number of lines; a violation or a refused row with `strict` is then raised from the iterator it
    reads, after the last run. `on_phase(phase, rows so far)` says when reading ("read"), validating
    ("validate") and writing ("write") begin (for a progress bar).
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
    checker = _Checker(dumps.ntriples_lines(reg.triples), shapes, ontology)
    refused: list[RowError] = []
    reports = iter_reports(dataset, files, release, terms, refused, strict=strict, on_refused=on_refused, on_row=on_row)
    info = dataset.release(release)
    graph = release_iri(base, info)
    rows = [0]
    in_graph = f" <{graph}> .\n".encode()
    runs = _partition_runs(reports, (info, terms, base), checker, in_graph, rows, on_phase, shapes)
    if write_runs is None:
        nquads: bytes | None
        nquads, count = _merge(list(runs))
    else:
        nquads, count = None, write_runs(runs)
    return ImportResult(info, graph, nquads, rows[0], count, tuple(refused))


def _partition_runs(
    reports: Iterator[RowReport],
    mapping: tuple[Release, RegistryTerms, str],
    checker: _Checker,
    in_graph: bytes,
    rows: list[int],
    on_phase: Callable[[str, int], None] | None,
    shapes: Path,
) -> Iterator[bytes]:
    """Each partition's distinct N-Quads, sorted and joined (no object per line); ValidationFailed after
    the last one if any partition has a violation. `rows[0]` counts the rows mapped."""
    from kg.errors import ValidationFailed

    violations: list[str] = []
    info, terms, base = mapping
    mapper = RowMapper(info, terms, base)
    # a partition is mapped and validated apart (with every shared resource it names), so that the
    # validator's memory stays that of one partition; it is validated in a thread (the engine runs
    # outside the GIL) while the next one is read and mapped, one partition at most waiting
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking: Future[list[str]] | None = None
        while True:
            part = list(itertools.islice(reports, PARTITION_ROWS))
            if not part and rows[0]:
                break  # the rows filled the partitions before
            rows[0] += len(part)
            mapper.forget_shared()
            lines = mapper.release_lines()
            for report in part:
                lines.extend(mapper.lines(report))
            if checking is not None:
                if on_phase is not None and not checking.done():
                    on_phase("validate", rows[0])
                violations.extend(checking.result())
            nt = ("\n".join(lines) + "\n").encode()  # every line ends in " ." and holds no line feed
            del lines
            checking = pool.submit(checker.violations, nt, info, part, terms, base)
            # as N-Quads: " .\n" ends each line and is nowhere else (N-Triples escapes line feeds)
            quads = set(nt.replace(b" .\n", in_graph).split(b"\n"))
            del nt
            quads.discard(b"")
            # sorted without their line feeds: the same order, since no line is the start of another
            run = b"\n".join(sorted(quads)) + b"\n" if quads else b""
            del quads
            yield run
            del run
            if len(part) < PARTITION_ROWS:
                break
            if on_phase is not None:
                on_phase("read", rows[0])
        assert checking is not None  # the loop submits at least one partition
        if on_phase is not None and not checking.done():
            on_phase("validate", rows[0])
        violations.extend(checking.result())
    if violations:
        raise ValidationFailed(
            f"the imported rows do not conform to {shapes}: {len(violations)} violation(s); nothing was written",
            violations,
        )
    if on_phase is not None:
        on_phase("write", rows[0])


def _merge(runs: list[bytes]) -> tuple[bytes, int]:
    """The sorted, distinct lines of sorted runs of lines (each line ending in a newline), and their count.

    A line is in several runs only if several partitions name the resource it describes (an
    actor, a country): equal lines meet in the merge and are kept once.
    """
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


#: rows mapped and validated together by `kg import` (about 1.3M triples of UCDP rows)
PARTITION_ROWS = 10_000


class _Checker:
    """The shapes, ontology and registry prepared once, to validate partitions of a release's lines."""

    def __init__(self, registry: Sequence[bytes], shapes: Path, ontology: Sequence[Path]) -> None:
        from kg.store import read_rdf
        from kg.validation_fast import prepare_shapes

        self.ontology_nt = read_rdf(ontology).serialize(format="nt", encoding="utf-8")
        self.registry_nt = b"".join(line + b"\n" for line in registry)
        self.shapes = prepare_shapes(read_rdf([shapes]))

    def violations(
        self, nt: bytes, release: Release, reports: Sequence[RowReport], terms: RegistryTerms, base: str
    ) -> list[str]:
        """The readable lines of the violations whose focus is one of the partition's resources (subjects
        of its N-Triples `nt`)."""
        from rdflib import Graph

        from kg.validation_fast import run_fast, to_report

        results = run_fast([nt, self.registry_nt, self.ontology_nt], self.shapes)
        if not results:
            return []
        mine = {line[1 : line.index(b">")].decode() for line in nt.split(b"\n") if line}
        results = [r for r in results if r.focus in mine]
        if not results:
            return []
        origins: dict[str, Origin] = {}
        mapper = RowMapper(release, terms, base, origins)
        for report in reports:
            mapper.lines(report)
        named = {URIRef(k): v for k, v in origins.items()}
        return to_report(results, Graph().parse(data=nt, format="nt"), named).lines()
