"""`kg reason [FILE…]`: check consistency with the ontology and write the inferred triples.

Exit 0 consistent (dist/kg-inferred.ttl written), 1 inconsistent (the clashes, with the annotation
file and line behind each, on stderr), 2 the reasoner could not run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kg.atomic import write_files_atomically
from kg.cli.options import add_input_options, settings_from
from kg.config import Settings

if TYPE_CHECKING:
    from kg.mapping import Mapped

ANNOTATION_SUFFIXES = (".yaml", ".yml")
#: kg.reasoning's ENGINES and HERMIT_MAX_TRIPLES, here so that `kg reason --help` need not import the reasoner
#: (tests/test_latency_cli.py checks they agree)
ENGINES = ("auto", "hermit", "rules")
HERMIT_MAX_TRIPLES = 10_000


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reason",
        help="check the graph against the OWL ontology and write the inferred triples to dist/kg-inferred.ttl "
        "(exit 0 consistent, 1 inconsistent, 2 error)",
    )
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="annotation.yaml files or RDF data files (default: every bundled article)",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="hermit (OWL 2 DL, needs Java), rules (OWL 2 RL rules on Oxigraph), or auto: HermiT up to "
        "--max-hermit-triples asserted triples, rules above (default: auto)",
    )
    p.add_argument(
        "--max-hermit-triples",
        type=int,
        default=HERMIT_MAX_TRIPLES,
        metavar="N",
        help=f"size limit for HermiT under --engine auto (default: {HERMIT_MAX_TRIPLES})",
    )
    p.add_argument("--check", action="store_true", help="only check consistency; write nothing")
    add_input_options(p)


def _inputs(files: list[Path], settings: Settings) -> Mapped:
    from kg import pipeline, reasoning
    from kg.mapping import Mapped

    annotations = [f for f in files if f.suffix.lower() in ANNOTATION_SUFFIXES]
    rdf_files = [f for f in files if f not in annotations]
    if rdf_files and not annotations:
        graph, origins = reasoning.read_graph_with_origins(rdf_files)
        return Mapped(graph, origins)
    mapped = pipeline.map_corpus(settings, annotations or None)
    if rdf_files:
        graph, origins = reasoning.read_graph_with_origins(rdf_files)
        for triple in graph:
            mapped.graph.add(triple)
        for iri, origin in origins.items():
            mapped.origins.setdefault(iri, origin)
    return mapped


def run(args: argparse.Namespace) -> int:
    from kg import pipeline, reasoning  # here, not at the top: `kg reason --help` answers at once

    settings = settings_from(args)
    options = reasoning.ReasonerSettings(engine=args.engine, hermit_max_triples=args.max_hermit_triples)
    mapped = _inputs(args.files, settings)
    started = time.perf_counter()
    try:
        result = pipeline.infer(mapped, settings, options)
    except reasoning.InconsistentGraph as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"kg reason: {exc.message}", file=sys.stderr)
        return exc.exit_code
    seconds = time.perf_counter() - started
    summary = f"kg reason: consistent ({result.engine}, {seconds:.1f} s); {len(result.graph)} inferred triples"
    if args.check:
        print(summary, file=sys.stderr)
        return 0
    target = settings.dist_dir / reasoning.INFERRED_FILE
    write_files_atomically({target: result.turtle(settings.base)})
    print(f"{summary} → {target}", file=sys.stderr)
    print(target)
    return 0
