"""`kg validate [FILE…]`: SHACL-validate annotations or RDF files; exit 0, 1 or 2 like pyshacl."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.options import add_input_options, settings_from

if TYPE_CHECKING:
    from kg.validation import Report

ANNOTATION_SUFFIXES = (".yaml", ".yml")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help="validate annotation files or RDF files against the SHACL shapes (exit 0 conforms, 1 violations, 2 error)",
    )
    p.add_argument(
        "files", nargs="*", type=Path, help="annotation.yaml files or RDF files (default: every bundled article)"
    )
    p.add_argument(
        "--shacl-engine",
        choices=("pyshacl", "fast"),
        default="pyshacl",
        help="SHACL engine: pyshacl (reference) or fast (shacl-rust, same results; pip install 'kg-conflict[scale]')",
    )
    add_input_options(p)


def run(args: argparse.Namespace) -> int:
    from kg import pipeline  # here, not at the top: `kg validate --help` answers at once
    from kg.store import read_rdf
    from kg.validation_fast import get_engine

    validate_graph = get_engine(args.shacl_engine)

    settings = settings_from(args)
    files: list[Path] = args.files
    annotations = [f for f in files if f.suffix.lower() in ANNOTATION_SUFFIXES]
    rdf_files = [f for f in files if f not in annotations]
    reports: list[Report] = []
    if annotations or not files:
        mapped = pipeline.map_corpus(settings, annotations or None)
        shapes, ontology = pipeline.load_shapes(settings), pipeline.load_ontology(settings)
        reports.append(validate_graph(mapped.graph, shapes, ontology, mapped.origins))
    if rdf_files:
        graph = read_rdf(rdf_files)
        reports.append(validate_graph(graph, pipeline.load_shapes(settings), pipeline.load_ontology(settings), None))
    lines = [line for r in reports for line in r.lines()]
    for line in lines:
        print(line)
    if all(r.conforms for r in reports):
        print("kg validate: conforms", file=sys.stderr)
        return 0
    print(f"kg validate: {len(lines)} violation(s)", file=sys.stderr)
    return 1
