"""`kg extract ARTICLE.txt` drafts an annotation; `kg extract --evaluate GOLD_DIR` scores the drafts."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.atomic import write_output
from kg.cli.options import settings_from
from kg.errors import KGError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "extract",
        help="draft an annotation (YAML or Turtle) from a raw article text, offline; or score drafts against gold",
    )
    p.add_argument("article", nargs="?", type=Path, help="the article's text file (UTF-8)")
    p.add_argument("--lang", choices=("id", "en", "auto"), default="auto", help="language of the text (default: auto)")
    p.add_argument("--dateline", help="publication date YYYY-MM-DD, used when the text gives none of its own")
    p.add_argument("--publisher", help="registry key of the publisher (default: the one the text's first lines name)")
    p.add_argument("--format", choices=("yaml", "ttl"), default="yaml", help="yaml (kg's annotation format) or ttl")
    p.add_argument("-o", "--output", type=Path, help="write the draft to this file (default, or -: stdout)")
    p.add_argument(
        "--evaluate",
        metavar="GOLD_DIR",
        type=Path,
        nargs="+",
        help="draft every GOLD_DIR/<doc>/article.*.txt (of one folder or several) and score it",
    )
    p.add_argument(
        "--min-confidence",
        metavar="P",
        type=_probability,
        default=0.0,
        help="with --evaluate: score only the drafted facts of confidence P or more (0 to 1; default 0: all)",
    )
    p.add_argument("--registry", type=Path, help="registry of shared entities (default: data/registry.yaml)")
    p.add_argument(
        "--events",
        metavar="PATH",
        type=Path,
        action="append",
        default=[],
        help="annotations (files, or folders such as data/articles) whose reported events a drafted event may name",
    )
    p.add_argument(
        "--base", help="base IRI of the Turtle draft (default: $KG_BASE_IRI or https://w3id.org/conflict-kg/)"
    )


def _probability(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        p = -1.0
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError(f"{value!r} is no confidence: give a number from 0 to 1, such as 0.8")
    return p


def run(args: argparse.Namespace) -> int:
    from kg.extract import draft_article, evaluate_folder
    from kg.extract.evaluate import render_scores

    settings = settings_from(args)
    if args.evaluate is not None:
        if args.article is not None:
            raise KGError("give an article or --evaluate GOLD_DIR, not both")
        evaluation = evaluate_folder(args.evaluate, settings.registry_file, args.min_confidence)
        table = render_scores(evaluation.scores, len(evaluation.documents), args.min_confidence)
        write_output(args.output, table.encode())
        return 0
    if args.min_confidence:
        raise KGError("--min-confidence scores drafts: give it with --evaluate GOLD_DIR")
    if args.article is None:
        raise KGError("name the article's text file", hint="kg extract ARTICLE.txt, or kg extract --evaluate GOLD_DIR")
    text = draft_article(
        args.article,
        settings.registry_file,
        lang=args.lang,
        dateline=args.dateline,
        publisher=args.publisher,
        output=args.output if args.output is not None and str(args.output) != "-" else None,
        fmt=args.format,
        base=settings.base,
        events=args.events,
    )
    write_output(args.output, text.encode())
    return 0
