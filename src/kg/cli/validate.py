"""`kg validate [FILE…]`: SHACL-validate annotations or RDF files; exit 0, 1 or 2 like pyshacl."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.options import add_input_options, settings_from

if TYPE_CHECKING:
    from rdflib import Graph

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
        help="SHACL engine: pyshacl (the reference) or fast (shacl-rust; pip install 'kg-conflict[scale]'); "
        "both print the same lines (default: fast where shacl-rust is installed and takes the shapes, else pyshacl)",
    )
    add_input_options(p)


def run(args: argparse.Namespace) -> int:
    from kg import pipeline  # here, not at the top: `kg validate --help` answers at once
    from kg.paths import cache_dir
    from kg.validation_fast import ShapesNotSupported, has_fast_engine, load_checks, validate_lazily

    settings = settings_from(args)
    engine: str = args.shacl_engine or ("fast" if has_fast_engine() else "pyshacl")
    checks = None
    if engine == "fast":
        try:
            checks = load_checks(
                settings.shapes_file, settings.ontology_files, cache_dir(settings.dist_dir) / "validation"
            )
        except ShapesNotSupported:
            if args.shacl_engine is not None:
                raise
            # the project's own shapes use what the fast engine cannot check exactly: pyshacl, same lines
        else:
            if checks.warning:
                print(f"kg validate: warning: {checks.warning}", file=sys.stderr)

    def reference() -> tuple[Graph, Graph]:
        return pipeline.load_shapes(settings), pipeline.load_ontology(settings)

    files: list[Path] = args.files
    annotations = [f for f in files if f.suffix.lower() in ANNOTATION_SUFFIXES] or None
    rdf_files = [f for f in files if f.suffix.lower() not in ANNOTATION_SUFFIXES]
    reports: list[Report] = []
    if annotations or not files:
        mapped = pipeline.map_corpus(settings, annotations, origins=False, store="SimpleMemory")  # only read
        origins_of = lambda: pipeline.map_corpus(settings, annotations).origins  # noqa: E731
        reports.append(validate_lazily(mapped.graph, checks, reference, origins_of))
    if rdf_files:
        from kg.store import read_rdf

        reports.append(validate_lazily(read_rdf(rdf_files), checks, reference))
    lines = [line for r in reports for line in r.lines()]
    for line in lines:
        print(line)
    if all(r.conforms for r in reports):
        print("kg validate: conforms", file=sys.stderr)
        return 0
    print(f"kg validate: {len(lines)} violation(s)", file=sys.stderr)
    return 1
