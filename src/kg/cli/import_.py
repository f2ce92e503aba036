"""`kg import`: rows of an event dataset (UCDP GED …) → one named graph of reports, as N-Quads."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kg.atomic import SortedRuns
from kg.cli.options import jobs_count, settings_from
from kg.config import Settings

if TYPE_CHECKING:
    from kg.sources.dataset import ImportResult, RowError

#: the datasets `kg import` knows (kg.sources.dataset.datasets(), which imports rdflib; a test checks they agree)
DATASETS = ("acled", "gdelt", "ucdp")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="import rows of an event dataset (UCDP GED, ACLED, GDELT) as reports in one named graph per release "
        "(N-Quads)",
        description="Map every row of the files to a report of an event, validate them with the shapes and "
        "write the release's named graph as N-Quads. A refused row is one line on stderr (file:line:column: "
        "what is wrong); the other rows are imported, and the exit code is 1.",
    )
    p.add_argument("dataset", choices=DATASETS, help="the dataset the files are rows of")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files of the dataset (one release)")
    p.add_argument("--release", help="release key, the name of the named graph (default: the first file's name)")
    p.add_argument("--strict", action="store_true", help="stop at the first refused row and write nothing")
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="N-Quads file to write (default: DIST/DATASET-RELEASE.nq)"
    )
    p.add_argument("--base", help="base IRI of the data (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)")
    p.add_argument("--registry", type=Path, help="registry of shared entities (default: data/registry.yaml)")
    p.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    p.add_argument(
        "--jobs",
        type=jobs_count,
        metavar="N",
        help="worker processes mapping and validating partitions of rows (default: one per core, at most 2; "
        "1: none); each holds one partition at a time, so memory grows with N",
    )


#: what the progress line says during a phase of `kg.sources.dataset.import_dataset` ("read": nothing)
PHASES = {"read": "", "validate": " (validating)", "write": " (sorting and writing)"}


class Progress:
    """`N rows, R rows/s, T left` on one line of a terminal, once an import has run a second.

    Off when the stream is not a terminal. The rows are read, mapped and validated a partition at a
    time, so the pace covers all three; the time left comes from the lines read of the files' lines
    (counted first: a pass over the bytes, far quicker than the import). While a partition is
    validated, and while the release is sorted and written, the line says so.
    """

    def __init__(self, stream: TextIO, files: Sequence[Path], clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.on = stream.isatty()
        self.before = [0]  # lines of the files before each file
        for f in files if self.on else ():
            self.before.append(self.before[-1] + _count_lines(f))
        self.start = self.last = clock()
        self.rows = 0
        self.done = 0  # lines read
        self.shown = 0  # length of the line on the terminal (0: none)

    def update(self, index: int, line: int) -> None:
        self.rows += 1
        if not self.on:
            return
        now = self.clock()
        self.done = self.before[index] + line
        if now - self.start < 1.0 or now - self.last < 0.2:
            return
        self.last = now
        self._show(now, "")

    def phase(self, name: str, rows: int) -> None:
        """A phase of the import begins: say so, if the line is shown (validating takes seconds)."""
        if self.on and self.clock() - self.start >= 1.0:
            self._show(self.clock(), PHASES[name])

    def _show(self, now: float, doing: str) -> None:
        total = self.before[-1]
        rate = self.rows / (now - self.start)
        left = (now - self.start) * (total - self.done) / self.done if self.done else 0.0
        text = f"kg import: {self.rows:,} rows, {rate:,.0f} rows/s, {_duration(left)} left{doing} "
        self.stream.write("\r" + text.ljust(self.shown))
        self.stream.flush()
        self.shown = len(text)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.shown = 0


def _count_lines(file: Path) -> int:
    """The file's lines, or 0 if it cannot be read (the import then says why, in one line)."""
    lines = 0
    try:
        with file.open("rb") as f:
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
    except OSError:
        return 0
    return lines


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from kg.sources.dataset import get_dataset, slug

    release = args.release or slug(args.files[0].stem)
    progress = Progress(sys.stderr, args.files)

    def refused(error: RowError) -> None:
        progress.close()
        print(error.render(), file=sys.stderr)

    output = args.output or settings.dist_dir / f"{get_dataset(args.dataset).release(release).dataset}-{release}.nq"

    try:
        with SortedRuns(output, make_folders=args.output is None) as runs:
            result = _import(args, settings, release, refused, progress, runs)
    finally:
        progress.close()
    n = len(result.refused)
    print(
        f"kg import: {result.reports} row(s) imported, {n} refused; {result.triples} triples in <{result.graph}>",
        file=sys.stderr,
    )
    print(output)
    return 1 if n else 0


def _import(
    args: argparse.Namespace,
    settings: Settings,
    release: str,
    refused: Callable[[RowError], None],
    progress: Progress,
    runs: SortedRuns,
) -> ImportResult:
    from kg.sources.dataset import import_dataset

    return import_dataset(
        args.dataset,
        args.files,
        release,
        settings.registry_file,
        settings.base,
        settings.shapes_file,
        settings.ontology_files,
        strict=args.strict,
        on_refused=refused,
        on_row=progress.update,
        on_phase=progress.phase,
        output=runs,
        jobs=args.jobs,
    )
