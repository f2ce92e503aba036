"""`kg build`: annotations → validated graph → dumps in dist/."""

from __future__ import annotations

import argparse
import sys

from kg import pipeline
from kg.cli.options import add_input_options, settings_from


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("build", help="build, validate and publish the graph (dist/kg.ttl, kg.nt, kg.jsonld, void.ttl)")
    add_input_options(p)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    result = pipeline.build(settings)
    print(f"kg build: {len(result.mapped.graph)} triples, conforms to {settings.shapes_file.name}", file=sys.stderr)
    for path in result.files:
        print(path)
    return 0
