"""Latency of interactive kg commands, as whole processes, beside the bare interpreter and `import rdflib`.

    .venv/bin/python benchmarks/latency.py [--repeat 5] [--before DIR] [--json benchmarks/results/latency.json]

Each row is the median (and minimum) wall time of `--repeat` runs of one command started as a new
process, output to /dev/null, and its median CPU time (user + system: on a machine shared with other
jobs it grows much less with the load than the wall time); the runs go round-robin (every command once,
then again), so that a change of the machine's load during the run hits every row alike. The seed is built once into a
temporary dist/ first (not timed), and one untimed round runs first. Python writes and reuses its
bytecode caches (`PYTHONDONTWRITEBYTECODE` is dropped for the commands), as on a user's machine: with
it set, every run compiles kg's own modules anew (~0.1 s a command).

`--before DIR` also runs every kg command on the source tree in DIR (e.g. `git archive COMMIT | tar -x -C
DIR`), with `PYTHONPATH=DIR/src` and DIR as the working folder, in the same rounds: a before/after
table from one run (wall and CPU time of both). The bounds are issue 20's: `--help` of every command
0.3 s; `query --list`, one stored query and `validate` of one annotation 0.5 s. Prints a markdown table
for benchmarks/NOTES.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = ROOT / "data" / "articles" / "csto-kazakhstan-2022-01-10" / "annotation.yaml"
HELP_BOUND = 0.3
COMMON_BOUND = 0.5


def _commands() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from kg.cli import COMMANDS

    return list(COMMANDS)


def rows(dist: Path) -> list[tuple[str, list[str], float | None]]:
    """(label, argv, bound in seconds or None for a reference row)."""
    py, kg = str(BIN / "python"), str(BIN / "kg")
    out: list[tuple[str, list[str], float | None]] = [
        ("python -c pass", [py, "-c", "pass"], None),
        ("python -c 'import rdflib'", [py, "-c", "import rdflib"], None),
        ("kg --help", [kg, "--help"], HELP_BOUND),
    ]
    out += [(f"kg {c} --help", [kg, c, "--help"], HELP_BOUND) for c in _commands()]
    query = [kg, "query", "actor-events", "-p", "actor=kgperson:vladimir-putin", "--dist", str(dist)]
    seed = str(SEED.relative_to(ROOT))
    out += [
        ("kg query --list", [kg, "query", "--list"], COMMON_BOUND),
        ("kg query actor-events -p actor=… (table)", query, COMMON_BOUND),
        ("kg query actor-events -p actor=… --format csv", [*query, "--format", "csv"], COMMON_BOUND),
        ("kg query actor-events -p actor=… --format json", [*query, "--format", "json"], COMMON_BOUND),
        ("kg query actor-events -p actor=… --format xml", [*query, "--format", "xml"], COMMON_BOUND),
        ("kg query actor-events -p actor=… --format tsv", [*query, "--format", "tsv"], COMMON_BOUND),
        ("kg validate ONE-ANNOTATION (default engine)", [kg, "validate", seed], COMMON_BOUND),
        (
            "kg validate --shacl-engine pyshacl ONE-ANNOTATION",
            [kg, "validate", "--shacl-engine", "pyshacl", seed],
            COMMON_BOUND,
        ),
        (
            "kg validate --shacl-engine fast ONE-ANNOTATION",
            [kg, "validate", "--shacl-engine", "fast", seed],
            COMMON_BOUND,
        ),
    ]
    return out


def _env(src: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def time_process(argv: list[str], cwd: Path = ROOT, src: Path | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of `argv` as a new process (kg from `src` when
    given, run in `cwd`). On a shared machine the CPU time varies much less with the load than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=_env(src), check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return took, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def table(results: list[dict[str, object]], rdflib_median: float) -> str:
    before = any(r.get("before") for r in results)
    lines = [
        "| command | "
        + ("before s | before CPU s | " if before else "")
        + "median s | min s | CPU s | bound s | within | × `import rdflib` |",
        "|---|" + ("---|---|" if before else "") + "---|---|---|---|---|---|",
    ]
    for r in results:
        median, bound = float(r["median"]), r["bound"]  # type: ignore[arg-type]
        within = "—" if bound is None else ("yes" if median <= float(bound) else "**no**")  # type: ignore[arg-type]
        was, was_cpu = r.get("before"), r.get("before_cpu")
        was_cell = (
            (f"{float(was):.2f} | {float(was_cpu):.2f} | " if was is not None else "— | — | ") if before else ""  # type: ignore[arg-type]
        )
        lines.append(
            f"| `{r['label']}` | {was_cell}{median:.2f} | {float(r['min']):.2f} | {float(r['cpu']):.2f} | "  # type: ignore[arg-type]
            f"{'—' if bound is None else f'{bound:.1f}'} | {within} | {median / rdflib_median:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5, help="runs of each command (default 5; the median is reported)")
    p.add_argument("--before", type=Path, help="also run the kg commands on the kg source tree in this folder")
    p.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    args = p.parse_args()
    before: Path | None = args.before.resolve() if args.before else None
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        subprocess.run([str(BIN / "kg"), "build", "--dist", str(dist)], check=True, capture_output=True, cwd=ROOT)
        table_rows = rows(dist)
        # (row, src, cwd): every row on this tree; the kg rows on the older tree too; validated before they count
        runs = [(i, None, ROOT) for i in range(len(table_rows))]
        if before is not None:
            runs += [(i, before / "src", before) for i, (_, argv, _) in enumerate(table_rows) if argv[0].endswith("kg")]
        for i, src, cwd in runs:  # the untimed round: bytecode caches written, the validation cache filled
            time_process(table_rows[i][1], cwd, src)
        load_before = os.getloadavg()
        times: dict[tuple[int, bool], list[float]] = {(i, src is not None): [] for i, src, _ in runs}
        cpu: dict[tuple[int, bool], list[float]] = {(i, src is not None): [] for i, src, _ in runs}
        for round_ in range(args.repeat):  # round-robin: a change of the machine's load hits every row alike
            for i, src, cwd in runs:
                wall, used = time_process(table_rows[i][1], cwd, src)
                times[(i, src is not None)].append(wall)
                cpu[(i, src is not None)].append(used)
            print(f"round {round_ + 1} of {args.repeat} done", file=sys.stderr, flush=True)
        load_after = os.getloadavg()
    results: list[dict[str, object]] = []
    for i, (label, _, bound) in enumerate(table_rows):
        t = times[(i, False)]
        old = times.get((i, True))
        results.append(
            {
                "label": label,
                "median": statistics.median(t),
                "min": min(t),
                "cpu": statistics.median(cpu[(i, False)]),
                "bound": bound,
                "runs": t,
                "before": statistics.median(old) if old else None,
                "before_cpu": statistics.median(cpu[(i, True)]) if old else None,
                "before_runs": old,
            }
        )
    rdflib_median = float(results[1]["median"])  # type: ignore[arg-type]
    text = table(results, rdflib_median)
    print(text, end="")
    print(
        f"\n{args.repeat} runs each; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"({os.cpu_count()} cores); Python {platform.python_version()}."
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "repeat": args.repeat,
                    "load": [load_before, load_after],
                    "cores": os.cpu_count(),
                    "before": str(before) if before else None,
                    "rows": results,
                },
                indent=1,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
