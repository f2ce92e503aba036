"""A fixed sample of the input fuzzer (benchmarks/fuzz_input.py runs 300 and more): mutated annotations
and registries give exit 0, 1 or 2, never a traceback or exit 70, never a hang, and a failed build
leaves the previous dist/ byte-identical."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import fuzz_input

#: seeds and counts chosen once; every mutation kind and every input file occurs in the sample
SAMPLE = list(fuzz_input.mutants(40, seed=2))


def test_sample_covers_every_mutation_and_file() -> None:
    assert {m.mutation for m in SAMPLE} == set(fuzz_input.MUTATIONS)
    assert {m.file for m in SAMPLE} == set(fuzz_input.input_files())


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fuzz_input.previous_build(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("mutant", SAMPLE, ids=lambda m: f"{m.number}-{m.mutation}")
def test_mutant_fails_cleanly_or_builds(mutant: fuzz_input.Mutant, previous: Path, tmp_path: Path) -> None:
    outcome = fuzz_input.run_mutant(mutant, tmp_path, previous, timeout=60, in_process=True)
    assert outcome.ok, outcome


def test_the_verdict_can_fail() -> None:
    """A build that changed dist/ and then failed, one that crashed and one that hung are not ok."""
    bad = fuzz_input.Outcome(SAMPLE[0], 2, 0.1, False, True, "kg build: error")
    crashed = fuzz_input.Outcome(SAMPLE[0], 70, 0.1, False, False, "internal error")
    hung = fuzz_input.Outcome(SAMPLE[0], None, 60.0, False, False, "")
    assert not bad.ok and not crashed.ok and not hung.ok
