"""`kg export FORMAT`: a network projection of the published build for Gephi (GEXF, GraphML, CSV, PNG), or
`kg export events`: a flat table of events for statistics software (CSV, Parquet)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.atomic import is_stream
from kg.config import Settings
from kg.errors import ExportError

if TYPE_CHECKING:
    from kg.exporters.network import GraphData

#: the names of kg.exporters.gephi.EXPORT_FORMATS, kg.exporters.network.PROJECTIONS and LANGUAGES,
#: kg.exporters.events.TABLE_FORMATS and kg.store.BACKENDS, here so that `kg export --help` need not import
#: the exporters (rdflib, networkx, lxml); tests/test_latency_cli.py checks they agree
EXPORT_FORMATS = ("gexf", "graphml", "csv", "png")
PROJECTIONS = ("full", "actors", "events")
LANGUAGES = ("en", "id")
TABLE_FORMATS = ("csv", "parquet")
BACKENDS = ("memory", "oxigraph")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export the built graph for Gephi and other network tools (GEXF, GraphML, CSV, PNG), "
        "or a table of events (events)",
        description="Project the published build (dist/kg.ttl + dist/ontology.ttl; run `kg build` first), "
        "or the on-disk store of `kg build --store DIR` (--store DIR), to a network and write it to "
        "dist/kg-<projection>.<ext> or -o PATH. `kg export events` writes one row per event (or per "
        "report) to dist/kg-events.csv (kg-reports.csv, .parquet) or -o PATH.",
    )
    p.add_argument("format", metavar="FORMAT", help=f"one of {', '.join(EXPORT_FORMATS)}, or events")
    p.add_argument(
        "--format",
        dest="table_format",
        choices=TABLE_FORMATS,
        help="with events: the table's format (default: csv)",
    )
    p.add_argument("--by", choices=("event", "report"), help="with events: one row per event (default) or per report")
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
    from kg.store import open_graph, open_store, published_files  # here: `kg export --help` answers at once

    dist = args.dist if args.dist is not None else Settings().dist_dir
    data: GraphData = (
        open_store(args.store, read_only=True)
        if args.store is not None
        else open_graph(published_files(dist), backend=args.backend)
    )
    if args.format == "events":
        return _run_events(args, data, dist)
    if args.format not in EXPORT_FORMATS:
        raise ExportError(
            f"unknown export format {args.format!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}, events"
        )
    if args.table_format is not None or args.by is not None:
        raise ExportError(
            "--format and --by apply to `kg export events` only", hint="e.g. kg export events --format parquet"
        )
    from kg.exporters.gephi import write_export

    paths = write_export(
        data, args.format, args.projection, lang=args.lang, static=args.static, dist_dir=dist, output=args.output
    )
    print(f"kg export: {args.format}, projection {args.projection}", file=sys.stderr)
    for path in paths:
        if not is_stream(path):  # a stream (stdout, a pipe) has the data; a file's name is news
            print(path)
    return 0


def _run_events(args: argparse.Namespace, data: GraphData, dist: Path) -> int:
    from kg.exporters.events import write_table

    fmt, by = args.table_format or "csv", args.by or "event"
    path = write_table(data, fmt, by, lang=args.lang, dist_dir=dist, output=args.output)
    print(f"kg export: events, one row per {by}, {fmt}", file=sys.stderr)
    if not is_stream(path):
        print(path)
    return 0
