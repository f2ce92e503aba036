"""Speed of `kg extract`: start-up (one `kg extract` process, first draft included) and drafts per second
after start-up on N worker processes.

Each draft is what the command does for one article: the rules (`extract`), the check the draft must
pass (`check_draft`, as `kg validate` loads it) and the YAML. The texts are the curated articles'
(data/articles/*/article.*.txt), drafted in turn.

    .venv/bin/python benchmarks/extract_bench.py [--workers 2] [--drafts 400] [--startup-runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
REGISTRY = ROOT / "data" / "registry.yaml"


def _worker(args: tuple[int, int]) -> tuple[int, float]:
    """Warm up (matchers of both languages), then draft `drafts` articles; return (drafts, seconds)."""
    worker, drafts = args
    from kg.annotation import load_article, load_registry
    from kg.extract.draft import check_draft, draft_yaml
    from kg.extract.engine import DraftOptions, extract

    registry = load_registry(REGISTRY)
    jobs = []
    for file in sorted(ARTICLES.glob("*/annotation.yaml")):
        gold = load_article(file, registry)
        meta = gold.annotation.document
        opts = DraftOptions(
            meta.language, dt.date.fromisoformat(meta.published), meta.id, meta.text, meta.publisher, meta.title
        )
        jobs.append((file, gold.text, opts))
    for file, text, opts in jobs:  # start-up: build both languages' matchers
        check_draft(extract(text, registry.registry, opts), file.parent / "draft.yaml", registry)
    start = time.perf_counter()
    for n in range(drafts):
        file, text, opts = jobs[(n + worker) % len(jobs)]
        ann = extract(text, registry.registry, opts)
        check_draft(ann, file.parent / "draft.yaml", registry)
        draft_yaml(ann)
    return drafts, time.perf_counter() - start


def startup(runs: int) -> list[tuple[float, float]]:
    """Wall and CPU time of `kg extract SEED -o FILE` in a fresh process (imports, matcher, one draft, write).

    The process is single-threaded, so its CPU time is what its wall time is on an idle core.
    """
    seed = ARTICLES / "csto-kazakhstan-2022-01-10" / "article.id.txt"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "kg", "extract", str(seed), "-o", str(Path(tmp) / "draft.yaml")], check=True
            )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            times.append((wall, cpu))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drafts", type=int, default=400, help="drafts per worker after start-up")
    parser.add_argument("--startup-runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    times = startup(args.startup_runs)
    walls, cpus = [w for w, _ in times], [c for _, c in times]
    print(
        f"start-up (kg extract, one article, fresh process): median wall {statistics.median(walls):.2f} s, "
        f"median CPU {statistics.median(cpus):.2f} s (runs: {', '.join(f'{w:.2f}/{c:.2f}' for w, c in times)})"
    )
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(_worker, [(w, args.drafts) for w in range(args.workers)])
    rate = sum(n / s for n, s in results)
    per = ", ".join(f"{n / s:.1f}" for n, s in results)
    print(f"throughput after start-up: {rate:.1f} articles/s on {args.workers} worker(s) (each: {per})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
