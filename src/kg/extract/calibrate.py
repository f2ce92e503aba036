"""The confidence of each `kg extract` rule, measured: its precision on the development texts.

`python -m kg.extract.calibrate GOLD_DIR… --registry FILE [-o FILE]` drafts every text of the development folders,
counts per rule the facts it drafted and those a gold fact matched, and writes `lexicons/confidence.yaml`. A rule's
confidence is (matched + 1) / (drafted + 2), Laplace's rule of succession: a rule right once out of once is not
certain. Rules that drafted nothing on the development texts keep the hand-set value of `engine.RULES`.

Never name the held-aside folder: a confidence measured on it would be tuned on the texts that measure the rules.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from ruamel.yaml import YAML

from kg.extract.evaluate import Comparison
from kg.extract.lexicon import CONFIDENCE_FILE

#: the development folders and registry the committed confidences were measured on (paths from the project root)
DEVELOPMENT = ("tests/cases/extract/gold", "tests/cases/extract/gold2", "tests/cases/extract/gold3")
DEVELOPMENT_REGISTRY = "tests/cases/extract/registry.yaml"


def counts(documents: Mapping[str, Mapping[str, Comparison]]) -> dict[str, tuple[int, int]]:
    """Per rule: (facts drafted, facts a gold fact matched), over every fact type and document."""
    drafted: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for comparisons in documents.values():
        for comp in comparisons.values():
            for _, d in comp.matched:
                if d.rule is not None:
                    drafted[d.rule] += 1
                    matched[d.rule] += 1
            for d in comp.extra:
                if d.rule is not None:
                    drafted[d.rule] += 1
    return {rule: (drafted[rule], matched[rule]) for rule in sorted(drafted)}


def confidence(drafted: int, matched: int) -> float:
    """Laplace's rule of succession, to two decimals."""
    return round((matched + 1) / (drafted + 2), 2)


def render(measured: Mapping[str, tuple[int, int]], folders: Sequence[str], registry: str) -> str:
    """The confidence file: a header naming the command, then one line per rule."""
    command = f"python -m kg.extract.calibrate {' '.join(folders)} --registry {registry}"
    lines = [
        "# The confidence of each `kg extract` rule: its precision on the development texts, (matched + 1) /",
        "# (drafted + 2). Written by the command below; do not edit by hand (a test recomputes it).",
        f"# {command}",
        "rules:",
    ]
    for rule, (drafted, matched) in measured.items():
        lines.append(
            f"  {rule}: {{drafted: {drafted}, matched: {matched}, confidence: {confidence(drafted, matched)}}}"
        )
    return "\n".join(lines) + "\n"


def load(file: Path = CONFIDENCE_FILE) -> dict[str, tuple[int, int]]:
    """The (drafted, matched) counts a confidence file records."""
    data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    return {str(rule): (int(v["drafted"]), int(v["matched"])) for rule, v in (data.get("rules") or {}).items()}


def main(argv: Sequence[str] | None = None) -> int:
    from kg.atomic import write_file_atomically
    from kg.extract import evaluate_folder

    parser = argparse.ArgumentParser(prog="python -m kg.extract.calibrate")
    parser.add_argument("gold", nargs="+", help="development folders (never the held-aside one)")
    parser.add_argument("--registry", required=True)
    parser.add_argument("-o", "--output", type=Path, default=CONFIDENCE_FILE)
    args = parser.parse_args(argv)
    if any(Path(g).name == "aside" for g in args.gold):
        parser.error("the held-aside folder measures the rules; calibrate on development folders only")
    evaluation = evaluate_folder([Path(g) for g in args.gold], Path(args.registry))
    text = render(counts(evaluation.documents), args.gold, args.registry)
    write_file_atomically(args.output, text.encode("utf-8"))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    from kg.errors import run_reporting

    raise SystemExit(run_reporting("python -m kg.extract.calibrate", main))
