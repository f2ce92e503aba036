"""`kg build`: annotations → validated graph → dumps in dist/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import incremental, pipeline
from kg.cli.options import add_input_options, settings_from


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="build, validate and publish the graph (dist/kg.ttl, kg.nt, kg.jsonld, void.ttl)")
    add_input_options(p)
    p.add_argument(
        "--reason", action="store_true", help="also check consistency with the ontology and write dist/kg-inferred.ttl"
    )
    p.add_argument(
        "--shacl-engine",
        choices=("pyshacl", "fast"),
        default="pyshacl",
        help="SHACL engine: pyshacl (reference) or fast (shacl-rust, same results)",
    )
    p.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="also keep the build in a persistent Oxigraph store folder (updated in place)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="map and validate every article again instead of using the build cache (implied by --reason)",
    )
    p.add_argument("--cache", type=Path, metavar="DIR", help="build cache folder (default: DIST/.kg-cache)")


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.reason or args.full:
        result = pipeline.build(settings, reason=args.reason, shacl_engine=args.shacl_engine, store=args.store)
        triples, files, note = len(result.mapped.graph), result.files, ""
    else:
        inc = incremental.build(settings, cache_dir=args.cache, engine=args.shacl_engine, store=args.store)
        triples, files = inc.triples, inc.files
        note = (
            f" (full build: {inc.fallback})"
            if inc.fallback
            else f"; {len(inc.remapped)} of {inc.chunks} inputs re-mapped"
        )
    print(f"kg build: {triples} triples, conforms to {settings.shapes_file.name}{note}", file=sys.stderr)
    for path in files:
        print(path)
    return 0
