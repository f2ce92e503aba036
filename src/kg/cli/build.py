"""`kg build`: annotations → validated graph → dumps in dist/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    p.add_argument(
        "--allow-shrink",
        action="store_true",
        help="replace dist/ even when the new build has less than half of its triples (refused by default)",
    )


def run(args: argparse.Namespace) -> int:
    from kg.build.stages import build  # here, not at the top: `kg build --help` answers at once

    settings = settings_from(args)
    result = build(
        settings,
        full=args.full,
        reason=args.reason,
        engine=args.shacl_engine,
        store=args.store,
        cache_dir=args.cache,
        guard_shrink=not args.allow_shrink,
    )
    for warning in result.warnings:
        print(f"kg build: warning: {warning}", file=sys.stderr)
    note = f"; {len(result.remapped)} of {result.chunks} inputs re-mapped"
    print(f"kg build: {result.triples} triples, conforms to {settings.shapes_file.name}{note}", file=sys.stderr)
    for path in result.files:
        print(path)
    return 0
