"""Mutation fuzzer over kg's annotation and registry input: no exit 70, no hang, no changed dist/.

Each mutant is a copy of a small corpus (`tests/cases/mapping/two-sources`: two articles reporting one
registry event) with one seeded mutation in one of its YAML files: a line deleted, duplicated,
swapped with the next or re-indented; a value replaced by an awkward one (booleans, negative or huge
numbers, null, lists, mappings, aliases, tags, impossible dates, control characters); a key
misspelt; the file cut short; garbage inserted. `kg build` then runs on it into a dist/ that holds
the corpus's previous build. A mutant passes when the exit code is 0, 1 or 2, stderr carries no
traceback, a failed build leaves every file of dist/ (outside its cache) byte-identical, and the
build ends within the time limit.

    python benchmarks/fuzz_input.py [--mutants 300] [--seed 1] [--timeout 60] [--in-process]

Each mutant runs as its own `kg` process unless --in-process (faster; the time limit is then a
SIGALRM). tests/test_fuzz_input.py runs a small fixed sample in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "cases" / "mapping" / "two-sources"
OK_EXITS = (0, 1, 2)

#: values a careless or hostile curator might write where a scalar belongs
AWKWARD = (
    "true",
    "no",
    "-5",
    "99999999999999999999999",
    "1e400",
    "nan",
    ".inf",
    "0x1F",
    "1.5",
    "null",
    "~",
    "''",
    "[]",
    "{}",
    "[a, [b, [c]]]",
    "{a: {b: c}}",
    "&anchor value",
    "*nowhere",
    "!!python/object/apply:os.system ['echo mutant']",
    "!!binary aGVsbG8=",
    "2023-02-30",
    "2023-13-01",
    "'\u202e\u0000'",
    '"\\u0000\\uD800"',
    "|\n  block",
    "x" * 5000,
)
GARBAGE = ("{", "[", "]", ":", "- ", "&a ", "*a", "\t", "\x00", "\ufeff", "---\n", "%YAML 1.1\n", "? ", "\\", '"')
KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_]+)(:)(.*)$")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "".join(lines)


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines) - 1)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return "".join(lines)


def reindent_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    lines[i] = lines[i][2:] if lines[i].startswith("  ") and rng.random() < 0.5 else "  " + lines[i]
    return "".join(lines)


def _key_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if KEY_LINE.match(line)]


def replace_value(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.choice(_key_lines(lines))
    m = KEY_LINE.match(lines[i])
    assert m is not None
    lines[i] = f"{m.group(1)}{m.group(2)}: {rng.choice(AWKWARD)}\n"
    return "".join(lines)


def misspell_key(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    i = rng.choice(_key_lines(lines))
    m = KEY_LINE.match(lines[i])
    assert m is not None
    key = m.group(2)
    j = rng.randrange(len(key))
    typo = key[:j] + key[j + 1 :] if len(key) > 1 else key + "x"
    lines[i] = f"{m.group(1)}{typo}:{m.group(4)}\n"
    return "".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randrange(len(text))]


def insert_garbage(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + rng.choice(GARBAGE) + text[i:]


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "delete-line": delete_line,
    "duplicate-line": duplicate_line,
    "swap-lines": swap_lines,
    "reindent-line": reindent_line,
    "replace-value": replace_value,
    "misspell-key": misspell_key,
    "truncate": truncate,
    "insert-garbage": insert_garbage,
}


@dataclass(frozen=True)
class Mutant:
    """One mutation of one input file of the corpus."""

    number: int
    file: str  # relative to the corpus
    mutation: str
    seed: int


@dataclass(frozen=True)
class Outcome:
    """What `kg build` did with a mutant, and whether that is allowed."""

    mutant: Mutant
    exit_code: int | None  # None: it did not finish in time
    seconds: float
    traceback: bool
    dist_changed: bool
    last_line: str

    @property
    def ok(self) -> bool:
        """Exit 0/1/2, no traceback, dist/ untouched unless the build succeeded, finished in time."""
        if self.exit_code not in OK_EXITS or self.traceback:
            return False
        return self.exit_code == 0 or not self.dist_changed


def input_files(corpus: Path = CORPUS) -> list[str]:
    """The YAML inputs a mutant may change, relative to the corpus folder."""
    return sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.yaml"))


def mutants(count: int, seed: int, corpus: Path = CORPUS) -> Iterator[Mutant]:
    """`count` mutants, the same for the same seed."""
    rng = random.Random(seed)
    files, names = input_files(corpus), sorted(MUTATIONS)
    for n in range(count):
        yield Mutant(n, rng.choice(files), rng.choice(names), rng.randrange(2**32))


def apply(mutant: Mutant, folder: Path) -> None:
    """Write the mutant's change into a copy of the corpus in `folder`."""
    path = folder / mutant.file
    text = path.read_text(encoding="utf-8")
    path.write_text(MUTATIONS[mutant.mutation](text, random.Random(mutant.seed)), encoding="utf-8")


def _snapshot(dist: Path) -> dict[str, str]:
    return {
        str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.rglob("*"))
        if p.is_file() and ".kg-cache" not in p.relative_to(dist).parts
    }


def _build_args(folder: Path, dist: Path) -> list[str]:
    return [
        "build",
        "--articles",
        str(folder / "articles"),
        "--registry",
        str(folder / "registry.yaml"),
        "--dist",
        str(dist),
    ]


class _Timeout(Exception):
    pass


def _run_in_process(args: list[str], timeout: float) -> tuple[int | None, str]:
    from kg.cli import main

    def alarm(signum: int, frame: object) -> None:
        raise _Timeout

    err = io.StringIO()
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code: int | None = main(args)
    except _Timeout:
        code = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return code, err.getvalue()


def _run_process(args: list[str], timeout: float) -> tuple[int | None, str]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stderr


def run_mutant(mutant: Mutant, work: Path, previous: Path, timeout: float, in_process: bool) -> Outcome:
    """Build one mutant into a copy of `previous` (a dist/ of the unmutated corpus)."""
    folder, dist = work / f"m{mutant.number}", work / f"m{mutant.number}-dist"
    shutil.copytree(CORPUS, folder)
    shutil.copytree(previous, dist, symlinks=True)  # dist/kg.ttl … are links into dist/.kg-builds/
    apply(mutant, folder)
    before = _snapshot(dist)
    start = time.perf_counter()
    code, err = (_run_in_process if in_process else _run_process)(_build_args(folder, dist), timeout)
    seconds = time.perf_counter() - start
    lines = [line for line in err.splitlines() if line.strip()]
    outcome = Outcome(
        mutant,
        code,
        round(seconds, 2),
        "Traceback (most recent call last)" in err,
        _snapshot(dist) != before,
        lines[-1][:300] if lines else "",
    )
    shutil.rmtree(folder)
    shutil.rmtree(dist)
    return outcome


def previous_build(work: Path) -> Path:
    """A dist/ built from the unmutated corpus: what every mutant's build must leave alone if it fails."""
    dist = work / "previous-dist"
    code, err = _run_in_process(_build_args(CORPUS, dist), 300)
    if code != 0:
        raise SystemExit(f"the unmutated corpus does not build (exit {code}): {err}")
    return dist


def fuzz(count: int, seed: int, timeout: float, in_process: bool) -> list[Outcome]:
    """Run `count` mutants; return every outcome."""
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as tmp:
        work = Path(tmp)
        previous = previous_build(work)
        return [run_mutant(m, work, previous, timeout, in_process) for m in mutants(count, seed)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a mutant's build may take")
    parser.add_argument("--in-process", action="store_true", help="run kg in this process (faster)")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    args = parser.parse_args()
    start = time.perf_counter()
    outcomes = fuzz(args.mutants, args.seed, args.timeout, args.in_process)
    bad = [o for o in outcomes if not o.ok]
    exits: dict[str, int] = {}
    for o in outcomes:
        exits[str(o.exit_code)] = exits.get(str(o.exit_code), 0) + 1
    slowest = max(o.seconds for o in outcomes)
    print(
        f"{len(outcomes)} mutants (seed {args.seed}) in {time.perf_counter() - start:.0f} s: exit codes {exits}; "
        f"slowest {slowest:.1f} s; {len(bad)} not ok"
    )
    for o in bad:
        print(f"NOT OK {o}")
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1) + "\n", encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
