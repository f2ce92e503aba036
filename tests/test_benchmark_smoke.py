"""Smoke test of `benchmarks/run --tier tiny`: the whole benchmark runs end to end (no timing asserts), every task
of it on the smallest corpus (six articles; the small tier took two and a half minutes of the suite for the same
code paths).

It runs on a copy of benchmarks/ in a temporary folder, so the committed RESULTS.md and
results/*.json are not touched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
def test_small_tier_runs_end_to_end(tmp_path: Path) -> None:
    copy = tmp_path / "benchmarks"
    shutil.copytree(BENCHMARKS, copy, ignore=shutil.ignore_patterns("work"))
    proc = subprocess.run(
        [sys.executable, str(copy / "bench.py"), "--tier", "tiny", "--repeat", "1", "--plain-repeat", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads((copy / "results" / "tiny.json").read_text())
    assert results["tier"] == "tiny" and results["values"], "the tiny tier wrote no measurements"
    assert "Tier `tiny`" in (copy / "RESULTS.md").read_text()
