"""`kg export FORMAT`: a network projection of the published build for Gephi (GEXF, GraphML, CSV, PNG)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.atomic import is_stream
from kg.config import Settings
from kg.exporters.gephi import EXPORT_FORMATS, write_export
from kg.exporters.network import LANGUAGES, PROJECTIONS, GraphData
from kg.store import BACKENDS, open_graph, open_store, published_files


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export the built graph for Gephi and other network tools (GEXF, GraphML, CSV, PNG)",
        description="Project the published build (dist/kg.ttl + dist/ontology.ttl; run `kg build` first), "
        "or the on-disk store of `kg build --store DIR` (--store DIR), to a network and write it to "
        "dist/kg-<projection>.<ext> or -o PATH.",
    )
    p.add_argument("format", metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}")
    p.add_argument(
        "--projection", default="full", metavar="NAME", help=f"one of {', '.join(PROJECTIONS)} (default: full)"
    )
    p.add_argument(
        "--lang",
        default="en",
        choices=LANGUAGES,
        help="language of labels and text attributes, falling back to English (default: en)",
    )
    p.add_argument("--static", action="store_true", help="leave out time intervals (a static graph)")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output file, or - for stdout (csv writes two files: -o STEM gives STEM-nodes.csv and STEM-edges.csv)",
    )
    p.add_argument("--dist", type=Path, help="folder of the build to read, and default output folder (default: dist/)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--backend", choices=BACKENDS, default="memory", help="graph store to load the build into")
    source.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="read the on-disk store made by `kg build --store DIR` instead of parsing the build folder",
    )


def run(args: argparse.Namespace) -> int:
    dist = args.dist if args.dist is not None else Settings().dist_dir
    data: GraphData = (
        open_store(args.store, read_only=True)
        if args.store is not None
        else open_graph(published_files(dist), backend=args.backend)
    )
    paths = write_export(
        data, args.format, args.projection, lang=args.lang, static=args.static, dist_dir=dist, output=args.output
    )
    print(f"kg export: {args.format}, projection {args.projection}", file=sys.stderr)
    for path in paths:
        if not is_stream(path):  # a stream (stdout, a pipe) has the data; a file's name is news
            print(path)
    return 0
