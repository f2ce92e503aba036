"""`python -m kg.extract.facts GOLD_DIR… --registry FILE [--facts events,participants]`: the fact-by-fact listing
behind `kg extract --evaluate`'s table, for a developer reading why a fact type scores low on the dev texts
(never run it on the held-aside third while tuning: it shows the gold)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.extract import evaluate_folder
from kg.extract.evaluate import FACT_TYPES, render_facts, render_scores


def main(argv: Sequence[str] | None = None) -> int:
    """Print every document's matched, missed and extra facts of the chosen types, then the score table."""
    parser = argparse.ArgumentParser(prog="python -m kg.extract.facts")
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--registry", type=Path, required=True)
    parser.add_argument("--facts", default=",".join(FACT_TYPES), help="fact types, comma-separated")
    args = parser.parse_args(argv)
    fact_types = [t for t in args.facts.split(",") if t]
    unknown = [t for t in fact_types if t not in FACT_TYPES]
    if unknown:
        parser.error(f"unknown fact type(s) {', '.join(unknown)}; use {', '.join(FACT_TYPES)}")
    evaluation = evaluate_folder(args.gold, args.registry)
    sys.stdout.write(render_facts(evaluation.documents, fact_types))
    sys.stdout.write(render_scores(evaluation.scores, len(evaluation.documents)))
    return 0


if __name__ == "__main__":
    from kg.errors import run_reporting

    raise SystemExit(run_reporting("python -m kg.extract.facts", main))
